from django.apps import AppConfig


class ConferencingConfig(AppConfig):
    """The seam between bookings and video-conferencing providers, and the Integrations page."""

    name = "slotlink.conferencing"
    label = "conferencing"
