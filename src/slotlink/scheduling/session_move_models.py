"""What a whole group session's move keeps for its host's one email about it.

A host (or an admin) moving a group session moves every seat, and each invitee is emailed
about their own booking. The host is told once, for the session: each seat's history line
of the move points to a `GroupSessionMove` (`BookingEvent.session_move`), which says the
seat's emails are the invitee's alone, and the row is the host's email, marked once the
mail server took it (services/session_move_emails.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class GroupSessionMove(models.Model):
    """A group session moved at once, as one host of its seats is told of it (a session's
    seats have one host, unless some were given to another when theirs left).

    The email goes on core's notice path: claimed with a lease just before it goes, and
    `host_told_at` set, with the session's invite SEQUENCE it carried, once the mail server
    took it. Until then the row is no email, only the move to tell.
    """

    session = models.ForeignKey(
        "scheduling.GroupSession", on_delete=models.CASCADE, related_name="moves"
    )
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who moved it: the host, or an admin (None once their account is gone).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    previous_start = models.DateTimeField()
    start = models.DateTimeField()
    message = models.TextField(max_length=500, blank=True)  # the mover's, to the invitees
    at = models.DateTimeField(default=timezone.now)
    host_told_at = models.DateTimeField(null=True, blank=True)
    session_sequence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Session {self.session_id} moved at {self.at:%Y-%m-%d %H:%M} UTC"
