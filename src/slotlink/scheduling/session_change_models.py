"""What a change of a whole group session keeps for its host's one email about it.

A host (or an admin) moving or cancelling a group session changes every seat, and each
invitee is emailed about their own booking. The host is told once, for the session: each
seat's history line of the change points to a `GroupSessionChange`
(`BookingEvent.session_change`), which says the seat's emails are the invitee's alone, and
the row is the host's email, marked once the mail server took it
(services/session_change_emails.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class GroupSessionChange(models.Model):
    """A group session moved or cancelled at once, as one host of its seats is told of it
    (a session's seats have one host, unless some were given to another when theirs left).

    The email goes on core's notice path: claimed with a lease just before it goes, and
    `host_told_at` set, with the session's invite SEQUENCE it carried, once the mail server
    took it. Until then the row is no email, only the change to tell.
    """

    class Kind(models.TextChoices):
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    session = models.ForeignKey(
        "scheduling.GroupSession", on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MOVED)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who changed it: the host, or an admin (None once their account is gone).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    # The session's time before and after the change: the same for a cancel.
    previous_start = models.DateTimeField()
    start = models.DateTimeField()
    # The actor's words to the invitees: a move's message, a cancel's reason.
    message = models.TextField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)
    host_told_at = models.DateTimeField(null=True, blank=True)
    session_sequence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Session {self.session_id} {self.kind} at {self.at:%Y-%m-%d %H:%M} UTC"
