from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar, Event

from slotlink.notifications.invites import (
    PUBLISH,
    booking_invite,
    invite_content_type,
    invite_method,
)
from slotlink.notifications.messages import Audience, BookingChange, Person
from tests.notifications.factories import (
    CHANGES_TO_BOTH,
    HOST,
    INVITEE,
    SESSION_UID,
    START,
    UID,
    booking_message,
    session_invite,
)


def parse(raw: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(raw)
    assert isinstance(calendar, Calendar)
    [event] = calendar.events
    return calendar, event


def attendees(event: Event) -> dict[str, dict[str, str]]:
    """Each attendee's address with its parameters."""
    return {str(address): dict(address.params) for address in event.attendees}


def test_a_booking_is_a_request_with_the_bookings_uid_sequence_and_utc_times():
    """A new booking's invite is METHOD:REQUEST carrying its UID, SEQUENCE and UTC times."""
    calendar, event = parse(booking_invite(message=booking_message(), audience=Audience.INVITEE))
    assert calendar["VERSION"] == "2.0"
    assert "slotlink" in calendar["PRODID"]
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == UID
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.start == datetime(2024, 12, 3, 9, 0, tzinfo=UTC)
    assert event.end == datetime(2024, 12, 3, 9, 30, tzinfo=UTC)
    raw = booking_invite(message=booking_message(), audience=Audience.INVITEE)
    assert b"DTSTART:20241203T090000Z" in raw  # UTC ("Z"), no local zone to resolve
    assert b"DTEND:20241203T093000Z" in raw
    assert b"VTIMEZONE" not in raw


def test_the_stamp_is_the_time_the_invite_was_made_in_utc():
    """DTSTAMP is when the message was produced, in UTC."""
    before = timezone.now().replace(microsecond=0)
    _, event = parse(booking_invite(message=booking_message(), audience=Audience.HOST))
    assert event.stamp is not None
    assert event.stamp.utcoffset() == timedelta(0)
    assert before <= event.stamp <= timezone.now()


def test_a_reschedule_keeps_the_uid_with_a_higher_sequence_and_the_new_time():
    """A reschedule is a REQUEST for the same UID with the higher SEQUENCE and new times."""
    new_start = START + timedelta(days=1, hours=2)
    message = booking_message(
        change=BookingChange.RESCHEDULED,
        sequence=1,
        start=new_start,
        end=new_start + timedelta(minutes=30),
        previous_start=START,
    )
    calendar, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == UID
    assert event["SEQUENCE"] == 1
    assert event.start == datetime(2024, 12, 4, 11, 0, tzinfo=UTC)


def test_a_cancellation_sends_cancel_with_the_same_uid_and_a_higher_sequence():
    """A cancellation sends METHOD:CANCEL with the same UID and a higher SEQUENCE."""
    message = booking_message(
        change=BookingChange.CANCELLED, sequence=2, cancel_reason="Something came up."
    )
    for audience in Audience:
        calendar, event = parse(booking_invite(message=message, audience=audience))
        assert calendar["METHOD"] == "CANCEL"
        assert event["UID"] == UID
        assert event["SEQUENCE"] == 2
        assert event["STATUS"] == "CANCELLED"
        assert event.start == START  # which occurrence: the one that was booked
        assert "Something came up." in event["DESCRIPTION"]
        assert "Reschedule:" not in event["DESCRIPTION"]


def test_a_late_link_is_a_request_update_carrying_the_link():
    """When the link arrives late, the update is a REQUEST of the same UID carrying it."""
    message = booking_message(change=BookingChange.LINK_READY, sequence=1)
    calendar, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == UID
    assert event["SEQUENCE"] == 1
    assert event["LOCATION"] == message.join_url
    assert event["URL"] == message.join_url
    assert f"Join: {message.join_url}" in event["DESCRIPTION"]
    assert "Passcode: 482913" in event["DESCRIPTION"]


def test_the_method_and_its_mime_type_agree():
    """A cancellation is CANCEL, every other change REQUEST, and the MIME type's method
    parameter matches METHOD inside, as iMIP requires."""
    for change in CHANGES_TO_BOTH:
        for audience in Audience:
            message = booking_message(change=change)
            method = invite_method(message=message, audience=audience)
            assert method == ("CANCEL" if change == BookingChange.CANCELLED else "REQUEST")
            calendar, _ = parse(booking_invite(message=message, audience=audience))
            assert calendar["METHOD"] == method
            assert invite_content_type(method) == f"text/calendar; method={method}; charset=utf-8"


def test_the_location_is_the_join_link_when_there_is_one():
    """LOCATION is the join URL when there is one, else the location text."""
    _, with_link = parse(booking_invite(message=booking_message(), audience=Audience.INVITEE))
    assert with_link["LOCATION"] == "https://zoom.example.test/j/81234567890?pwd=s3cret"

    phone = booking_message(location_text="Phone call: +49 30 1234", join_url="", passcode="")
    _, by_phone = parse(booking_invite(message=phone, audience=Audience.INVITEE))
    assert by_phone["LOCATION"] == "Phone call: +49 30 1234"
    assert "URL" not in by_phone
    assert "Passcode" not in by_phone["DESCRIPTION"]

    nowhere = booking_message(location_text="", join_url="")
    _, without = parse(booking_invite(message=nowhere, audience=Audience.INVITEE))
    assert "LOCATION" not in without


def test_the_link_follows_note_stands_in_for_a_link_not_ready_yet():
    """Without a join link yet, the description says the link follows; no LOCATION URL."""
    message = booking_message(
        join_url="",
        passcode="",
        link_status_note="Your Zoom link will follow in a separate email.",
    )
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert event["LOCATION"] == "Zoom"
    assert "Your Zoom link will follow in a separate email." in event["DESCRIPTION"]
    assert "Join:" not in event["DESCRIPTION"]


def test_the_host_is_organizer_and_the_invitee_is_asked_to_respond():
    """ORGANIZER is the host; the invitee attends with NEEDS-ACTION and RSVP, the host as
    the accepted chair, as Google, Outlook and Apple Calendar expect of an invitation."""
    _, event = parse(booking_invite(message=booking_message(), audience=Audience.INVITEE))
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:ada@acme.test"
    assert organizer.params["CN"] == "Ada Admin"
    people = attendees(event)
    assert people["mailto:bob@example.test"]["PARTSTAT"] == "NEEDS-ACTION"
    assert people["mailto:bob@example.test"]["RSVP"] == "TRUE"
    assert people["mailto:bob@example.test"]["ROLE"] == "REQ-PARTICIPANT"
    assert people["mailto:bob@example.test"]["CN"] == "Bob Invitee"
    assert people["mailto:ada@acme.test"]["PARTSTAT"] == "ACCEPTED"
    assert people["mailto:ada@acme.test"]["ROLE"] == "CHAIR"


def test_a_cancellation_asks_for_no_answer():
    """A CANCEL does not ask the invitee to RSVP."""
    message = booking_message(change=BookingChange.CANCELLED, sequence=1)
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert attendees(event)["mailto:bob@example.test"]["RSVP"] == "FALSE"


@pytest.mark.parametrize(
    ("change", "sequence", "status"),
    [(BookingChange.BOOKED, 0, "CONFIRMED"), (BookingChange.CANCELLED, 1, "CANCELLED")],
)
def test_a_published_copy_is_the_same_event_with_nobody_asked_to_answer(change, sequence, status):
    """PUBLISH is the event to import: the email's UID, SEQUENCE, times and status, its
    organizer, and no attendees (RFC 5546 3.2.1), so no client offers Accept or Decline;
    the email's own invite is unchanged."""
    message = booking_message(change=change, sequence=sequence)
    emailed_calendar, emailed = parse(booking_invite(message=message, audience=Audience.INVITEE))
    calendar, event = parse(
        booking_invite(message=message, audience=Audience.INVITEE, method=PUBLISH)
    )
    assert calendar["METHOD"] == "PUBLISH"
    assert emailed_calendar["METHOD"] == invite_method(message=message, audience=Audience.INVITEE)
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (UID, sequence, status)
    assert (event.start, event.end) == (emailed.start, emailed.end)
    assert str(event["ORGANIZER"]) == "mailto:ada@acme.test"
    assert "ATTENDEE" not in event
    assert len(emailed.attendees) == 2


def test_only_the_invitees_copy_carries_their_reschedule_and_cancel_links():
    """The invitee's invite has their reschedule and cancel links; the host's has the
    booking's details page instead, so the invitee's tokens never reach another calendar."""
    message = booking_message()
    _, invitee_copy = parse(booking_invite(message=message, audience=Audience.INVITEE))
    _, host_copy = parse(booking_invite(message=message, audience=Audience.HOST))
    assert f"Reschedule: {message.reschedule_url}" in invitee_copy["DESCRIPTION"]
    assert f"Cancel: {message.cancel_url}" in invitee_copy["DESCRIPTION"]
    assert message.booking_url not in invitee_copy["DESCRIPTION"]
    assert "reschedule-token" not in host_copy["DESCRIPTION"]
    assert "cancel-token" not in host_copy["DESCRIPTION"]
    assert f"Booking details: {message.booking_url}" in host_copy["DESCRIPTION"]
    assert "Invitee: Bob Invitee <bob@example.test>" in host_copy["DESCRIPTION"]
    assert invitee_copy["SUMMARY"] == "Intro call with Ada Admin"
    assert host_copy["SUMMARY"] == "Intro call with Bob Invitee"


def test_times_across_a_spring_forward_are_exact_utc_instants():
    """A meeting booked in Berlin across the March DST change keeps its exact instants:
    01:30 CET to 03:30 CEST is one hour, 00:30Z to 01:30Z."""
    berlin = ZoneInfo("Europe/Berlin")
    message = booking_message(
        start=datetime(2024, 3, 31, 1, 30, tzinfo=berlin),
        end=datetime(2024, 3, 31, 3, 30, tzinfo=berlin),
    )
    raw = booking_invite(message=message, audience=Audience.INVITEE)
    _, event = parse(raw)
    assert event.start == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    assert event.end == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert event.end - event.start == timedelta(hours=1)
    assert b"DTSTART:20240331T003000Z" in raw
    assert b"DTEND:20240331T013000Z" in raw


def test_the_repeated_hour_of_a_fall_back_keeps_which_one_it_was():
    """01:30 happens twice in New York on 3 Nov 2024; the second (EST) is 06:30Z."""
    new_york = ZoneInfo("America/New_York")
    second = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=new_york)
    message = booking_message(start=second, end=second + timedelta(minutes=30))
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert event.start == datetime(2024, 11, 3, 6, 30, tzinfo=UTC)
    first = datetime(2024, 11, 3, 1, 30, tzinfo=new_york)
    message = booking_message(start=first, end=first + timedelta(minutes=30))
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert event.start == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)


