"""What scheduling stores: event types, a host's weekly hours, group sessions, bookings.

Times are UTC instants; weekly hours are wall-clock times in the host's own time zone
(`User.time_zone`), so "9 to 5" stays 9 to 5 across daylight saving changes. A booking keeps
its own location (copied from its event type), its history (booked, rescheduled, cancelled),
the emails each party got about it, and the hashes of the single-purpose links its invitee
got by email; the links themselves are never stored. A group session has a calendar invite
of its own, its host's one event for all its seats.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from slotlink.conferencing.kinds import provided_location, provided_locations
from slotlink.notifications.messages import Audience
from slotlink.scheduling.hours_text import format_hours
from slotlink.scheduling.slots import END_OF_DAY


class LocationKind(models.TextChoices):
    """Scheduling's own location kinds; providers register theirs (conferencing/kinds.py)."""

    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person (address)"
    CUSTOM_URL = "custom_url", "Custom URL"
    ASK_INVITEE = "ask_invitee", "Ask the invitee"


def location_kind_choices() -> list[tuple[str, str]]:
    """Every location kind, as stored and labelled: the providers' (in the order they
    registered), then scheduling's own. Read when used, so the field holds no provider's."""
    provided = [(location.kind, location.label) for location in provided_locations()]
    return [*provided, *LocationKind.choices]


def default_location_kind() -> str:
    """A new event type's location: the first provider's kind, else a phone call."""
    provided = provided_locations()
    return provided[0].kind if provided else LocationKind.PHONE


def location_label(kind: str) -> str:
    return dict(location_kind_choices()).get(kind, kind)


