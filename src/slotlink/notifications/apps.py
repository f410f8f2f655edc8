from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Booking emails with calendar invites, and the demo outbox that shows them."""

    name = "slotlink.notifications"
    label = "notifications"
