"""Migrations with a data step: existing rows come out right, forwards on a real schema."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from slotlink.scheduling.models import Booking, EventType, GroupSession, LocationKind
from slotlink.scheduling.reminders.models import ReminderEmail
from slotlink.zoom.locations import ZOOM, ZOOM_WEBINAR
from tests.scheduling.builders import book, make_event_type, next_free_starts

BEFORE_LOCATION = ("scheduling", "0002_booking_email")
BOOKING_LOCATION = ("scheduling", "0003_booking_location")
SESSION_INVITE = ("scheduling", "0005_group_session_uid_required")
BEFORE_PROVIDED_KINDS = ("scheduling", "0010_booking_limits")
PROVIDED_KINDS = ("scheduling", "0011_location_kinds_from_providers")
BEFORE_REMINDERS_HANDLED = ("scheduling", "0021_session_moves")
REMINDERS_HANDLED = ("scheduling", "0022_reminder_email_handled_at")


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # the applied migrations changed since the last executor
    executor.migrate([target])


def latest_scheduling_migration() -> tuple[str, str]:
    (leaf,) = (
        node
        for node in MigrationExecutor(connection).loader.graph.leaf_nodes()
        if node[0] == "scheduling"
    )
    return leaf


@pytest.mark.django_db(transaction=True)
def test_existing_bookings_get_their_event_types_location(organization, host):
    """Bookings made before bookings had a location get their event type's kind and detail
    (an in-person address, a custom link), each its own."""
    office = make_event_type(
        organization, host, location_kind=LocationKind.IN_PERSON, location_detail="Acme HQ"
    )
    online = make_event_type(
        organization,
        host,
        location_kind=LocationKind.CUSTOM_URL,
        location_detail="https://meet.example.com/r/1",
    )
    zoom = make_event_type(organization, host, location_kind=ZOOM)
    starts = next_free_starts(office, 6)[::2]
    made = {
        book(office, starts[0]).id: (LocationKind.IN_PERSON, "Acme HQ"),
        book(online, starts[1]).id: (LocationKind.CUSTOM_URL, "https://meet.example.com/r/1"),
        book(zoom, starts[2]).id: (ZOOM, ""),
    }
    latest = latest_scheduling_migration()
    try:
        migrate(BEFORE_LOCATION)  # the columns are gone, the bookings stay
        migrate(BOOKING_LOCATION)
    finally:
        migrate(latest)
    backfilled = Booking.objects.values_list("id", "location_kind", "location_detail")
    assert {id_: (kind, detail) for id_, kind, detail in backfilled} == made


@pytest.mark.django_db(transaction=True)
def test_existing_group_sessions_get_an_invite_of_their_own(organization, host):
    """Sessions made before sessions had an invite each get a UID of their own, at
    SEQUENCE 0, so their hosts' next emails carry one event per session."""
    group = make_event_type(
        organization, host, kind=EventType.Kind.GROUP, seats_per_session=3, slug="group"
    )
    sessions = {book(group, start).session_id for start in next_free_starts(group, 2)}
    latest = latest_scheduling_migration()
    try:
        migrate(BOOKING_LOCATION)  # the session's invite columns are gone, the rows stay
        migrate(SESSION_INVITE)
    finally:
        migrate(latest)
    backfilled = dict(GroupSession.objects.values_list("id", "ical_uid"))
    assert set(backfilled) == sessions
    assert len(set(backfilled.values())) == 2
    assert all(uid.endswith("@127.0.0.1") for uid in backfilled.values())
    assert set(GroupSession.objects.values_list("sequence", flat=True)) == {0}


@pytest.mark.django_db(transaction=True)
def test_stored_location_kinds_survive_kinds_coming_from_the_providers(organization, host):
    """When the location kinds came to be registered by providers (no choices written into
    the field), event types and bookings kept their stored kinds and details, each its own:
    a Zoom one, a webinar attached to an existing webinar with its fallback, a phone call."""
    zoom = make_event_type(organization, host, location_kind=ZOOM, slug="zoom")
    webinar = make_event_type(
        organization,
        host,
        slug="webinar",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
        location_kind=ZOOM_WEBINAR,
        location_detail="81234567890",
        fallback_to_meeting=True,
    )
    phone = make_event_type(organization, host, slug="phone", location_kind=LocationKind.PHONE)
    starts = next_free_starts(zoom, 6)[::2]
    for event_type, start in zip((zoom, webinar, phone), starts, strict=True):
        book(event_type, start)
    fields = ("id", "location_kind", "location_detail", "fallback_to_meeting")
    event_types = set(EventType.objects.values_list(*fields))
    bookings = set(Booking.objects.values_list(*fields))
    latest = latest_scheduling_migration()
    try:
        migrate(BEFORE_PROVIDED_KINDS)
        migrate(PROVIDED_KINDS)
    finally:
        migrate(latest)
    assert set(EventType.objects.values_list(*fields)) == event_types
    assert set(Booking.objects.values_list(*fields)) == bookings
    assert {kind for _, kind, _, _ in bookings} == {ZOOM, ZOOM_WEBINAR, LocationKind.PHONE}


@pytest.mark.django_db(transaction=True)
def test_existing_reminders_sent_are_handled_and_unsent_ones_stay_to_send(event_type):
    """Reminder emails claimed before they had a handled mark: a sent one is handled when
    it was sent; an unsent one stays unhandled, so the reminders job may queue it again
    (its task sends it if it is still due, or marks it handled)."""
    booking = book(event_type)
    sent_at = timezone.now() - timedelta(hours=1)
    common = {"booking": booking, "audience": "invitee", "start": booking.start}
    sent = ReminderEmail.objects.create(key="sent", minutes_before=60, sent_at=sent_at, **common)
    unsent = ReminderEmail.objects.create(key="unsent", minutes_before=30, **common)
    latest = latest_scheduling_migration()
    try:
        migrate(BEFORE_REMINDERS_HANDLED)  # the column is gone, the rows stay
        migrate(REMINDERS_HANDLED)
    finally:
        migrate(latest)
    handled = dict(ReminderEmail.objects.values_list("id", "handled_at"))
    assert handled == {sent.id: sent_at, unsent.id: None}
