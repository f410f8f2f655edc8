"""A Zoom booking that gets no meeting (the help article's three checks: Zoom enabled for
the organization, the location is Zoom, a connected account resolves) promises the
invitee only what will happen, tells the host at once, shows the host the reason as it is
now, and offers Create Zoom meeting once all three checks hold."""

from __future__ import annotations

import html as entities
import re

import pytest
from django.core import mail
from django.test import Client

from slotlink.scheduling.models import EventType
from slotlink.zoom.locations import ZOOM_WEBINAR
from slotlink.zoom.models import ZoomMeeting, ZoomRollout
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, make_event_type, next_free_starts
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_event, link_in, to
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import (
    drain,
    meeting_of,
    sandbox_meetings,
    zoom_event_type,
    zoom_workshop,
)

pytestmark = pytest.mark.django_db(transaction=True)

HOST_SENDS = "Your host will send you the meeting details."
PUBLIC_HOST_SENDS = "Zoom — your host will send you the meeting details"
LINK_COMES = "the link comes with your confirmation"


@pytest.fixture
def off(zoom: ZoomSandbox, settings, organization, member_membership) -> EventType:
    """A member's one-on-one Zoom event type in an organization with Zoom switched off."""
    settings.LINK_WAIT_SECONDS = 0
    zoom.configure_app(webhook_url="")
    return zoom_event_type(member_membership, slug="intro")


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", entities.unescape(response.content.decode()))


def booked_through_the_page(client: Client, event_type: EventType) -> str:
    """Book on the public page as an invitee; returns the confirmation page's text."""
    start = next_free_starts(event_type)[0]
    response = client.post(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {
            "start": start.isoformat(),
            "name": "Ivy Invitee",
            "email": INVITEE_EMAIL,
            "time_zone": "America/New_York",
        },
        follow=True,
    )
    return page_text(response)


def test_the_booking_page_promises_a_link_only_when_a_meeting_will_be_made(
    client, zoom, off, organization, member_membership
):
    """Zoom off, or on with no account for the host: the booking page says the host will send
    the details. With Zoom on and an account connected, it says the link comes."""
    url = f"/book/{organization.slug}/intro"
    html = page_text(client.get(url))
    assert PUBLIC_HOST_SENDS in html
    assert LINK_COMES not in html
    ZoomRollout.objects.create(organization=organization, enabled=True)
    assert PUBLIC_HOST_SENDS in page_text(client.get(url))
    connected(zoom, member_membership, email="max@zoom.test")
    html = page_text(client.get(url))
    assert f"Zoom ({LINK_COMES})" in html
    assert PUBLIC_HOST_SENDS not in html


def test_with_zoom_off_the_confirmation_page_email_and_invite_say_the_host_sends_details(
    client, off
):
    """The invitee is never told a link comes: the confirmation page, the confirmation
    email and its calendar invite all say the host will send the meeting details."""
    confirmation = booked_through_the_page(client, off)
    assert "You're booked" in confirmation
    assert HOST_SENDS in confirmation
    assert "will follow" not in confirmation
    drain(only_due=True)
    (email,) = to(INVITEE_EMAIL)
    assert email.subject.startswith("Confirmed:")
    assert HOST_SENDS in email.body
    assert "will follow" not in email.body
    assert HOST_SENDS in str(invite_event(email)["DESCRIPTION"])


def test_the_host_is_told_at_once_that_the_booking_has_no_zoom_meeting(off, member_membership):
    """An email to the host, when it is booked: this booking has no Zoom meeting, why, and
    what fixes it (on the booking's page). Once per meeting: a group session's later
    bookings don't repeat it."""
    group = zoom_workshop(member_membership)
    host_email = member_membership.user.email
    start = next_free_starts(group)[0]
    first = book(group, start, email="a@example.test")
    drain(only_due=True)
    (notice,) = [e for e in to(host_email) if e.subject.startswith("No Zoom meeting")]
    assert notice.subject == "No Zoom meeting for Workshop"
    assert "Zoom isn't enabled for this organization, so no Zoom meeting was created" in (
        notice.body
    )
    assert '"Enable Zoom →"' in notice.body
    assert f"/360/bookings/{first.id}" in notice.body
    book(group, start, email="b@example.test")
    drain(only_due=True)
    assert len([e for e in to(host_email) if e.subject.startswith("No Zoom meeting")]) == 1


