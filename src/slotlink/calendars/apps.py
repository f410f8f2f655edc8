from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    """Calendar connections as a provider on the seam: scheduling never imports it."""

    name = "slotlink.calendars"
    label = "calendars"
