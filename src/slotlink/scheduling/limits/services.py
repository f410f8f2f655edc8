"""Admitting a public booking, or refusing it for a block or a limit it would go past.

`public_booking_screen` refuses a blocked address or email before the booking's
transaction begins: a block is no count that bookings sent at once could all pass, so it
needs no turn, and reading it outside holds no lock (on SQLite, the one write lock) for it.
The booking page reads the blocks with the event type (`Requester.blocks`), so the screen
makes no query of its own.
`public_booking_admit` runs inside the booking's own transaction, after the host's lock:
it takes the turns of the limits that are on (core/turns.py: the client address's, then the
organization's, always in that order, in one statement), counts the public bookings of the
last hour, and raises BookingRefused past a limit. The booking then writes itself down
(`public_booking_record`) in the same transaction, before the turns end: so bookings sent
at once can't all pass on one count, and a booking refused for any other reason (the time
was taken) counts for nothing, rolled back with it. With every limit off nothing is
counted, turned or written down. Rows that have left the hour are
deleted by a periodic job (`public_bookings_expire`), not by the booking: each statement
a booking runs is made while holding its host's lock, which every booking of that host
waits for.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from slotlink.core.turns import turn_take
from slotlink.scheduling.limits.models import BookingBlock, LimitKind, PublicBooking
from slotlink.scheduling.limits.selectors import block_of
from slotlink.scheduling.models import EventType

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class BlocksRead:
    """What the organization blocks of a requester, read ahead with the booking's event
    type (scheduling/public_read.py, with limits/selectors.py: `block_of_sql`), for the
    email the booking page was sent (lower-cased, as blocks are kept)."""

    email: str
    block: str | None  # BookingBlock.Kind: the address's block first; None for no block


def blocks_read(event_type: EventType, *, email: str) -> BlocksRead:
    """The blocks read with an event type by `public_event_type` for `email`."""
    block: str | None = getattr(event_type, "block_of_requester")  # noqa: B009 - annotated
    return BlocksRead(email=email, block=block)


@dataclass(frozen=True)
class Requester:
    """Who books on the public page: the client's address as the limits count it
    (`address_counted`), None when it has none; and its blocks if they were read ahead."""

    ip_address: str | None
    blocks: BlocksRead | None = None


def address_counted(address: str | None) -> str | None:
    """The address the limits and blocks count: an IPv6 address stands for its /64, since
    one customer is handed at least that many (it could otherwise take a new address for
    each booking); an IPv4 address, mapped into IPv6 or not, for itself."""
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


class BookingRefused(Exception):
    """The booking was not made: `limit` says which limit (or block) refused it, and
    `retry_at` when a try would pass that limit again (None for a block)."""

    def __init__(self, limit: LimitKind, retry_at: datetime | None = None) -> None:
        super().__init__(limit.value)
        self.limit = limit
        self.retry_at = retry_at

    @property
    def blocked(self) -> bool:
        return self.retry_at is None


def normalized_email(email: str) -> str:
    return email.strip().lower()[:254]


def public_booking_screen(
    *, event_type: EventType, invitee_email: str, requester: Requester
) -> None:
    """Raise BookingRefused if the organization blocked this address or this email (the
    address first); call before the booking's transaction. No query when the requester's
    blocks were read ahead for this email, else one."""
    address, email = requester.ip_address, normalized_email(invitee_email)
    read = requester.blocks
    if read is not None and read.email == email:
        block = read.block
    else:
        block = (
            block_of(address=address, email=email)
            .filter(organization_id=event_type.organization_id)
            .values_list("kind", flat=True)
            .first()
        )
    if block == BookingBlock.Kind.ADDRESS:
        raise BookingRefused(LimitKind.BLOCKED_ADDRESS)
    if block == BookingBlock.Kind.EMAIL:
        raise BookingRefused(LimitKind.BLOCKED_EMAIL)


def public_booking_admit(
    *, event_type: EventType, invitee_email: str, requester: Requester, now: datetime
) -> None:
    """Raise BookingRefused if this booking would go past a limit; call inside the
    booking's transaction. The limits that are on are counted in one query."""
    address, email = requester.ip_address, normalized_email(invitee_email)
    organization_id = event_type.organization_id
    of_event_type = Q(event_type_id=event_type.pk)
    # A group session may fill within an hour: its event type's limits are at least that.
    seats = event_type.seats_per_session if event_type.is_group else 0
    limits = [
        (LimitKind.EMAIL, settings.BOOKING_LIMIT_PER_EMAIL, of_event_type & Q(invitee_email=email)),
        (
            LimitKind.EVENT_TYPE,
            _at_least(settings.BOOKING_LIMIT_PER_EVENT_TYPE, seats),
            of_event_type,
        ),
        (
            LimitKind.ORGANIZATION,
            _at_least(settings.BOOKING_LIMIT_PER_ORGANIZATION, seats),
            Q(organization_id=organization_id),
        ),
    ]
    if address is not None:
        limits.append(
            (LimitKind.ADDRESS, settings.BOOKING_LIMIT_PER_ADDRESS, Q(ip_address=address))
        )
    limits = [(kind, allowed, rows) for kind, allowed, rows in limits if allowed]  # 0: none
    if not limits:
        return  # nothing is counted, so no count needs a turn
    # Only the address's limit counts across organizations; the others count within this
    # one. Both turns are taken in one call (one statement on PostgreSQL), address first.
    kinds = {kind for kind, _, _ in limits}
    turns = []
    if LimitKind.ADDRESS in kinds:
        turns.append(f"scheduling.booking-limits.address:{address}")
    if kinds - {LimitKind.ADDRESS}:
        turns.append(f"scheduling.booking-limits.organization:{organization_id}")
    turn_take(*turns)
    recent = PublicBooking.objects.filter(created_at__gte=now - WINDOW)
    # Every row counted is the organization's (its event types' too) or the address's.
    scope = Q(organization_id=organization_id)
    if address is not None:
        scope |= Q(ip_address=address)
    counts = recent.filter(scope).aggregate(
        **{f"n_{kind.value}": Count("pk", filter=rows) for kind, _, rows in limits}
    )
    passed_at = [
        (again, kind)
        for kind, allowed, rows in limits
        if (again := _passes_again_at(recent.filter(rows), counts[f"n_{kind.value}"], allowed))
        is not None
    ]
    if passed_at:
        retry_at, kind = max(passed_at)  # trying before the last of them is refused again
        raise BookingRefused(kind, retry_at)