def test_names_with_line_breaks_and_quotes_cannot_add_properties():
    """A name with line breaks and quotes stays inside its parameter: the invite still
    parses to exactly the expected properties, with the name on one line."""
    sly = Person(
        name='Eve "the" Sly\r\nATTENDEE:mailto:eve@evil.test\nX-INJECTED:1',
        email="eve@example.test",
        time_zone="UTC",
    )
    message = booking_message(invitee=sly, title="Chat\r\nX-INJECTED:2")
    raw = booking_invite(message=message, audience=Audience.HOST)
    _, event = parse(raw)
    content_lines = raw.replace(b"\r\n ", b"").split(b"\r\n")
    assert not [line for line in content_lines if line.startswith((b"X-", b"ATTENDEE:"))]
    assert all(not key.startswith("X-") for key in event)
    assert set(attendees(event)) == {"mailto:eve@example.test", "mailto:ada@acme.test"}
    cn = attendees(event)["mailto:eve@example.test"]["CN"]
    assert not {"\n", "\r", '"'} & set(cn)
    assert cn.startswith("Eve 'the' Sly ATTENDEE:")
    assert event["SUMMARY"] == (
        'Chat X-INJECTED:2 with Eve "the" Sly ATTENDEE:mailto:eve@evil.test X-INJECTED:1'
    )


