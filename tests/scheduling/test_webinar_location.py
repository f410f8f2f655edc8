"""A Zoom webinar as a group event type's location: the editor offers it for group event
types only, with the fallback to a meeting and the host's own webinars to attach to; a
booking keeps the webinar settings it was booked with; the host sees who attended, the
invitee never does."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client

from slotlink.conferencing import seam
from slotlink.conferencing.seam import ExistingEvent
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.services.event_types import event_type_create, event_type_update
from slotlink.scheduling.views.public import confirmation_url
from slotlink.zoom.locations import ZOOM, ZOOM_WEBINAR
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import to

pytestmark = pytest.mark.django_db

NEEDS_GROUP = "A Zoom webinar is for group event types: it holds many invitees."
FALLBACK = "If the Zoom account has no webinar licence, use a Zoom meeting instead"
NEW_WEBINAR = "A new webinar for each session"
ONBOARDING = ExistingEvent("81234567890", "Customer onboarding (Tuesdays 16:00)")
COWORKERS = ExistingEvent("89999999999", "A co-worker's all-hands")


def text(response: HttpResponse) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def general(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Product tour",
        "slug": "",
        "description": "",
        "duration_minutes": 60,
        "kind": "group",
        "seats_per_session": 50,
        "location_kind": "zoom_webinar",
        "location_detail": "",
    }
    data.update(overrides)
    return data


def location_partial(client: Client, **params: object) -> str:
    return text(client.get("/360/events/location", params))


def option_values(html: str, name: str) -> dict[str, str]:
    """The options of the select called `name`: value → label."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} select"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def attendance_shown(html: str) -> set[str]:
    return {word for word in ("Attended", "No-show") if word in html}


@pytest.fixture
def member(member_membership):
    return member_membership.user


@pytest.fixture
def webinar(organization, member) -> EventType:
    return make_event_type(
        organization,
        member,
        slug="tour",
        kind=EventType.Kind.GROUP,
        seats_per_session=50,
        location_kind=ZOOM_WEBINAR,
        location_detail=ONBOARDING.reference,
        fallback_to_meeting=True,
    )


# --- The editor --------------------------------------------------------------------------


def test_zoom_webinar_is_a_location_of_group_event_types_only(member_client, webinar_provider):
    """The dropdown lists Zoom webinar; a group event type saves with it; a one-on-one is
    refused with the reason, in the editor at once and when posted."""
    html = text(member_client.get("/360/events/new"))
    assert option_values(html, "location_kind")["zoom_webinar"] == "Zoom webinar"

    response = member_client.post("/360/events/new", general())
    assert response.status_code == 302
    assert EventType.objects.get().location_kind == ZOOM_WEBINAR

    refused = text(member_client.post("/360/events/new", general(kind="one_on_one", slug="1-1")))
    assert NEEDS_GROUP in refused
    assert EventType.objects.count() == 1
    assert NEEDS_GROUP in location_partial(
        member_client, location_kind="zoom_webinar", kind="one_on_one"
    )
    assert NEEDS_GROUP not in location_partial(
        member_client, location_kind="zoom_webinar", kind="group"
    )


def test_a_group_webinar_cannot_become_one_on_one(member_client, webinar, webinar_provider):
    """Switching the kind while the location stays Zoom webinar is refused; the services
    refuse a one-on-one webinar too."""
    response = member_client.post(
        f"/360/events/{webinar.id}", general(kind="one_on_one", slug="tour")
    )
    assert NEEDS_GROUP in text(response)
    webinar.refresh_from_db()
    assert webinar.kind == EventType.Kind.GROUP
    with pytest.raises(ValidationError):
        event_type_create(
            organization=webinar.organization,
            host=webinar.host,
            title="Solo",
            slug="solo",
            location_kind=ZOOM_WEBINAR,
        )


