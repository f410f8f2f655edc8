"""A refused public booking is written down, for the host to see the flood and stop it.

Each refusal is kept a day: the bookings page shows the host (and an admin, the whole
organization's) how many were refused and from which addresses and emails, with a button to
block each. The host is emailed about them at most once an hour: the refusal that finds
none waiting to be told enqueues the email (at once, or an hour after the last one), and
the email, sent, marks what it told and enqueues the next if more came meanwhile. Both take
the audience's turn (core/turns.py), so no refusal is left waiting with no email coming.
The organization's own limit is told to its admins, every other refusal to the event
type's host.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from slotlink.core.metrics import BOOKINGS_REFUSED
from slotlink.core.tasks import enqueue_on_commit
from slotlink.core.turns import turn_take
from slotlink.scheduling.limits.models import BookingRefusal, LimitKind
from slotlink.scheduling.limits.services import (
    WINDOW,
    BookingRefused,
    Requester,
    normalized_email,
)
from slotlink.scheduling.models import EventType

log = logging.getLogger("slotlink.scheduling")

KEPT = timedelta(days=1)
ADMINS = 0  # the host id of the organization admins' audience


def refusal_audience(*, organization_id: int, host_id: int) -> QuerySet[BookingRefusal]:
    """The refusals told to one host (`host_id`), or to the admins (ADMINS)."""
    refusals = BookingRefusal.objects.filter(organization_id=organization_id)
    if host_id == ADMINS:
        return refusals.filter(limit=LimitKind.ORGANIZATION)
    return refusals.filter(host_id=host_id).exclude(limit=LimitKind.ORGANIZATION)


def refusal_audience_turn(*, organization_id: int, host_id: int) -> None:
    turn_take(f"scheduling.booking-refusals:{organization_id}:{host_id}")


def booking_refusal_record(
    *,
    refused: BookingRefused,
    event_type: EventType,
    invitee_email: str,
    requester: Requester,
    now: datetime | None = None,
) -> None:
    """Write the refusal down and, if none is waiting to be told, enqueue the email."""
    from slotlink.scheduling.tasks import booking_refusals_notice_send

    now = now or timezone.now()
    organization_id = event_type.organization_id
    host_id = ADMINS if refused.limit == LimitKind.ORGANIZATION else event_type.host_id
    with transaction.atomic():
        refusal_audience_turn(organization_id=organization_id, host_id=host_id)
        BookingRefusal.objects.filter(created_at__lt=now - KEPT).delete()
        audience = refusal_audience(organization_id=organization_id, host_id=host_id)
        waiting = audience.filter(told_at__isnull=True).exists()
        BookingRefusal.objects.create(
            organization_id=organization_id,
            event_type=event_type,
            host_id=event_type.host_id,
            limit=refused.limit,
            invitee_email=normalized_email(invitee_email),
            ip_address=requester.ip_address,
            created_at=now,
        )
        if not waiting:
            last_told: datetime | None = audience.aggregate(last=Max("told_at"))["last"]
            due = max(now, last_told + WINDOW) if last_told else now
            enqueue_on_commit(
                booking_refusals_notice_send.using(run_after=due), organization_id, host_id
            )
    BOOKINGS_REFUSED.labels(limit=refused.limit.value).inc()
    log.warning(
        "scheduling.booking.%s limit=%s organization=%s event_type=%s address=%s",
        "blocked" if refused.blocked else "limited",
        refused.limit.value,
        organization_id,
        event_type.pk,
        requester.ip_address or "-",
    )
