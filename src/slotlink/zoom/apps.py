from django.apps import AppConfig


class ZoomConfig(AppConfig):
    """Zoom as a conferencing provider: it plugs into the seam, scheduling never imports it."""

    name = "slotlink.zoom"
    label = "zoom"

    def ready(self) -> None:
        from slotlink.accounts.member_providers import register_member_provider
        from slotlink.conferencing import seam
        from slotlink.core.csp import register_form_targets
        from slotlink.core.metrics import register_scrape_gauges
        from slotlink.zoom import checks  # noqa: F401 - registers the zoom.* system checks
        from slotlink.zoom.client import browser_origins
        from slotlink.zoom.connections import zoom_user_reconnected
        from slotlink.zoom.meetings.fixes import meetings_retry_for
        from slotlink.zoom.members import ZoomMembers
        from slotlink.zoom.metrics import zoom_gauges
        from slotlink.zoom.provider import ZoomProvider
        from slotlink.zoom.webinars.provider import ZoomWebinarProvider

        seam.register_provider(ZoomProvider())
        seam.register_provider(ZoomWebinarProvider())
        register_member_provider(ZoomMembers())
        register_scrape_gauges(zoom_gauges)
        # Here, so that connections.py (below meetings) imports nothing of meetings.
        zoom_user_reconnected.connect(meetings_retry_for, dispatch_uid="zoom.meetings.retry")
        register_form_targets(browser_origins)
        self._register_periodic_jobs()

    def _register_periodic_jobs(self) -> None:
        from datetime import timedelta

        from slotlink.core.periodic import register_periodic
        from slotlink.zoom.meetings.tasks import zoom_reconcile, zoom_sweep
        from slotlink.zoom.webinars.tasks import zoom_attendance

        register_periodic("zoom.sweep", every=timedelta(minutes=1), task=zoom_sweep)
        # Each account is listed at most hourly; this only looks for accounts that are due.
        register_periodic("zoom.reconcile", every=timedelta(minutes=5), task=zoom_reconcile)
        register_periodic("zoom.attendance", every=timedelta(minutes=15), task=zoom_attendance)