def test_an_over_long_name_is_clipped_in_the_invite():
    """A 5,000-character name is clipped where it is a parameter, and lines stay folded."""
    message = booking_message(invitee=Person("N" * 5000, "long@example.test", "UTC"))
    raw = booking_invite(message=message, audience=Audience.HOST)
    _, event = parse(raw)
    assert len(attendees(event)["mailto:long@example.test"]["CN"]) <= 64
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75


def test_unicode_survives_the_round_trip():
    """Non-ASCII names and titles come back exactly as given."""
    message = booking_message(
        title="Kennenlernen im Café für Zoë",
        host=Person("Zoë Müller", HOST.email, HOST.time_zone),
    )
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert event["SUMMARY"] == "Kennenlernen im Café für Zoë with Zoë Müller"
    assert event["ORGANIZER"].params["CN"] == "Zoë Müller"


def test_a_malformed_address_or_naive_time_is_refused():
    """An address that is not one, or a time without a zone, raises instead of writing a
    broken or ambiguous invite."""
    bad_address = booking_message(
        invitee=Person("Eve", "eve@example.test\r\nATTENDEE:mailto:x@evil.test", "UTC")
    )
    with pytest.raises(ValueError, match="is not an email address"):
        booking_invite(message=bad_address, audience=Audience.INVITEE)
    naive = booking_message(start=datetime(2024, 12, 3, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware datetime"):
        booking_invite(message=naive, audience=Audience.INVITEE)


def test_only_web_links_become_links():
    """A join link that is not http(s) is not written into the invite."""
    message = booking_message(join_url="javascript:alert(1)", location_text="Zoom")
    _, event = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert event["LOCATION"] == "Zoom"
    assert "javascript" not in event.to_ical().decode()
    assert INVITEE.email  # the factory's invitee is unchanged


def test_a_group_hosts_invite_is_the_one_event_of_the_session():
    """The host's copy of a group booking's invite is the session's event: its UID and
    SEQUENCE, its seats in the title, every invitee attending, the shared join link. The
    invitee's copy stays their booking's own."""
    message = booking_message(session=session_invite())
    calendar, event = parse(booking_invite(message=message, audience=Audience.HOST))
    assert calendar["METHOD"] == "REQUEST"
    assert (event["UID"], event["SEQUENCE"]) == (SESSION_UID, 4)
    assert event["SUMMARY"] == "Intro call (2 of 8 seats booked)"
    assert event["STATUS"] == "CONFIRMED"
    people = attendees(event)
    assert set(people) == {
        "mailto:bob@example.test",
        "mailto:cleo@example.test",
        "mailto:ada@acme.test",
    }
    assert people["mailto:cleo@example.test"]["CN"] == "Cleo Second"
    assert people["mailto:ada@acme.test"]["ROLE"] == "CHAIR"
    assert event["LOCATION"] == message.join_url
    description = event["DESCRIPTION"]
    assert "Invitees (2 of 8 seats booked):" in description
    assert "- Bob Invitee <bob@example.test>" in description
    assert "- Cleo Second <cleo@example.test>" in description
    assert f"Join: {message.join_url}" in description
    assert "Passcode: 482913" in description
    assert "reschedule-token" not in description

    _, own = parse(booking_invite(message=message, audience=Audience.INVITEE))
    assert (own["UID"], own["SEQUENCE"]) == (UID, 0)
    assert own["SUMMARY"] == "Intro call with Ada Admin"


def test_a_session_without_seats_is_cancelled_in_the_hosts_calendar():
    """When its last seat goes, the host's session event is a CANCEL of the session's UID;
    while seats stay booked, a cancelled seat is a REQUEST that updates it."""
    last = booking_message(change=BookingChange.CANCELLED, session=session_invite(attendees=()))
    calendar, event = parse(booking_invite(message=last, audience=Audience.HOST))
    assert calendar["METHOD"] == "CANCEL"
    assert (event["UID"], event["STATUS"]) == (SESSION_UID, "CANCELLED")
    assert event["SUMMARY"] == "Intro call"
    assert set(attendees(event)) == {"mailto:ada@acme.test"}

    one_left = booking_message(
        change=BookingChange.CANCELLED, session=session_invite(attendees=(INVITEE,))
    )
    calendar, event = parse(booking_invite(message=one_left, audience=Audience.HOST))
    assert calendar["METHOD"] == "REQUEST"
    assert event["SUMMARY"] == "Intro call (1 of 8 seats booked)"
    calendar, _ = parse(booking_invite(message=one_left, audience=Audience.INVITEE))
    assert calendar["METHOD"] == "CANCEL"


def test_bidi_controls_in_names_titles_and_descriptions_never_reach_the_invite():
    """A right-to-left override typed into a name, a title or a description (stored before
    names were checked, or through another way in) is dropped from the whole invite."""
    override = "\u202e"
    message = booking_message(
        title=f"Intro{override} call",
        description=f"Bring{override} notes",
        invitee=Person(name=f"Bob{override}gnp.exe", email=INVITEE.email, time_zone="UTC"),
        cancel_reason=f"Sorry{override}",
    )
    for audience in Audience:
        raw = booking_invite(message=message, audience=audience)
        assert override.encode() not in raw
        assert b"\\u202e" not in raw.lower()