def test_the_reason_is_the_current_one_and_create_zoom_meeting_comes_when_all_checks_hold(
    zoom, off, organization, member_membership, member_client
):
    """A booking made with Zoom off: its page says what is missing now, not what was missing
    when it was booked. Zoom on: connect an account. Account connected: Create Zoom meeting,
    a button that posts."""
    booking = book(off)
    page = f"/360/bookings/{booking.id}"
    html = page_text(member_client.get(page))
    assert "Zoom isn't enabled for this organization" in html
    assert "Enable Zoom →" in html
    ZoomRollout.objects.create(organization=organization, enabled=True)
    html = page_text(member_client.get(page))
    assert "Zoom isn't enabled" not in html
    assert "No Zoom account was connected for this host" in html
    assert "Connect Zoom →" in html
    connected(zoom, member_membership, email="max@zoom.test")
    html = page_text(member_client.get(page))
    assert "No Zoom account was connected" not in html
    assert "Zoom isn't enabled" not in html
    assert "No Zoom meeting was created when this was booked" in html
    meeting = meeting_of(booking)
    assert f'<form method="post" action="/360/integrations/zoom/meetings/{meeting.id}/fix">' in html
    assert 'type="submit">Create Zoom meeting</button>' in html
    assert html.count("Create Zoom meeting") == 1


def create_zoom_meeting(client: Client, booking_id: int) -> None:
    meeting = ZoomMeeting.objects.get(bookings__booking_id=booking_id)
    page = f"/360/bookings/{booking_id}"
    token = client.get(page).context["csrf_token"]
    response = client.post(
        f"/360/integrations/zoom/meetings/{meeting.id}/fix",
        {"csrfmiddlewaretoken": str(token), "next": page},
    )
    assert response.status_code == 302
    assert response["Location"] == page


def test_create_zoom_meeting_makes_it_in_zoom_and_emails_the_invitee_the_link(
    zoom, off, organization, member_membership, admin_membership
):
    """One click by the host (a POST with the CSRF token; no one else's) makes the meeting
    in Zoom, and the invitee gets the link in an update of the invite, with reschedule and
    cancel links that work."""
    booking = book(off)
    drain(only_due=True)
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, zoom_user = connected(zoom, member_membership, email="max@zoom.test")
    meeting = meeting_of(booking)
    fix = f"/360/integrations/zoom/meetings/{meeting.id}/fix"

    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(member_membership.user)
    assert no_token.post(fix).status_code == 403
    other = Client()
    other.force_login(_another_member(organization).user)
    assert other.post(fix).status_code == 404
    drain()
    assert sandbox_meetings(zoom, zoom_user) == []

    host_client = Client(enforce_csrf_checks=True)
    host_client.force_login(member_membership.user)
    create_zoom_meeting(host_client, booking.id)
    mail.outbox.clear()
    drain()
    (made,) = sandbox_meetings(zoom, zoom_user)
    meeting.refresh_from_db()
    assert meeting.zoom_meeting_id == made["id"]
    (update,) = to(INVITEE_EMAIL)
    assert update.subject.startswith("Zoom link for:")
    assert made["join_url"] in update.body
    assert made["join_url"] in str(invite_event(update)["LOCATION"])
    assert HOST_SENDS not in update.body
    invitee = Client()
    assert invitee.get(link_in(update, "reschedule")).status_code == 200
    assert invitee.get(link_in(update, "cancel")).status_code == 200
    html = page_text(host_client.get(f"/360/bookings/{booking.id}"))
    assert made["join_url"] in html
    assert "Create Zoom meeting" not in html


