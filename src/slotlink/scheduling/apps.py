from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Event types, availability, slots, bookings and the public booking pages."""

    name = "slotlink.scheduling"
    label = "scheduling"
