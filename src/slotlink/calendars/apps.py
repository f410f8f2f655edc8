from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    """Calendar connections as a provider on the seam: scheduling never imports it."""

    name = "slotlink.calendars"
    label = "calendars"

    def ready(self) -> None:
        from slotlink.calendars.provider import CalDAVProvider
        from slotlink.conferencing.calendars import register_calendar_provider

        register_calendar_provider(CalDAVProvider())
