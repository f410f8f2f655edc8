"""The hosts' pages: event types and their editor, weekly hours, bookings and their details.
Members manage their own; admins see their whole organization; other organizations' objects
answer 404."""

import re
from datetime import time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from slotlink.accounts.models import Membership
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.models import AvailabilityInterval, Booking, EventType
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.bookings import booking_cancel
from slotlink.zoom.locations import ZOOM
from tests.factories import make_member, make_organization
from tests.fixtures.task_queue import drop_queued_tasks, queued_tasks
from tests.scheduling.builders import book, make_event_type, next_free_starts

pytestmark = pytest.mark.django_db

ZOOM_MESSAGE = (
    "Zoom links require a connected Zoom account. Connect one, or pick a different location."
)


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def general(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Strategy session",
        "slug": "",
        "description": "",
        "duration_minutes": 45,
        "kind": "one_on_one",
        "seats_per_session": "",
        "location_kind": "phone",
        "location_detail": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member_event_type(organization, member_membership) -> EventType:
    return make_event_type(organization, member_membership.user, slug="members-call")


# --- Event types -------------------------------------------------------------------------


def test_a_member_creates_an_event_type_and_can_be_booked_right_away(member_client):
    """Creating fills the link name from the title and gives a new host weekday hours."""
    response = member_client.post("/360/events/new", general())
    assert response.status_code == 302
    event_type = EventType.objects.get()
    assert (event_type.slug, event_type.duration_minutes, event_type.seats_per_session) == (
        "strategy-session",
        45,
        1,
    )
    hours = AvailabilityInterval.objects.filter(host=event_type.host)
    assert sorted(hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert "is ready to be booked" in text(member_client.get(response["Location"]))


def test_the_location_dropdown_lists_calendar_locations_as_unavailable_with_the_reason(
    member_client,
):
    """Zoom, phone, in person, custom URL and ask the invitee can be picked; Google Meet and
    Microsoft Teams are listed, disabled, with the reason as it now is: each rides on its
    maker's calendar connection, and slotlink connects only CalDAV calendars so far."""
    html = text(member_client.get("/360/events/new"))
    options = re.findall(r"<option value=\"(\w+)\"([^>]*)>([^<]+)</option>", html)
    by_value = {value: (attrs, label) for value, attrs, label in options}
    for value, label in [
        ("zoom", "Zoom"),
        ("phone", "Phone call"),
        ("in_person", "In person (address)"),
        ("custom_url", "Custom URL"),
        ("ask_invitee", "Ask the invitee"),
    ]:
        assert by_value[value][1] == label
        assert "disabled" not in by_value[value][0]
    for value, label, calendar in [
        ("google_meet", "Google Meet", "a Google Calendar connection"),
        ("microsoft_teams", "Microsoft Teams", "a Microsoft 365 calendar connection"),
    ]:
        attrs, shown = by_value[value]
        assert "disabled" in attrs
        assert shown == f"{label} (unavailable)"
        assert (
            f'title="Unavailable: it rides on {calendar}, and slotlink connects only CalDAV '
            'calendars so far"' in attrs
        )
    assert (
        "Google Meet and Microsoft Teams are unavailable: they ride on Google and Microsoft "
        "calendar connections, and slotlink connects only CalDAV calendars so far." in html
    )
    assert "doesn't have" not in html


def test_a_tampered_post_cannot_pick_an_unavailable_location(member_client):
    """Posting Google Meet anyway is refused with the reason."""
    response = member_client.post("/360/events/new", general(location_kind="google_meet"))
    assert (
        "Google Meet is unavailable: it rides on a Google Calendar connection, and slotlink "
        "connects only CalDAV calendars so far." in text(response)
    )
    assert not EventType.objects.exists()


def test_zoom_without_a_connected_account_shows_the_help_articles_message(
    member_client, member_event_type
):
    """With Zoom chosen and no provider able to give a link, the editor says so and links
    to Integrations; other locations show no such message."""
    member_client.post(
        f"/360/events/{member_event_type.id}", general(location_kind="zoom", slug="members-call")
    )
    html = text(member_client.get(f"/360/events/{member_event_type.id}"))
    assert ZOOM_MESSAGE in html
    assert '<a href="/360/integrations">Connect Zoom →</a>' in html
    partial = text(member_client.get("/360/events/location", {"location_kind": "zoom"}))
    assert ZOOM_MESSAGE in partial
    phone = text(member_client.get("/360/events/location", {"location_kind": "phone"}))
    assert ZOOM_MESSAGE not in phone
    address = text(member_client.get("/360/events/location", {"location_kind": "in_person"}))
    assert "Address" in address


def test_the_editor_asks_the_provider_whether_zoom_would_get_a_link(member_client, provider):
    """With a provider registered, its answer decides: no problem, no message."""
    assert ZOOM_MESSAGE not in text(
        member_client.get("/360/events/location", {"location_kind": "zoom"})
    )
    provider.problem = "Connect your own Zoom, or ask an admin to add a shared account."
    html = text(member_client.get("/360/events/location", {"location_kind": "zoom"}))
    assert provider.problem in html
    assert "Connect Zoom →" in html


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"location_kind": "in_person"}, "Enter the address where you will meet."),
        (
            {"location_kind": "custom_url", "location_detail": "javascript:alert(1)"},
            "Enter the meeting link, starting with https://.",
        ),
        ({"kind": "group", "seats_per_session": 1}, "A group needs at least 2 seats"),
        (
            {"title": "x" * 121},
            "1 character over the limit: 121 / 120. Nothing was cut: shorten it.",
        ),
        ({"duration_minutes": 0}, "Ensure this value is greater than or equal to 5."),
        ({"slug": "no spaces please"}, "Enter a valid “slug”"),
    ],
)
def test_the_editor_explains_what_to_fix(member_client, overrides, error):
    """Each invalid field says how to fix it, and nothing is created."""
    response = member_client.post("/360/events/new", general(**overrides))
    assert error in text(response)
    assert not EventType.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": "Pay the invoice\u202efdp.exe first"},
        {"description": "Line one\n\u2066hidden\u2069 line two"},
        {"location_kind": "in_person", "location_detail": "Main St 1\u202e2 .tS niaM"},
    ],
)
def test_the_editor_refuses_invisible_controls_in_every_text_field(member_client, overrides):
    """Issue 19 (7): the description and the in-person address took bidi controls (U+202E
    and its kin) that then showed on public pages and in emails; every text field now
    refuses them on the rule names follow, and nothing is created. Line breaks in the
    description stay allowed."""
    response = member_client.post("/360/events/new", general(**overrides))
    assert "invisible control characters" in text(response)
    assert not EventType.objects.exists()


