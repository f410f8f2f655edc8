"""Builders and helpers for scheduling tests, written through the product's own services."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from slotlink.accounts.models import Membership, Organization, User
from slotlink.scheduling.models import Booking, EventType, LocationKind
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.bookings import Invitee, booking_create
from slotlink.scheduling.services.event_types import availability_replace, event_type_create
from tests.factories import make_member
from tests.fixtures.task_queue import run_ready_tasks

ALL_DAY = [(weekday, time(0, 0), time(23, 59)) for weekday in range(7)]
STARTS_AFTER = timedelta(hours=1)


def make_host(
    organization: Organization, *, time_zone: str = "Europe/Berlin", **fields: str
) -> User:
    fields.setdefault("full_name", "Hana Host")
    return make_member(
        organization, role=Membership.Role.MEMBER, time_zone=time_zone, **fields
    ).user


def make_event_type(
    organization: Organization, host: User, *, always_open: bool = True, **fields: Any
) -> EventType:
    """An event type; by default its host takes meetings at any hour, with no notice."""
    values: dict[str, Any] = {
        "title": "Intro call",
        "slug": f"intro-{EventType.objects.count() + 1}",
        "duration_minutes": 30,
        "kind": EventType.Kind.ONE_ON_ONE,
        "location_kind": LocationKind.PHONE,
        "minimum_notice_minutes": 0,
    }
    values.update(fields)
    event_type = event_type_create(organization=organization, host=host, **values)
    if always_open:
        availability_replace(host=host, intervals=ALL_DAY)
    return event_type


def next_free_starts(event_type: EventType, count: int = 1, *, days: int = 3) -> list[datetime]:
    """The first free starts at least `STARTS_AFTER` from now, so none starts while a test
    that books it still runs (with no notice, the first slot can be seconds away)."""
    now = timezone.now()
    since = now + STARTS_AFTER
    slots = free_slots(
        event_type=event_type, since=since, until=now + timedelta(days=days), now=now
    )
    assert len(slots) >= count, "the test needs more free slots"
    return [slot.start for slot in slots[:count]]


def free_start_from(event_type: EventType, earliest: datetime, *, days: int = 7) -> datetime:
    """The first start `event_type` offers at or after `earliest`. `earliest` itself (a
    free start plus some hours, say) may fall past the end of the host's day when the
    test runs late in it."""
    now = timezone.now()
    slots = free_slots(
        event_type=event_type,
        since=max(earliest, now + STARTS_AFTER),
        until=now + timedelta(days=days),
        now=now,
    )
    assert slots, "the test needs a free slot"
    return slots[0].start


def invitee(**fields: str) -> Invitee:
    values = {"name": "Ivy Invitee", "email": "ivy@example.test", "time_zone": "America/New_York"}
    values.update(fields)
    if "phone" not in values:
        values["phone"] = "+1 212 555 0100"
    return Invitee(**values)


def book(event_type: EventType, start: datetime | None = None, **fields: str) -> Booking:
    return booking_create(
        event_type=event_type,
        start=start or next_free_starts(event_type)[0],
        invitee=invitee(**fields),
    )


def many_bookings(event_type: EventType, count: int) -> None:
    """`count` one-on-one bookings an hour apart from tomorrow, written straight to the
    table in one statement, past the booking service (booking them one by one would take
    minutes): for tests of reading many bookings."""
    first = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    Booking.objects.bulk_create(
        Booking(
            organization_id=event_type.organization_id,
            event_type=event_type,
            host_id=event_type.host_id,
            start=first + timedelta(hours=n),
            end=first + timedelta(hours=n, minutes=30),
            location_kind=event_type.location_kind,
            invitee_name=f"Many {n:04d}",
            invitee_email=f"many{n}@example.test",
            invitee_time_zone="UTC",
            ical_uid=f"many-{n}@test",
        )
        for n in range(count)
    )


def run_queued_tasks() -> int:
    """Run the tasks that are due, as a worker would, but in this process: emails then land
    in Django's test outbox. Returns how many ran."""
    return run_ready_tasks(rounds=1_000_000, only_due=True)
