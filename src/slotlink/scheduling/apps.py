from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Event types, availability, slots, bookings and the public booking pages."""

    name = "slotlink.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from slotlink.conferencing import seam
        from slotlink.scheduling.tasks import link_ready_listener

        seam.on_link_ready(link_ready_listener)
