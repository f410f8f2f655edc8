"""End to end through notifications: the emails a booking's life sends, and their .ics invites
read back with the icalendar library (UID, SEQUENCE, METHOD, times, location)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import Booking, LocationKind
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.zoom.locations import ZOOM
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import invite_facts, link_in, to

pytestmark = pytest.mark.django_db


def post_committed(client, django_capture_on_commit_callbacks, path: str, data: dict):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data)
    run_queued_tasks()
    return response


def test_a_booking_life_sends_invites_with_one_uid_and_rising_sequence(
    client, organization, host, django_capture_on_commit_callbacks
):
    """Booked: REQUEST, SEQUENCE 0. Rescheduled through the email's link: REQUEST,
    SEQUENCE 1, the new times. Cancelled through the next email's link: CANCEL, SEQUENCE 2.
    The host is told of each, with the same invite."""
    event_type = make_event_type(
        organization,
        host,
        location_kind=LocationKind.IN_PERSON,
        location_detail="Acme HQ, Berlin",
    )
    first, later = next_free_starts(event_type, 5)[0], next_free_starts(event_type, 5)[4]
    page = f"/book/{organization.slug}/{event_type.slug}"
    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        page,
        {
            "start": first.isoformat(),
            "time_zone": "America/New_York",
            "name": "Ivy Invitee",
            "email": "ivy@example.test",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()

    (booked,) = to("ivy@example.test")
    facts = invite_facts(booked)
    assert facts == {
        "method": "REQUEST",
        "uid": booking.ical_uid,
        "sequence": 0,
        "start": first,
        "end": first + timedelta(minutes=30),
        "location": "In person: Acme HQ, Berlin",
    }
    (host_booked,) = to(host.email)
    assert invite_facts(host_booked)["uid"] == booking.ical_uid

    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        link_in(booked, "reschedule"),
        {"start": later.isoformat(), "time_zone": "America/New_York"},
    )
    assert response.status_code == 302
    moved = to("ivy@example.test")[-1]
    assert invite_facts(moved) | {"location": ""} == {
        "method": "REQUEST",
        "uid": booking.ical_uid,
        "sequence": 1,
        "start": later,
        "end": later + timedelta(minutes=30),
        "location": "",
    }
    assert link_in(moved, "cancel") != link_in(booked, "cancel")

    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        link_in(moved, "cancel"),
        {"reason": "Plans changed"},
    )
    assert response.status_code == 302
    cancelled = to("ivy@example.test")[-1]
    facts = invite_facts(cancelled)
    assert (facts["method"], facts["uid"], facts["sequence"], facts["start"]) == (
        "CANCEL",
        booking.ical_uid,
        2,
        later,
    )
    assert "Plans changed" in to(host.email)[-1].body
    assert [invite_facts(e)["sequence"] for e in to(host.email)] == [0, 1, 2]


def test_a_late_zoom_link_arrives_as_an_update_of_the_same_invite(
    organization, host, provider, django_capture_on_commit_callbacks
):
    """The confirmation says the link follows; the update is a REQUEST with the same UID, a
    higher SEQUENCE and the join link as the location."""
    event_type = make_event_type(organization, host, location_kind=ZOOM)
    provider.status = LinkStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(event_type, email="ivy@example.test")
    late = timezone.now() + timedelta(minutes=1)
    booking_email_send(
        booking_id=booking.id, change=BookingChange.BOOKED, sequence=0, deadline=late, now=late
    )
    (confirmation,) = to("ivy@example.test")
    assert "Your Zoom link will follow in a separate email." in confirmation.body
    assert invite_facts(confirmation)["sequence"] == 0

    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)
    run_queued_tasks()
    update = to("ivy@example.test")[-1]
    facts = invite_facts(update)
    assert (facts["method"], facts["uid"], facts["sequence"], facts["location"]) == (
        "REQUEST",
        booking.ical_uid,
        1,
        "https://zoom.example.test/j/123",
    )
    assert "https://zoom.example.test/j/123" in update.body
    assert facts["start"] == booking.start.astimezone(UTC)
    assert isinstance(facts["start"], datetime)
