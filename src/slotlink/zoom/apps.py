from django.apps import AppConfig


class ZoomConfig(AppConfig):
    """Zoom as a conferencing provider: it plugs into the seam, scheduling never imports it."""

    name = "slotlink.zoom"
    label = "zoom"

    def ready(self) -> None:
        from slotlink.conferencing import seam
        from slotlink.zoom import checks  # noqa: F401 - registers the zoom.* system checks
        from slotlink.zoom.provider import ZoomProvider

        seam.register_provider(ZoomProvider())
