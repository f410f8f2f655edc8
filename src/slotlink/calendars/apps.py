from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    """Calendar connections as a provider on the seam: scheduling never imports it."""

    name = "slotlink.calendars"
    label = "calendars"

    def ready(self) -> None:
        from datetime import timedelta

        from slotlink.accounts.member_providers import register_member_provider
        from slotlink.calendars.members import CalendarMembers
        from slotlink.calendars.provider import CalDAVProvider
        from slotlink.calendars.services.links import calendar_event_link_ready
        from slotlink.calendars.tasks import calendars_refresh_due, calendars_sweep
        from slotlink.conferencing import seam
        from slotlink.conferencing.calendars import register_calendar_provider
        from slotlink.core.periodic import register_periodic

        register_calendar_provider(CalDAVProvider())
        register_member_provider(CalendarMembers())
        # Every minute, each connection whose busy times are CALENDAR_REFRESH_SECONDS old
        # is refreshed in a task of its own (calendars/refresh.py).
        register_periodic(
            "calendars.refresh", every=timedelta(minutes=1), task=calendars_refresh_due
        )
        # Every minute, a booking's event whose sync task was lost is synced again.
        register_periodic("calendars.sweep", every=timedelta(minutes=1), task=calendars_sweep)
        seam.on_link_ready(calendar_event_link_ready)
