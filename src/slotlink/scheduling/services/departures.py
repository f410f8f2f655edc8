"""A member leaves an organization: what it means for what they host, and doing it.

Their event types stop being bookable (deactivated), their bookings that haven't started
each go to another host who is free then or are cancelled (the invitee is told, and the
conferencing provider hears of it, exactly as a host's cancel), conferencing providers end
their own connections (revoking them at the provider after the commit), and their
membership goes. Past bookings keep their host and history; the person's account stays, as
they may belong to other organizations. All of it happens in one transaction: a decision
that can't be carried out (the new host got busy meanwhile) changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from slotlink.accounts import member_providers
from slotlink.accounts.models import Membership, User
from slotlink.accounts.services import membership_delete
from slotlink.conferencing import calendars, seam
from slotlink.core.tasks import enqueue_on_commit
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.locations import booking_ref
from slotlink.scheduling.models import Booking, BookingEvent, EventType
from slotlink.scheduling.selectors import future_bookings_hosted_by, host_is_free
from slotlink.scheduling.services.bookings import BookingError, booking_cancel
from slotlink.scheduling.tasks import send_booking_email
from slotlink.scheduling.tokens import tokens_revoke

CANCEL = "cancel"
CANCEL_REASON = "Your host is no longer available for this booking."


@dataclass(frozen=True)
class Departure:
    """What removing a member would do, for the confirmation page."""

    membership: Membership
    event_types: list[EventType]  # bookable now; they stop being bookable
    future_bookings: list[Booking]  # each to reassign or cancel
    past_bookings: int  # keep their host and history
    conferencing_notes: list[str]
    hosts: list[User]  # whom a booking can go to: the organization's other members


def _lock_users(user_ids: set[int]) -> None:
    """The same lock every write to a host's calendar takes (services/bookings.py), in id
    order so two removals can't deadlock."""
    for user_id in sorted(user_ids):
        User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def member_departure(*, membership: Membership, now: datetime | None = None) -> Departure:
    now = now or timezone.now()
    organization_id, user_id = membership.organization_id, membership.user_id
    return Departure(
        membership=membership,
        event_types=list(
            EventType.objects.filter(
                organization_id=organization_id, host_id=user_id, is_active=True
            ).order_by("title", "id")
        ),
        future_bookings=list(
            future_bookings_hosted_by(organization_id=organization_id, host_id=user_id, now=now)
        ),
        past_bookings=Booking.objects.filter(
            organization_id=organization_id, host_id=user_id, start__lte=now
        ).count(),
        conferencing_notes=member_providers.departure_notes(
            organization_id=organization_id, user_id=user_id
        ),
        hosts=list(
            User.objects.filter(memberships__organization_id=organization_id)
            .exclude(pk=user_id)
            .order_by("full_name", "email")
        ),
    )


def booking_reassign(
    *, booking: Booking, host: User, by: User, now: datetime | None = None
) -> Booking:
    """Give a booking that hasn't started to another host of its organization, who must be
    free at its time. Its invitee, time and location stay; the invitee and the new host are
    emailed the updated invite (new SEQUENCE, the new host as organizer, new links), and
    its history says who took it. Raises BookingError (nothing changes) when that can't be
    done."""
    with transaction.atomic():
        _lock_users({booking.host_id, host.id})
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("event_type", "host")
            .get(pk=booking.pk)
        )
        now = now or timezone.now()
        if booking.is_cancelled or booking.start <= now:
            raise BookingError(
                format_html(
                    "The booking with <bdi>{}</bdi> was cancelled or has started, so it can't "
                    "move to another host.",
                    booking.invitee_name,
                )
            )
        if not Membership.objects.filter(
            organization_id=booking.organization_id, user=host
        ).exists():
            raise BookingError(
                format_html(
                    "<bdi>{}</bdi> isn't a member of this organization.", host.get_full_name()
                )
            )
        if not host_is_free(host=host, booking=booking):
            raise BookingError(
                format_html(
                    "<bdi>{}</bdi> already has a booking at the time of <bdi>{}</bdi> with "
                    "<bdi>{}</bdi>. Pick another host, or cancel it.",
                    host.get_full_name(),
                    booking.event_type.title,
                    booking.invitee_name,
                )
            )
        previous = booking.host
        booking.host = host
        booking.sequence += 1  # the invite changes organizer
        booking.save(update_fields=["host", "sequence"])
        tokens_revoke(booking=booking)  # the new email's links replace the old ones
        seam.booking_host_changed(booking.location_kind, booking_ref(booking))
        calendars.event_written(booking_ref(booking))  # into the new host's calendar
        BookingEvent.objects.create(
            booking=booking,
            kind=BookingEvent.Kind.REASSIGNED,
            actor=by,
            actor_name=by.get_full_name(),
            start=booking.start,
            reason=f"From {previous.get_full_name()} to {host.get_full_name()}",
            sequence=booking.sequence,
        )
        enqueue_on_commit(
            send_booking_email, booking.id, BookingChange.NEW_HOST.value, booking.sequence
        )
    return booking


def member_remove(
    *,
    membership: Membership,
    by: User,
    decisions: dict[int, str],
    now: datetime | None = None,
) -> list[Booking]:
    """Remove a member, carrying out a decision for each booking of theirs that hasn't
    started: a user id to reassign it to, or CANCEL. Returns the bookings cancelled.

    Raises ValidationError (nothing changes) for the organization's last admin, a booking
    without a decision, or a decision that can't be carried out.
    """
    now = now or timezone.now()
    organization_id, user_id = membership.organization_id, membership.user_id
    with transaction.atomic():
        _lock_users({user_id})
        bookings = list(
            future_bookings_hosted_by(organization_id=organization_id, host_id=user_id, now=now)
        )
        undecided = [b for b in bookings if b.id not in decisions]
        if undecided:
            raise ValidationError(
                "Decide on every booking: new bookings came in meanwhile. Check the list again."
            )
        cancelled = []
        for booking in bookings:
            decision = decisions[booking.id]
            try:
                if decision == CANCEL:
                    cancelled.append(
                        booking_cancel(booking=booking, reason=CANCEL_REASON, by=by, now=now)
                    )
                else:
                    host = (
                        User.objects.filter(pk=int(decision)).first()
                        if decision.isdigit()
                        else None
                    )
                    if host is None or host.pk == user_id:
                        raise BookingError("Pick another member to take the booking, or cancel it.")
                    booking_reassign(booking=booking, host=host, by=by, now=now)
            except BookingError as error:
                raise ValidationError(error.message) from error
        EventType.objects.filter(organization_id=organization_id, host_id=user_id).update(
            is_active=False
        )
        member_providers.member_leaving(
            organization_id=organization_id, user_id=user_id, successor_id=by.id
        )
        membership_delete(membership=membership)
    return cancelled