class EventType(models.Model):
    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", "One-on-one"
        GROUP = "group", "Group"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="event_types"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_types"
    )
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    description = models.TextField(max_length=2000, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_ON_ONE)
    seats_per_session = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    location_kind = models.CharField(
        max_length=20, choices=location_kind_choices, default=default_location_kind
    )
    # The address (in person) or link (custom URL) the host gave; for a provider's kind that
    # attaches to existing events (a webinar), the one to attach to ("" for a new one per
    # session); empty for other kinds.
    location_detail = models.CharField(max_length=300, blank=True)
    # Only for a provider's kind with a fallback (`ProvidedLocation.fallback_label`, e.g. a
    # webinar on an account without the licence): bookings get a plain meeting, not no link.
    fallback_to_meeting = models.BooleanField(
        "Fall back to a meeting when the provider can't make the location's event",
        default=False,
    )
    minimum_notice_minutes = models.PositiveIntegerField(default=240)
    buffer_minutes = models.PositiveSmallIntegerField(default=0)
    horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    is_active = models.BooleanField(default=True)
    # Invitees may name guests, who get the invite too (scheduling/questions).
    allow_guests = models.BooleanField("Invitees may add guests", default=False)
    # Whether it has questions (scheduling/questions), kept by their services: the booking
    # page and its POST read the questions only then, so an event type without any costs
    # the public booking no query (issue 20's count).
    asks_questions = models.BooleanField(default=False, editable=False)
    # The host's schedule it follows (their default when made, and when its host changes).
    schedule = models.ForeignKey(
        "scheduling.Schedule", on_delete=models.PROTECT, related_name="event_types"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="event_type_slug_unique_per_org"
            )
        ]
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        location = provided_location(self.location_kind)
        if location is not None and location.requires_group and not self.is_group:
            raise ValidationError({"location_kind": location.requires_group})

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class AvailabilityInterval(models.Model):
    """One stretch of a weekday when a host takes meetings, in the host's time zone. An end
    of 00:00 is the midnight that ends the day (24:00), which a time field can't hold."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    # The schedule's host, kept on each row: a host's hours are read by host (the booking's
    # one query joins them from the host's row), and of one schedule.
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    schedule = models.ForeignKey(
        "scheduling.Schedule", on_delete=models.CASCADE, related_name="weekly"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=END_OF_DAY),
                name="availability_end_after_start",
            )
        ]
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {format_hours([(self.start, self.end)])}"


class GroupSession(models.Model):
    """One occurrence of a group event type: every booking at that start shares it.

    It is the unit a conferencing provider can attach one meeting or webinar to, with one
    registrant per booking. Its host gets one calendar event for it, not one per seat: the
    session's own invite, whose SEQUENCE is bumped whenever its seats change (a booking
    joins or leaves) or its join link does. Each invitee keeps the invite of their booking.
    """

    event_type = models.ForeignKey(EventType, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    ical_uid = models.CharField(max_length=255, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_type", "start"], name="one_session_per_start")
        ]
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.start:%Y-%m-%d %H:%M} UTC"


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="bookings"
    )
    event_type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="bookings")
    # The host when it was booked: later changes to the event type's host don't move it.
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_bookings"
    )
    session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    # Where it happens, copied from the event type when booked: editing the event type
    # changes only new bookings, and a Zoom booking stays Zoom through its cancel (so its
    # meeting is removed).
    location_kind = models.CharField(max_length=20, choices=location_kind_choices)
    location_detail = models.CharField(max_length=300, blank=True)
    fallback_to_meeting = models.BooleanField(default=False)  # see EventType's
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    invitee_name = models.CharField(max_length=100)
    invitee_email = models.EmailField(max_length=254)
    invitee_phone = models.CharField(max_length=40, blank=True)
    invitee_address = models.CharField(max_length=300, blank=True)
    invitee_time_zone = models.CharField(max_length=64)
    # The clock ("12" or "24") the invitee's browser language reads, recorded when they
    # booked: their emails follow it. "" when nothing said (the default clock then).
    invitee_clock = models.CharField(max_length=2, blank=True, default="")
    # The invitee's answers to the event type's questions, each with the question as it was
    # asked (scheduling/questions/answers.py), and the guests they invited (emails).
    answers = models.JSONField(default=list, blank=True)
    guest_emails = models.JSONField(default=list, blank=True)
    cancel_reason = models.TextField(max_length=500, blank=True)
    cancelled_by_host = models.BooleanField(default=False)
    # Booked while the host's calendar servers could not say whether the time was free
    # (down, slow, refusing): the host is shown it, to look for a clash themselves.
    calendar_not_checked = models.BooleanField(default=False)
    # The calendar invite: one UID for the booking's life, SEQUENCE bumped on every change.
    # What each party was emailed of it is in `emails` (BookingEmail).
    ical_uid = models.CharField(max_length=255, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["host", "start"], name="booking_host_start"),
            models.Index(fields=["organization", "start"], name="booking_org_start"),
        ]
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} with {self.invitee_name} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class BookingEvent(models.Model):
    """One line of a booking's history: what happened, when, and who did it."""

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        REASSIGNED = "reassigned", "Given to another host"  # its host left the organization

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # The host (or admin) who acted; None when the invitee did.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=150)
    start = models.DateTimeField()  # the booking's start after this change
    previous_start = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=500, blank=True)
    sequence = models.PositiveIntegerField()  # the invite SEQUENCE this change produced
    # A seat moved or cancelled with its whole session: its host is told of the session
    # once, there, and this change's emails are the invitee's alone.
    session_change = models.ForeignKey(
        "scheduling.GroupSessionChange",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seats",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor_name} at {self.at:%Y-%m-%d %H:%M} UTC"


class BookingToken(models.Model):
    """A link an invitee got by email, stored as a hash: it does one thing to one booking.

    A reschedule or cancel revokes all of a booking's tokens, so older links stop working;
    a revoked one is kept (`revoked_at`) so its page can say why it no longer works.
    """

    class Purpose(models.TextChoices):
        RESCHEDULE = "reschedule", "Reschedule"
        CANCEL = "cancel", "Cancel"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for booking {self.booking_id}"


class BookingEmail(models.Model):
    """One email to one party of a booking: which change (invite SEQUENCE) it told, and
    whether it carried the join link or said the link follows. The host's email about a
    group booking carries its session's invite instead of the booking's: `session` and
    `session_sequence` say which, and at which SEQUENCE.

    The row is written just before the email goes to the mail server, which claims it (a
    duplicate task finds it and sends nothing), and deleted again only if the server didn't
    take that email. So a retry sends only the emails still missing. A claim holds a lease
    (`lease_until`) until the server took the email: a worker that dies mid-send leaves a
    lease that runs out, and the email sweep has another worker send it (at least once,
    `attempts` counting the claims).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="emails")
    audience = models.CharField(
        max_length=10, choices=[(audience.value, audience.value.title()) for audience in Audience]
    )
    sequence = models.PositiveIntegerField()
    change = models.CharField(max_length=12)  # a notifications BookingChange
    awaiting_link = models.BooleanField(default=False)
    join_url = models.CharField(max_length=1000, blank=True)
    session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session_sequence = models.PositiveIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    # Set while the email is being sent; empty once the mail server took it.
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "audience", "sequence"], name="one_email_per_party_and_change"
            )
        ]
        ordering = ["sequence", "id"]

    def __str__(self) -> str:
        return f"{self.change} (SEQUENCE {self.sequence}) to the {self.audience}"

    def carries(self, join_url: str) -> bool:
        """Whether this email already gave its reader `join_url`."""
        return not self.awaiting_link and self.join_url == join_url


class GroupSessionEmail(models.Model):
    """The host's update of a group session that a booking left for another session.

    The booking's own emails carry the session it joined; the one it left is told here, once
    per session SEQUENCE: one attendee fewer, or its cancellation when that was the last
    seat. Claimed like a `BookingEmail`: written just before the email goes, deleted again
    only if the mail server didn't take it, and holding a lease until it took it.
    """

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="emails")
    sequence = models.PositiveIntegerField()  # the session's invite SEQUENCE it carried
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    # Set while the email is being sent; empty once the mail server took it.
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sequence"], name="one_host_update_per_session_change"
            )
        ]
        ordering = ["sequence", "id"]

    def __str__(self) -> str:
        return f"Session update (SEQUENCE {self.sequence}) to the host"


# The booking limits', the questions' and the reminders' tables live with their code
# (scheduling/limits, scheduling/questions, scheduling/reminders), time off and other hours
# on a date in scheduling/date_models.py, a whole session's change in session_change_models.py;
# imported here so Django finds them among the app's models.
from slotlink.scheduling import date_models as _date_models  # noqa: E402, F401
from slotlink.scheduling import session_change_models as _session_change_models  # noqa: E402, F401
from slotlink.scheduling.limits import models as _limits_models  # noqa: E402, F401
from slotlink.scheduling.questions import models as _questions_models  # noqa: E402, F401
from slotlink.scheduling.reminders import models as _reminders_models  # noqa: E402, F401