def test_a_description_keeps_its_line_breaks(member_client):
    response = member_client.post(
        "/360/events/new", general(description="Agenda:\r\n- intro\r\n\t- demo")
    )
    assert response.status_code == 302
    assert EventType.objects.get().description == "Agenda:\r\n- intro\r\n\t- demo"


def test_link_names_are_unique_within_an_organization(member_client, member_event_type):
    """A second event type can't take a link name already in use: the form says so and
    offers a free one."""
    response = member_client.post("/360/events/new", general(slug="members-call"))
    assert "Another event type already uses “members-call”. “members-call-2” is free" in text(
        response
    )


def test_members_see_and_edit_only_their_own_event_types(
    member_client, member_event_type, organization, member_membership
):
    """A member gets 404 for a colleague's event type, and can't make someone else host."""
    colleague = make_member(organization, full_name="Cole League")
    theirs = make_event_type(organization, colleague.user, title="Theirs", slug="theirs")
    assert "Theirs" not in text(member_client.get("/360/events"))
    assert member_client.get(f"/360/events/{theirs.id}").status_code == 404
    assert member_client.post(f"/360/events/{theirs.id}", general()).status_code == 404
    assert 'name="host"' not in text(member_client.get(f"/360/events/{member_event_type.id}"))
    member_client.post(
        f"/360/events/{member_event_type.id}", general(host=colleague.user.id, slug="mine")
    )
    member_event_type.refresh_from_db()
    assert (member_event_type.slug, member_event_type.host) == ("mine", member_membership.user)


def test_admins_see_all_event_types_and_may_change_the_host(
    admin_client, member_event_type, member_membership
):
    """An admin sees the organization's event types with their hosts and may reassign one."""
    html = text(admin_client.get("/360/events"))
    assert "Intro call" in html
    assert "Max Member" in html
    admin = Membership.objects.get(role="admin").user
    response = admin_client.post(
        f"/360/events/{member_event_type.id}", general(host=admin.id, slug="members-call")
    )
    assert response.status_code == 302
    member_event_type.refresh_from_db()
    assert member_event_type.host == admin


def test_another_organizations_event_types_are_not_found(admin_client):
    """Even an admin gets 404 for another organization's event type."""
    other = make_organization("Globex")
    theirs = make_event_type(other, make_member(other).user, slug="globex")
    assert admin_client.get(f"/360/events/{theirs.id}").status_code == 404
    assert admin_client.get(f"/360/events/{theirs.id}/limits").status_code == 404