def test_a_webinar_offers_the_fallback_and_the_hosts_own_webinars(
    member_client, member, admin_membership, webinar_provider
):
    """For Zoom webinar the editor shows the fallback checkbox and a Webinar select: a new
    webinar for each session, or one of the host's own webinars as their Zoom lists them,
    never a co-worker's. Other locations show neither."""
    webinar_provider.events = {
        member.id: [ONBOARDING],
        admin_membership.user.id: [COWORKERS],
    }
    html = location_partial(member_client, location_kind="zoom_webinar", kind="group")
    assert FALLBACK in html
    assert 'name="fallback_to_meeting"' in html
    assert '<label for="id_location_detail">Webinar</label>' in html
    assert option_values(html, "location_detail") == {
        "": NEW_WEBINAR,
        ONBOARDING.reference: ONBOARDING.label,
    }
    zoom = location_partial(member_client, location_kind="zoom", kind="group")
    assert FALLBACK not in zoom
    assert "Webinar" not in zoom


def test_an_admin_picking_the_host_sees_that_hosts_webinars(
    admin_client, member, admin_membership, webinar_provider
):
    """The listed webinars follow the host chosen in the editor, not the admin's own."""
    webinar_provider.events = {member.id: [ONBOARDING], admin_membership.user.id: [COWORKERS]}
    html = location_partial(admin_client, location_kind="zoom_webinar", host=member.id)
    assert option_values(html, "location_detail") == {
        "": NEW_WEBINAR,
        ONBOARDING.reference: ONBOARDING.label,
    }


def test_the_chosen_webinar_and_fallback_are_saved_and_shown_again(
    member_client, member, webinar_provider
):
    """Posting one of the host's webinars with the fallback saves both; the editor shows
    them chosen; switching to a Zoom meeting clears both."""
    webinar_provider.events = {member.id: [ONBOARDING]}
    response = member_client.post(
        "/360/events/new",
        general(location_detail=ONBOARDING.reference, fallback_to_meeting="on"),
    )
    assert response.status_code == 302
    event_type = EventType.objects.get()
    assert (event_type.location_detail, event_type.fallback_to_meeting) == (
        ONBOARDING.reference,
        True,
    )
    html = text(member_client.get(f"/360/events/{event_type.id}"))
    assert f'<option value="{ONBOARDING.reference}" selected>' in html
    assert re.search(r'<input type="checkbox" name="fallback_to_meeting"[^>]* checked', html)

    member_client.post(
        f"/360/events/{event_type.id}",
        general(
            location_kind="zoom",
            slug=event_type.slug,
            location_detail=ONBOARDING.reference,
            fallback_to_meeting="on",
        ),
    )
    event_type.refresh_from_db()
    assert (event_type.location_kind, event_type.location_detail) == (ZOOM, "")
    assert event_type.fallback_to_meeting is False


def test_a_saved_webinar_zoom_no_longer_lists_stays_choosable(
    member_client, member, webinar_provider
):
    """The webinar chosen before, which Zoom doesn't list now (it can't be reached, or the
    webinar ended), stays in the list, so saving another change doesn't force a new choice."""
    webinar_provider.events = {member.id: [ONBOARDING]}
    member_client.post("/360/events/new", general(location_detail=ONBOARDING.reference))
    event_type = EventType.objects.get()
    webinar_provider.events = {member.id: []}
    response = member_client.post(
        f"/360/events/{event_type.id}",
        general(title="Onboarding", slug=event_type.slug, location_detail=ONBOARDING.reference),
    )
    assert response.status_code == 302
    event_type.refresh_from_db()
    assert (event_type.title, event_type.location_detail) == ("Onboarding", ONBOARDING.reference)


def test_a_webinar_not_among_the_hosts_own_is_refused(
    member_client, member, admin_membership, webinar_provider
):
    """A forged reference (here a co-worker's webinar) is refused with words to act on."""
    webinar_provider.events = {member.id: [ONBOARDING], admin_membership.user.id: [COWORKERS]}
    response = member_client.post("/360/events/new", general(location_detail=COWORKERS.reference))
    assert "That webinar isn't one of the host's on Zoom." in text(response)
    assert not EventType.objects.exists()


def test_the_editor_shows_the_webinar_providers_problem_and_zoom_settings(
    member_client, webinar_provider
):
    """The editor asks the Zoom webinar provider (not the meeting one) whether bookings
    would get a link, and shows its words with a link to Zoom settings."""
    assert "Zoom settings →" not in location_partial(member_client, location_kind="zoom_webinar")
    webinar_provider.problem = "The host's Zoom account has no webinar licence."
    html = location_partial(member_client, location_kind="zoom_webinar", kind="group")
    assert webinar_provider.problem in html
    assert '<a href="/360/integrations">Zoom settings →</a>' in html


