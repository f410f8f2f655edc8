"""Writes about event types and the weekly hours of their hosts."""

import secrets
from collections.abc import Iterable
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from slotlink.accounts.models import Membership, Organization, User
from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.models import EventType, GroupSession
from slotlink.scheduling.services.schedules import (
    default_schedule_of,
    suggested_hours_use,
    weekly_hours_replace,
)
from slotlink.scheduling.slugs import free_slug, id_slug

# What a host edits, by editor tab; together, every field a host may write.
GENERAL_FIELDS = [
    "title",
    "slug",
    "description",
    "duration_minutes",
    "kind",
    "seats_per_session",
    "location_kind",
    "location_detail",
    "fallback_to_meeting",
]
LIMIT_FIELDS = ["minimum_notice_minutes", "buffer_minutes", "horizon_days", "is_active"]
EVENT_TYPE_FIELDS = {*GENERAL_FIELDS, *LIMIT_FIELDS}


HOST_LEFT = (
    "Its host is no longer a member of this organization, so it can't be bookable. Pick a "
    "host who is a member first."
)


def _is_member(organization_id: int, user_id: int) -> bool:
    return Membership.objects.filter(organization_id=organization_id, user_id=user_id).exists()


def _check_host(*, organization_id: int, host: User) -> None:
    if not _is_member(organization_id, host.id):
        raise ValidationError({"host": "The host must be a member of this organization."})


def _check_fields(fields: dict[str, object]) -> None:
    unknown = set(fields) - EVENT_TYPE_FIELDS
    if unknown:
        raise TypeError(f"Not event type fields: {', '.join(sorted(unknown))}")


def _schedule_for(host: User, schedule: Schedule | None) -> Schedule:
    """The schedule given, which must be the host's, or the host's default (a host without
    weekly hours gets the suggested ones in it, to confirm: suggested_hours_use)."""
    if schedule is not None:
        if schedule.host_id != host.id:
            raise ValidationError({"schedule": "Pick one of the host's own schedules."})
        return schedule
    return suggested_hours_use(host=host)


@transaction.atomic
def event_type_create(
    *,
    organization: Organization,
    host: User,
    schedule: Schedule | None = None,
    **fields: object,
) -> EventType:
    """A new event type, following `schedule` or the host's default one."""
    _check_fields(fields)
    _check_host(organization_id=organization.id, host=host)
    event_type = EventType(
        organization=organization, host=host, schedule=_schedule_for(host, schedule), **fields
    )
    named_by_id = not event_type.slug
    if named_by_id:
        # Its title gave no link name: it is named from its id, which it has once saved.
        event_type.slug = f"new-{secrets.token_hex(8)}"
    if not event_type.is_group:
        event_type.seats_per_session = 1
    event_type.full_clean()
    event_type.save()
    if named_by_id:
        event_type.slug = free_slug(
            organization_id=organization.id, slug=id_slug(event_type.id), exclude_id=event_type.id
        )
        event_type.save(update_fields=["slug"])
    return event_type


@transaction.atomic
def event_type_update(
    *,
    event_type: EventType,
    host: User | None = None,
    schedule: Schedule | None = None,
    **fields: object,
) -> EventType:
    """Change an event type. Existing bookings keep their host, time and location. A new
    host brings their default schedule, unless one of theirs is given."""
    _check_fields(fields)
    if host is not None and host.id != event_type.host_id:
        _check_host(organization_id=event_type.organization_id, host=host)
        event_type.host = host
        event_type.schedule = _schedule_for(host, schedule)
    elif schedule is not None:
        event_type.schedule = _schedule_for(event_type.host, schedule)
    for name, value in fields.items():
        setattr(event_type, name, value)
    if not event_type.is_group:
        event_type.seats_per_session = 1
    if event_type.is_active and not _is_member(event_type.organization_id, event_type.host_id):
        raise ValidationError({"is_active": HOST_LEFT})
    event_type.full_clean()
    event_type.save()
    if event_type.is_group:
        # Sessions still to come take the new capacity; seats already taken stay taken.
        GroupSession.objects.filter(event_type=event_type, start__gt=timezone.now()).update(
            capacity=event_type.seats_per_session
        )
    return event_type


def availability_replace(
    *,
    host: User,
    intervals: Iterable[tuple[int, time, time]],
    time_zone: str | None = None,
) -> None:
    """Set the weekly hours of a host's default schedule (and, given, their time zone)."""
    weekly_hours_replace(
        schedule=default_schedule_of(host=host), intervals=intervals, time_zone=time_zone
    )