def test_the_limits_tab_sets_notice_buffer_horizon_and_switches_booking_off(
    member_client, member_event_type
):
    """Notice, buffer and horizon are saved; an inactive event type's page is gone."""
    url = f"/360/events/{member_event_type.id}/limits"
    response = member_client.post(
        url, {"minimum_notice_minutes": 1440, "buffer_minutes": 15, "horizon_days": 30}
    )
    assert response.status_code == 302
    member_event_type.refresh_from_db()
    assert (
        member_event_type.minimum_notice_minutes,
        member_event_type.buffer_minutes,
        member_event_type.horizon_days,
        member_event_type.is_active,
    ) == (1440, 15, 30, False)
    org = member_event_type.organization.slug
    assert Client().get(f"/book/{org}/members-call").status_code == 404
    bad = member_client.post(url, {"minimum_notice_minutes": 7, "horizon_days": 0})
    assert "Select a valid choice" in text(bad)
    assert "Ensure this value is greater than or equal to 1." in text(bad)


# --- Availability ------------------------------------------------------------------------


def test_weekly_hours_are_saved_in_the_hosts_zone(member_client, member_membership):
    """Several ranges a day, empty days off, and the time zone are saved together."""
    response = member_client.post(
        "/360/availability",
        {
            "time_zone": "America/Chicago",
            "monday": "09:00-12:00, 13:00-17:30",
            "tuesday": "8-16",
            "wednesday": "",
            "thursday": " 10:00 \u2013 11:00 ",
            "friday": "",
            "saturday": "",
            "sunday": "",
        },
    )
    assert response.status_code == 302
    user = member_membership.user
    user.refresh_from_db()
    assert user.time_zone == "America/Chicago"
    assert list(
        AvailabilityInterval.objects.filter(host=user).values_list("weekday", "start", "end")
    ) == [
        (0, time(9), time(12)),
        (0, time(13), time(17, 30)),
        (1, time(8), time(16)),
        (3, time(10), time(11)),
    ]
    html = text(member_client.get("/360/availability"))
    assert 'value="09:00-12:00, 13:00-17:30"' in html


def test_weekly_hours_read_as_written_and_show_as_24_hour_ranges(
    member_client, member_membership, organization
):
    """ "9-5", "9am-5pm", "0900-1700", an en dash and "until midnight" are saved as the
    ranges a person means, shown back in 24-hour form, and a range ending 24:00 offers
    slots up to midnight on the public page."""
    response = member_client.post(
        "/360/availability",
        {
            "time_zone": "Europe/Berlin",
            "monday": "9-5",
            "tuesday": "9am-5pm",
            "wednesday": "0900-1200, 1pm\u20135pm",
            "thursday": "9:30\u201417:15",
            "friday": "6pm until midnight",
        },
    )
    assert response.status_code == 302
    user = member_membership.user
    rows = AvailabilityInterval.objects.filter(host=user).values_list("weekday", "start", "end")
    assert list(rows) == [
        (0, time(9), time(17)),
        (1, time(9), time(17)),
        (2, time(9), time(12)),
        (2, time(13), time(17)),
        (3, time(9, 30), time(17, 15)),
        (4, time(18), time(0)),
    ]
    html = text(member_client.get("/360/availability"))
    assert 'value="09:00-12:00, 13:00-17:00"' in html
    assert 'value="18:00-24:00"' in html
    event_type = make_event_type(organization, user, always_open=False, slug="late")
    now = timezone.now()
    slots = free_slots(event_type=event_type, since=now, until=now + timedelta(days=8), now=now)
    berlin = ZoneInfo("Europe/Berlin")
    fridays = [
        f"{slot.start.astimezone(berlin):%H:%M}"
        for slot in slots
        if slot.start.astimezone(berlin).weekday() == 4
    ]
    assert fridays[-1] == "23:30"


@pytest.mark.parametrize(
    ("monday", "error"),
    [
        ("9 to lunch", "Couldn't read “lunch” as a time."),
        ("17:00-09:00", "Read “17:00-09:00” as 17:00 until 09:00, but the end must come after"),
        ("9-12, 11-13", "Read “9-12” and “11-13” as ranges that overlap."),
        ("9-25", "Read “9-25” as 09:00 until 25:00, but a day ends at 24:00."),
        ("x" * 201, "1 character over the limit: 201 / 200"),
    ],
)
def test_weekly_hours_errors_say_what_was_understood(
    member_client, member_membership, monday, error
):
    """Bad ranges are refused with what was read, and the hours stay as they were."""
    response = member_client.post(
        "/360/availability", {"time_zone": "Europe/Berlin", "monday": monday}
    )
    assert error in text(response)
    assert not AvailabilityInterval.objects.filter(host=member_membership.user).exists()


# --- Bookings ----------------------------------------------------------------------------


def test_bookings_are_listed_upcoming_and_past(member_client, member_event_type):
    """Upcoming bookings are listed; past ones under Past."""
    first, second = (
        next_free_starts(member_event_type, 3)[0],
        next_free_starts(member_event_type, 3)[2],
    )
    book(member_event_type, second, name="Second Person")
    past = book(member_event_type, first, name="Past Person")
    Booking.objects.filter(pk=past.pk).update(
        start=past.start - timedelta(days=7), end=past.end - timedelta(days=7)
    )
    upcoming = text(member_client.get("/360/bookings"))
    assert "Second Person" in upcoming
    assert "Past Person" not in upcoming
    assert "Past Person" in text(member_client.get("/360/bookings?status=past"))