def test_without_a_webinar_provider_the_editor_says_webinars_arent_set_up(
    member_client, monkeypatch
):
    """Until a provider serves Zoom webinars, the editor says so and points to settings."""
    monkeypatch.delitem(seam._providers, ZOOM_WEBINAR, raising=False)
    html = location_partial(member_client, location_kind="zoom_webinar", kind="group")
    assert "Zoom webinars aren't set up for this organization yet." in html
    assert "Zoom settings →" in html


# --- Bookings ----------------------------------------------------------------------------


def test_the_booking_page_promises_a_personal_link(client, webinar, webinar_provider):
    """Before booking, the invitee reads what the provider promises: their own link comes
    with the confirmation."""
    html = text(client.get(f"/book/{webinar.organization.slug}/{webinar.slug}"))
    assert "Zoom webinar (your personal link comes with your confirmation)" in html


def test_a_booking_keeps_the_webinar_settings_it_was_booked_with(webinar, webinar_provider):
    """A booking copies the kind, the webinar to attach to and the fallback, and the
    provider hears them on create, reschedule and cancel, even after the event type
    changed; only new bookings get the new settings."""
    first, second = next_free_starts(webinar, 2)
    booking = book(webinar, first)
    assert (booking.location_kind, booking.location_detail, booking.fallback_to_meeting) == (
        ZOOM_WEBINAR,
        ONBOARDING.reference,
        True,
    )
    event_type_update(event_type=webinar, location_detail="", fallback_to_meeting=False)
    booking = booking_reschedule(booking=Booking.objects.get(pk=booking.pk), start=second)
    booking_cancel(booking=booking)
    booking.refresh_from_db()
    assert (booking.location_detail, booking.fallback_to_meeting) == (ONBOARDING.reference, True)
    assert [kind for kind, _ in webinar_provider.calls] == ["created", "rescheduled", "cancelled"]
    for _, ref in webinar_provider.calls:
        assert (ref.location_detail, ref.fallback_to_meeting) == (ONBOARDING.reference, True)
        assert ref.group_session_id is not None

    later = book(webinar, first, email="noah@example.test")
    assert (later.location_detail, later.fallback_to_meeting) == ("", False)


def test_the_host_sees_attended_and_no_show_the_invitee_never_does(
    client, member_client, webinar, webinar_provider, django_capture_on_commit_callbacks
):
    """Once the provider knows, the host's booking list and booking pages mark each
    invitee Attended or No-show; the invitee's confirmation page and emails never do."""
    start = next_free_starts(webinar)[0]
    webinar_provider.attendance = {}
    with django_capture_on_commit_callbacks(execute=True):
        came = book(webinar, start, name="Cora Came", email="cora@example.test")
        missed = book(webinar, start, name="Milo Missed", email="milo@example.test")
        unknown = book(webinar, start, name="Uma Unknown", email="uma@example.test")
    webinar_provider.attendance = {came.id: "attended", missed.id: "no_show"}

    listed = text(member_client.get("/360/bookings"))
    rows = {  # one row for the session, a line in it for each seat
        name: row
        for row in re.findall(r"<li data-booking=.*?</li>", listed, re.S)
        for name in ("Cora Came", "Milo Missed", "Uma Unknown")
        if name in row
    }
    assert attendance_shown(rows["Cora Came"]) == {"Attended"}
    assert attendance_shown(rows["Milo Missed"]) == {"No-show"}
    assert attendance_shown(rows["Uma Unknown"]) == set()
    for booking, shown in [(came, {"Attended"}), (missed, {"No-show"}), (unknown, set())]:
        assert attendance_shown(text(member_client.get(f"/360/bookings/{booking.id}"))) == shown

    for booking in (came, missed):
        page = text(client.get(confirmation_url(booking)))
        assert webinar_provider.join_url in page
        assert attendance_shown(page) == set()
    run_queued_tasks()
    for address in ("cora@example.test", "milo@example.test"):
        (email,) = to(address)
        wire = email.message().as_string()
        assert webinar_provider.join_url in email.body
        assert attendance_shown(wire) == set()