def _at_least(limit: int, seats: int) -> int:
    return max(limit, seats) if limit else 0


def _passes_again_at(rows: QuerySet[PublicBooking], count: int, allowed: int) -> datetime | None:
    """None while a booking is within `allowed` (`count` of `rows` in the window); else
    when enough of the bookings counted have left the window for one more."""
    if count < allowed:
        return None
    leaving: datetime = rows.order_by("created_at").values_list("created_at", flat=True)[
        count - allowed
    ]
    return leaving + WINDOW


def public_bookings_expire(*, now: datetime) -> int:
    """Delete the public bookings that have left the window (the limits count only the
    last hour's, so a row kept a little longer counts for nothing); the periodic job
    `scheduling.public-bookings-expire` calls this, outside any booking's transaction and
    turns. Returns how many were deleted."""
    deleted, _ = PublicBooking.objects.filter(created_at__lt=now - WINDOW).delete()
    return deleted


def limits_on() -> bool:
    """Whether any booking limit is on (0 turns one off)."""
    return any(
        getattr(settings, f"BOOKING_LIMIT_PER_{name}")
        for name in ("ADDRESS", "EMAIL", "EVENT_TYPE", "ORGANIZATION")
    )


def public_booking_record(
    *, event_type: EventType, invitee_email: str, requester: Requester, now: datetime
) -> None:
    """Count a booking just made on the public page, in its transaction (see above). With
    every limit off nothing counts it, so nothing is written: one statement fewer while
    the host's lock is held. A limit turned on later (a restart with new settings) counts
    the bookings made from then on."""
    if not limits_on():
        return
    PublicBooking.objects.create(
        organization_id=event_type.organization_id,
        event_type=event_type,
        invitee_email=normalized_email(invitee_email),
        ip_address=requester.ip_address,
        created_at=now,
    )