def test_a_group_sessions_missing_meeting_is_made_once_for_all_its_invitees(
    zoom, off, organization, member_membership, member_client
):
    """A group session booked with Zoom off: Create Zoom meeting on any of its bookings makes
    the session's one meeting, and every invitee gets its link."""
    group = zoom_workshop(member_membership)
    start = next_free_starts(group)[0]
    first = book(group, start, email="a@example.test")
    second = book(group, start, email="b@example.test")
    drain(only_due=True)
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, zoom_user = connected(zoom, member_membership, email="max@zoom.test")
    create_zoom_meeting(member_client, second.id)
    mail.outbox.clear()
    drain()
    (made,) = sandbox_meetings(zoom, zoom_user)
    assert made["topic"] == "Workshop"
    for invitee, booking in (("a@example.test", first), ("b@example.test", second)):
        (update,) = to(invitee)
        assert made["join_url"] in update.body
        assert link_in(update, "cancel")
        assert meeting_of(booking).zoom_meeting_id == made["id"]


def test_create_zoom_meeting_while_a_check_fails_says_why_and_changes_nothing(
    zoom, off, organization, member_client
):
    """The button only shows when all checks hold; a stale form posted after Zoom was
    switched off again gets the current reason and makes no meeting."""
    booking = book(off)
    meeting = meeting_of(booking)
    response = member_client.post(
        f"/360/integrations/zoom/meetings/{meeting.id}/fix",
        {"next": f"/360/bookings/{booking.id}"},
        follow=True,
    )
    html = page_text(response)
    assert "No Zoom meeting could be created: Zoom isn't enabled for this organization" in html
    after = ZoomMeeting.objects.get(pk=meeting.pk)
    assert (after.state, after.present, after.version) == (
        ZoomMeeting.State.UNROUTED,
        False,
        meeting.version,
    )
    drain()
    assert zoom.requests(path_prefix="/v2/") == []


def _another_member(organization):
    from tests.factories import make_member

    return make_member(organization, full_name="Olga Other")


def test_a_webinar_booking_page_promises_a_personal_link_only_when_a_webinar_will_be_made(
    client, zoom, off, organization, member_membership
):
    """A Zoom webinar location follows the webinar's routing: Zoom and webinars switched on
    and an account connected, or the host sends the details."""
    webinar = make_event_type(
        organization,
        member_membership.user,
        slug="webinar",
        location_kind=ZOOM_WEBINAR,
        kind=EventType.Kind.GROUP,
        seats_per_session=50,
    )
    url = f"/book/{organization.slug}/{webinar.slug}"
    connected(zoom, member_membership, email="max@zoom.test")
    rollout = ZoomRollout.objects.create(organization=organization, enabled=True)
    assert "Zoom webinar — your host will send you the meeting details" in page_text(
        client.get(url)
    )
    rollout.webinars_enabled = True
    rollout.save()
    html = page_text(client.get(url))
    assert "Zoom webinar (your personal link comes with your confirmation)" in html
    assert "host will send" not in html


def test_a_meeting_created_before_the_hosts_notice_went_out_is_not_reported_missing(
    zoom, off, organization, member_membership, member_client
):
    """The host made the meeting (Create Zoom meeting) before the notice that it was missing
    went out: the notice is dropped, and the link's emails go as usual."""
    booking = book(off)
    ZoomRollout.objects.create(organization=organization, enabled=True)
    connected(zoom, member_membership, email="max@zoom.test")
    create_zoom_meeting(member_client, booking.id)
    drain()
    assert [e.subject for e in to(member_membership.user.email) if "No Zoom" in e.subject] == []
    assert meeting_of(booking).join_url in to(INVITEE_EMAIL)[-1].body