def test_the_details_page_shows_invitee_time_in_the_hosts_zone_location_and_history(
    member_client, organization, member_membership, provider
):
    """Invitee, the time in the host's zone, the join link from the seam, the status and the
    history with who and when."""
    user = member_membership.user
    user.time_zone = "Asia/Kolkata"
    user.save()
    zoom = make_event_type(organization, user, slug="zoom", location_kind=ZOOM)
    booking = book(zoom, name="Ivy Invitee", email="ivy@example.test")
    html = text(member_client.get(f"/360/bookings/{booking.id}"))
    kolkata = booking.start.astimezone(ZoneInfo("Asia/Kolkata"))
    assert f"{kolkata:%H:%M}" in html
    assert "(Asia/Kolkata)" in html
    assert "ivy@example.test" in html
    assert "https://zoom.example.test/j/123" in html
    assert "passcode 4321" in html
    assert "Confirmed" in html
    assert "Booked</strong> by <bdi>Ivy Invitee</bdi> (invitee)" in html


def test_a_zoom_booking_with_zoom_off_tells_its_host_why_there_is_no_link(
    member_client, organization, member_membership
):
    """Zoom isn't set up for the organization: the booking stands and its details tell the
    host why it has no link (in the Zoom provider's words) and offer Enable Zoom →."""
    zoom = make_event_type(organization, member_membership.user, slug="zoom", location_kind=ZOOM)
    booking = book(zoom)
    reason = booking_link_for(booking).host_reason
    assert "Zoom" in reason
    html = text(member_client.get(f"/360/bookings/{booking.id}"))
    assert reason in html
    assert "Enable Zoom →" in html


def test_the_host_cancels_with_a_reason_and_the_history_shows_it(
    member_client, member_event_type, member_membership, django_capture_on_commit_callbacks
):
    """The host's cancel records them and the reason, and enqueues the invitee's email."""
    booking = book(member_event_type)
    drop_queued_tasks()  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):  # a queue told after the commit
        response = member_client.post(
            f"/360/bookings/{booking.id}/cancel", {"reason": "Double-booked elsewhere"}
        )
    assert response.status_code == 302
    assert [(t.name, t.args[1]) for t in queued_tasks()] == [("send_booking_email", "cancelled")]
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by_host) == ("cancelled", True)
    html = text(member_client.get(f"/360/bookings/{booking.id}"))
    assert "Cancelled</strong> by <bdi>Max Member</bdi>" in html
    assert "“Double-booked elsewhere”" in html
    assert "Cancel this booking" not in html  # nothing left to cancel
    again = member_client.post(f"/360/bookings/{booking.id}/cancel", {"reason": ""})
    assert "This booking was cancelled, so it can't be changed." in text(again)


def test_members_see_only_their_bookings_and_admins_all_of_the_organizations(
    member_client, admin_client, member_event_type, organization
):
    """A colleague's booking is 404 for a member but visible to an admin; another
    organization's is 404 for both."""
    colleague = make_member(organization, full_name="Cole League").user
    theirs = book(make_event_type(organization, colleague, slug="theirs"), name="Their Invitee")
    assert member_client.get(f"/360/bookings/{theirs.id}").status_code == 404
    assert member_client.post(f"/360/bookings/{theirs.id}/cancel").status_code == 404
    assert "Their Invitee" not in text(member_client.get("/360/bookings"))
    assert admin_client.get(f"/360/bookings/{theirs.id}").status_code == 200
    assert "Their Invitee" in text(admin_client.get("/360/bookings"))
    other = make_organization("Globex")
    foreign = book(make_event_type(other, make_member(other).user, slug="globex"))
    assert admin_client.get(f"/360/bookings/{foreign.id}").status_code == 404
    assert admin_client.post(f"/360/bookings/{foreign.id}/cancel").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "confirmed"


def test_the_navigation_offers_bookings_and_availability(member_client):
    """Bookings and Availability sit beside Event Types in the app's navigation."""
    html = text(member_client.get("/360/bookings"))
    assert 'href="/360/bookings" aria-current="page"' in html
    assert 'href="/360/availability"' in html


def test_a_cancelled_booking_is_marked_in_the_list(member_client, member_event_type):
    """Cancelled bookings are listed under Cancelled (and All), marked as cancelled."""
    booking_cancel(booking=book(member_event_type, name="Gone Person"))
    assert "Gone Person" not in text(member_client.get("/360/bookings"))
    html = text(member_client.get("/360/bookings?status=cancelled"))
    assert "Gone Person" in html
    assert "Cancelled" in html
