"""A provider that announces a booking's link hands the details it just stored to
`seam.link_ready`: the email that waited for the link is built from them, and nothing asks
the provider again for what it has just written."""

import pytest
from django.db import transaction

from slotlink.conferencing import seam
from slotlink.conferencing.seam import ConferenceDetails, LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.zoom.locations import ZOOM
from tests.scheduling.builders import book, make_event_type, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL, to, told

pytestmark = pytest.mark.django_db

ANNOUNCED = ConferenceDetails(
    location_text="Zoom",
    status=LinkStatus.READY,
    join_url="https://zoom.example.test/j/announced",
    passcode="9876",
)


def test_the_confirmation_carries_the_announced_link_without_asking_the_provider_again(
    organization, host, provider, settings, django_capture_on_commit_callbacks
):
    """The confirmation that waited for the link goes out with the link the provider
    announced, to both parties, and the provider is not asked for its details again (it
    still answers "pending" here, so a read back would send nothing)."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    booking = book(make_event_type(organization, host, slug="zoom", location_kind=ZOOM))
    assert run_queued_tasks() == 0
    asked = len(provider.details_calls)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id, ANNOUNCED)
    assert len(provider.details_calls) == asked
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert ANNOUNCED.join_url in to(INVITEE_EMAIL)[0].body
    assert ANNOUNCED.join_url in to(host.email)[0].body


def test_a_listener_hears_the_details_the_provider_hands_over():
    """Each listener gets the booking and the provider's details; an announcement without
    details reaches a listener as the booking alone."""
    heard: list[tuple[int, ConferenceDetails | None]] = []
    listeners = list(seam._link_ready_listeners)  # scheduling's own, from the app
    seam._link_ready_listeners.clear()
    try:
        seam.on_link_ready(lambda booking_id, details=None: heard.append((booking_id, details)))
        seam.link_ready(7, ANNOUNCED)
        seam.link_ready(8)
    finally:
        seam._link_ready_listeners[:] = listeners
    assert heard == [(7, ANNOUNCED), (8, None)]
