"""The confirmation page's add-to-calendar links: Google's and Outlook's pages filled in
with the booking in UTC and the invitee's own join link, and the .ics the invitee's email
attaches (same UID), only for the holder of the confirmation link."""

from datetime import UTC
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from icalendar import Calendar

from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.services.bookings import booking_cancel
from slotlink.scheduling.views.public import confirmation_url
from slotlink.zoom.locations import ZOOM_WEBINAR
from tests.scheduling.builders import book, make_event_type, run_queued_tasks
from tests.scheduling.mailbox import invite_facts, to

pytestmark = pytest.mark.django_db

# "Intro call" in Arabic and Hebrew: right-to-left scripts must arrive as written.
RTL_TITLE = "مكالمة تعارف שיחה"


def page_links(client: Client, booking: Booking) -> dict[str, str]:
    """The confirmation page's links, by their text."""
    response = client.get(confirmation_url(booking))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    found = {}
    for chunk in html.split("<a ")[1:]:
        href = chunk.split('href="', 1)[1].split('"', 1)[0]
        label = chunk.split(">", 1)[1].split("</a>", 1)[0].strip()
        found[label] = href
    return found


def query(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values())
    return {key: values[0] for key, values in parsed.items()}


@pytest.fixture
def seat(organization, host, webinar_provider) -> Booking:
    """A seat in a webinar with a right-to-left title: its join link is the invitee's own."""
    event_type = make_event_type(
        organization,
        host,
        title=RTL_TITLE,
        kind=EventType.Kind.GROUP,
        seats_per_session=10,
        location_kind=ZOOM_WEBINAR,
    )
    return book(event_type)


def test_google_and_outlook_links_carry_the_booking_in_utc_and_the_invitees_join_link(
    client, seat, webinar_provider
):
    """Google's `dates` are UTC YYYYMMDDTHHMMSSZ/...; Outlook's startdt/enddt are UTC ISO
    with Z; both carry the title as written and the invitee's personal join link."""
    links = page_links(client, seat)
    start, end = seat.start.astimezone(UTC), seat.end.astimezone(UTC)
    join_url = webinar_provider.join_url

    google = links["Google Calendar"]
    assert google.startswith("https://calendar.google.com/calendar/render?")
    params = query(google)
    assert params["action"] == "TEMPLATE"
    assert params["text"] == f"{RTL_TITLE} with Hana Host"
    assert params["dates"] == f"{start:%Y%m%dT%H%M%S}Z/{end:%Y%m%dT%H%M%S}Z"
    assert params["location"] == join_url
    assert f"Join: {join_url}" in params["details"]

    for label, origin in [
        ("Outlook", "https://outlook.live.com/calendar/0/action/compose?"),
        ("Office 365", "https://outlook.office.com/calendar/0/action/compose?"),
    ]:
        assert links[label].startswith(origin)
        params = query(links[label])
        assert params["subject"] == f"{RTL_TITLE} with Hana Host"
        assert params["startdt"] == f"{start:%Y-%m-%dT%H:%M:%S}Z"
        assert params["enddt"] == f"{end:%Y-%m-%dT%H:%M:%S}Z"
        assert params["location"] == join_url
        assert f"Join: {join_url}" in params["body"]
        # Percent-encoded: nothing of the title or link is left raw in the URL.
        assert RTL_TITLE.split()[0] not in links[label]
        assert "tk=personal" not in links[label]


def test_book_another_time_leads_back_to_the_event_types_page(client, seat):
    """'Book another time' opens the booking page of the same event type."""
    links = page_links(client, seat)
    event_type = seat.event_type
    assert links["Book another time"] == (f"/book/{event_type.organization.slug}/{event_type.slug}")
    assert client.get(links["Book another time"]).status_code == 200


def test_the_ics_is_the_emails_invite_with_the_same_uid(client, seat, webinar_provider):
    """The .ics download is the invitee's invite: the UID and SEQUENCE of the one their
    email attached, so a calendar that has it updates it rather than adding a second."""
    run_queued_tasks()
    (email,) = to(seat.invitee_email)
    emailed = invite_facts(email)
    response = client.get(page_links(client, seat)["Apple Calendar (.ics)"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == emailed["uid"] == seat.ical_uid
    assert int(event["SEQUENCE"]) == emailed["sequence"]
    assert event.decoded("DTSTART") == seat.start
    assert str(event["LOCATION"]) == webinar_provider.join_url
    assert str(event["SUMMARY"]) == f"{RTL_TITLE} with Hana Host"


def test_the_ics_is_published_not_an_invitation_while_the_email_stays_a_request(client, seat):
    """The downloaded file is METHOD:PUBLISH, a copy to import that asks nobody to accept
    (no attendees), with the email's UID and SEQUENCE; the email's invite is a REQUEST."""
    run_queued_tasks()
    (email,) = to(seat.invitee_email)
    emailed = invite_facts(email)
    assert emailed["method"] == "REQUEST"
    calendar = Calendar.from_ical(
        client.get(page_links(client, seat)["Apple Calendar (.ics)"]).content
    )
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (emailed["uid"], emailed["sequence"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in event


def test_the_ics_of_a_cancelled_booking_is_published_cancelled(client, seat):
    """After a cancel the file is still PUBLISH, STATUS:CANCELLED, at the SEQUENCE of the
    email's CANCEL: a calendar that added the event marks it cancelled."""
    ics_url = page_links(client, seat)["Apple Calendar (.ics)"]
    booking_cancel(booking=seat)
    run_queued_tasks()
    emailed = invite_facts(to(seat.invitee_email)[-1])
    assert (emailed["method"], emailed["sequence"]) == ("CANCEL", 1)
    calendar = Calendar.from_ical(client.get(ics_url).content)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (seat.ical_uid, 1)
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_ics_needs_the_signed_confirmation_link(client, seat):
    """Without the signed id, or with one tampered with or signed for something else, the
    .ics is a 404 and says nothing of the booking."""
    signed = confirmation_url(seat).rstrip("/").split("/")[-1]
    tampered = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    for path in [
        f"/booked/{seat.id}/invite.ics",
        f"/booked/{tampered}/invite.ics",
        f"/booked/{signed}x/invite.ics",
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert seat.ical_uid.encode() not in response.content


def test_the_pages_reschedule_and_cancel_links_act_on_the_booking(client, seat):
    """The confirmation offers working reschedule and cancel links for this booking; once
    it is cancelled through them, the page offers neither."""
    links = page_links(client, seat)
    page = client.get(links["Reschedule"])
    assert page.status_code == 200
    assert f"Reschedule {RTL_TITLE}" in unescape(page.content.decode())
    assert client.post(links["Cancel"], {"reason": ""}).status_code == 302
    seat.refresh_from_db()
    assert seat.is_cancelled
    after = page_links(client, seat)
    assert "Reschedule" not in after
    assert "Cancel" not in after
