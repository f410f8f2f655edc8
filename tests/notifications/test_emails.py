from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage as MIMEMessage

import pytest
from django.test import override_settings
from icalendar import Calendar

from slotlink.notifications.emails import booking_email, booking_subject
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


def sent_form(email) -> MIMEMessage:
    """The email as it goes over the wire, parsed back as a mail client would."""
    parsed = message_from_bytes(email.message().as_bytes(), policy=policy.default)
    assert isinstance(parsed, MIMEMessage)
    return parsed


def html_of(email) -> str:
    [(html, _)] = [alt for alt in email.alternatives if alt[1] == "text/html"]
    return html


def invite_attachment(email) -> tuple[str, MIMEMessage]:
    """(content type, part) of the one attached invite.ics."""
    [part] = list(sent_form(email).iter_attachments())
    assert isinstance(part, MIMEMessage)
    return str(part["Content-Type"]), part


def method_of(email) -> str:
    """The method the attached invite's MIME type names."""
    _, part = invite_attachment(email)
    return str(part.get_param("method"))


def test_the_subjects_say_what_happened_with_whom_and_when_in_the_recipients_zone():
    """Each subject names the change, the event, the other party and the start time in
    the recipient's own zone."""
    in_berlin = Person("Bob Invitee", "bob@example.test", "Europe/Berlin")
    booked = booking_message(invitee=in_berlin)
    assert booking_subject(message=booked, audience=Audience.INVITEE) == (
        "Confirmed: Intro call with Ada Admin on Tue 3 Dec, 10:00 (Europe/Berlin)"
    )
    expected = {
        (BookingChange.BOOKED, Audience.INVITEE): "Confirmed: Intro call with Ada Admin on "
        "Tue 3 Dec, 04:00 (America/New_York)",
        (BookingChange.BOOKED, Audience.HOST): "New booking: Intro call with Bob Invitee on "
        "Tue 3 Dec, 10:00 (Europe/Berlin)",
        (BookingChange.RESCHEDULED, Audience.INVITEE): "Updated: Intro call with Ada Admin on "
        "Tue 3 Dec, 04:00 (America/New_York)",
        (BookingChange.RESCHEDULED, Audience.HOST): "Rescheduled: Intro call with Bob Invitee "
        "on Tue 3 Dec, 10:00 (Europe/Berlin)",
        (BookingChange.CANCELLED, Audience.INVITEE): "Cancelled: Intro call with Ada Admin on "
        "Tue 3 Dec, 04:00 (America/New_York)",
        (BookingChange.CANCELLED, Audience.HOST): "Cancelled: Intro call with Bob Invitee on "
        "Tue 3 Dec, 10:00 (Europe/Berlin)",
        (BookingChange.LINK_READY, Audience.INVITEE): "Zoom link for: Intro call with Ada Admin "
        "on Tue 3 Dec, 04:00 (America/New_York)",
        (BookingChange.LINK_READY, Audience.HOST): "Zoom link for: Intro call with Bob Invitee "
        "on Tue 3 Dec, 10:00 (Europe/Berlin)",
    }
    for (change, audience), subject in expected.items():
        assert booking_subject(message=booking_message(change=change), audience=audience) == (
            subject
        )


def test_a_late_link_without_a_provider_says_meeting():
    """The late-link subject names the conferencing provider only when there is one."""
    message = booking_message(
        change=BookingChange.LINK_READY, location_text="Room 4: 2nd floor", provider_name=""
    )
    subject = booking_subject(message=message, audience=Audience.INVITEE)
    assert subject.startswith("Meeting link for: Intro call")


def test_each_recipient_gets_their_own_address_and_can_reply_to_the_other():
    """The invitee's email goes to the invitee and replies reach the host, and vice versa;
    to the invitee it comes from "<host> via slotlink"."""
    message = booking_message()
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert to_invitee.to == ["Bob Invitee <bob@example.test>"]
    assert to_invitee.reply_to == ["Ada Admin <ada@acme.test>"]
    assert to_invitee.from_email == "Ada Admin via slotlink <no-reply@slotlink.localhost>"
    assert to_host.to == ["Ada Admin <ada@acme.test>"]
    assert to_host.reply_to == ["Bob Invitee <bob@example.test>"]
    assert to_host.from_email == "slotlink <no-reply@slotlink.localhost>"
    assert sent_form(to_invitee)["Auto-Submitted"] == "auto-generated"


@override_settings(DEFAULT_FROM_EMAIL="bookings@acme.test")
def test_a_bare_sender_address_still_names_the_host_to_the_invitee():
    """With a sender address that has no name, the invitee sees "<host> via slotlink"."""
    email = booking_email(message=booking_message(), audience=Audience.INVITEE)
    assert email.from_email == "Ada Admin via slotlink <bookings@acme.test>"


def test_times_in_the_body_are_in_each_recipients_own_zone():
    """The invitee reads New York time, the host Berlin time, each zone named."""
    message = booking_message()
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert "Tuesday 3 December 2024, 04:00 - 04:30 (America/New_York)" in to_invitee.body
    assert "Tuesday 3 December 2024, 04:00 - 04:30 (America/New_York)" in html_of(to_invitee)
    assert "Tuesday 3 December 2024, 10:00 - 10:30 (Europe/Berlin)" in to_host.body
    assert "Europe/Berlin" not in to_invitee.body


def test_the_join_link_is_prominent_with_its_passcode():
    """With a link, the email offers a Join button and the link itself, and the passcode."""
    message = booking_message()
    for audience in Audience:
        email = booking_email(message=message, audience=audience)
        assert f"Join the Zoom meeting:\n{message.join_url}" in email.body
        assert "Passcode: 482913" in email.body
        html = html_of(email)
        assert f'<a href="{message.join_url}"' in html
        assert ">Join the Zoom meeting</a>" in html
        assert "<strong>482913</strong>" in html
        assert "will follow" not in email.body


def test_without_a_link_yet_the_email_says_it_follows():
    """When the link is not ready, the email carries the "link follows" note instead."""
    note = "Your Zoom link will follow in a separate email."
    message = booking_message(join_url="", passcode="", link_status_note=note)
    for audience in Audience:
        email = booking_email(message=message, audience=audience)
        assert note in email.body
        assert note in html_of(email)
        assert "Join the" not in email.body
        assert "Passcode" not in email.body


def test_only_the_host_is_told_why_there_is_no_link_and_what_fixes_it():
    """The host's email (text and HTML) says why there is no link, with the action as a
    link; the invitee's email and both invites say nothing of it."""
    reason = "No Zoom link: no Zoom account is connected for this host."
    message = booking_message(
        join_url="",
        passcode="",
        host_link_problem=reason,
        host_action_label="Connect Zoom →",
        host_action_url="https://slotlink.example.com/360/integrations",
    )
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert reason in to_host.body
    assert "Connect Zoom → https://slotlink.example.com/360/integrations" in to_host.body
    assert reason in html_of(to_host)
    assert '<a href="https://slotlink.example.com/360/integrations"' in html_of(to_host)
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    for email in (to_host, to_invitee):
        _, invite = invite_attachment(email)
        assert "no Zoom account" not in invite.get_content()
    assert "no Zoom account" not in sent_form(to_invitee).as_string()
    assert "Connect Zoom" not in sent_form(to_invitee).as_string()


def test_a_cancellation_tells_the_host_no_reason():
    """Nothing is left to fix on a cancelled booking."""
    reason = "No Zoom link: no Zoom account is connected for this host."
    message = booking_message(change=BookingChange.CANCELLED, join_url="", host_link_problem=reason)
    assert reason not in booking_email(message=message, audience=Audience.HOST).body


def test_only_the_invitee_gets_the_reschedule_and_cancel_links():
    """The invitee's email, HTML and invite carry their reschedule and cancel links; the
    host's carry the booking's page and none of the invitee's tokens."""
    message = booking_message()
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert f"Reschedule: {message.reschedule_url}" in to_invitee.body
    assert f"Cancel: {message.cancel_url}" in to_invitee.body
    assert f'href="{message.reschedule_url}"' in html_of(to_invitee)
    assert f'href="{message.cancel_url}"' in html_of(to_invitee)
    assert message.booking_url not in to_invitee.body
    host_mime = sent_form(to_host).as_string()
    assert "reschedule-token" not in host_mime
    assert "cancel-token" not in host_mime
    assert f"Booking details: {message.booking_url}" in to_host.body
    assert f'href="{message.booking_url}"' in html_of(to_host)
    assert "Invitee:   Bob Invitee <bob@example.test>" in to_host.body


def test_a_cancellation_gives_the_reason_and_who_cancelled_and_no_more_links():
    """A cancellation says who cancelled and why; it offers no join, reschedule or cancel."""
    message = booking_message(
        change=BookingChange.CANCELLED, sequence=1, cancel_reason="I'm travelling that week."
    )
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert "Your Intro call with Ada Admin is cancelled." in to_invitee.body
    assert "You cancelled it." in to_invitee.body
    assert "Bob Invitee cancelled it." in to_host.body
    for email in (to_invitee, to_host):
        assert "Reason: I'm travelling that week." in email.body
        assert "Reason: <bdi>I&#x27;m travelling that week.</bdi>" in html_of(email)
        assert "token" not in email.body
        assert "Join the" not in email.body
        assert "removes the meeting from your calendar" in email.body

    by_host = booking_message(change=BookingChange.CANCELLED, sequence=1, cancelled_by_host=True)
    assert (
        "Ada Admin cancelled it." in booking_email(message=by_host, audience=Audience.INVITEE).body
    )
    assert "You cancelled it." in booking_email(message=by_host, audience=Audience.HOST).body


def test_a_reschedule_says_moved_from_and_to_in_each_zone():
    """A reschedule tells each recipient where it moved from and to, in their zone."""
    new_start = START + timedelta(days=1)
    message = booking_message(
        change=BookingChange.RESCHEDULED,
        sequence=1,
        start=new_start,
        end=new_start + timedelta(minutes=30),
        previous_start=START,
    )
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert (
        "Moved from Tuesday 3 December 2024, 04:00 to "
        "Wednesday 4 December 2024, 04:00 - 04:30 (America/New_York)"
    ) in to_invitee.body
    assert (
        "Moved from Tuesday 3 December 2024, 10:00 to "
        "Wednesday 4 December 2024, 10:00 - 10:30 (Europe/Berlin)"
    ) in to_host.body
    assert "Tuesday 3 December 2024, 10:00</span> to" in html_of(to_host)


def test_a_late_link_email_leads_with_the_link():
    """The link-ready update says the link is ready and carries it."""
    message = booking_message(change=BookingChange.LINK_READY, sequence=1)
    email = booking_email(message=message, audience=Audience.INVITEE)
    assert "The Zoom link for your Intro call with Ada Admin is ready." in email.body
    assert message.join_url in email.body


@pytest.mark.parametrize("change", CHANGES_TO_BOTH)
def test_every_email_carries_the_invite_inline_and_attached(change):
    """Each email is text + HTML + the invite as alternatives (what Outlook reads), and
    invite.ics attached as text/calendar with the matching method (what others read)."""
    message = booking_message(change=change, sequence=3)
    method = "CANCEL" if change == BookingChange.CANCELLED else "REQUEST"
    for audience in Audience:
        email = booking_email(message=message, audience=audience)
        mime = sent_form(email)
        assert mime.get_content_type() == "multipart/mixed"
        alternatives, attachment = mime.get_payload()
        assert [part.get_content_type() for part in alternatives.get_payload()] == [
            "text/plain",
            "text/html",
            "text/calendar",
        ]
        assert alternatives.get_payload()[2].get_param("method") == method
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_param("method") == method
        assert attachment.get_param("charset") == "utf-8"
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_content_disposition() == "attachment"
        calendar = Calendar.from_ical(attachment.get_payload(decode=True))
        assert calendar["METHOD"] == method
        [event] = calendar.events
        assert event["UID"] == UID
        assert event["SEQUENCE"] == 3


def test_the_organization_is_named_in_a_header_when_known():
    """X-Slotlink-Organization carries the booking's organization, and only when known."""
    with_org = booking_email(message=booking_message(organization_id=7), audience=Audience.HOST)
    assert sent_form(with_org)["X-Slotlink-Organization"] == "7"
    without = booking_email(message=booking_message(), audience=Audience.HOST)
    assert sent_form(without)["X-Slotlink-Organization"] is None


def test_names_are_escaped_in_html():
    """Markup in a name or title is shown as text in the HTML, never run."""
    message = booking_message(
        title="<b>Intro</b>",
        invitee=Person("<script>alert(1)</script>", INVITEE.email, INVITEE.time_zone),
    )
    html = html_of(booking_email(message=message, audience=Audience.HOST))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Intro&lt;/b&gt;" in html
    text = booking_email(message=message, audience=Audience.HOST).body
    assert "<script>alert(1)</script> booked <b>Intro</b> with you." in text  # text as typed


def test_an_invitee_in_an_unknown_zone_reads_utc():
    """A zone name that is not one shows UTC, named, rather than failing to send."""
    message = booking_message(invitee=Person("Bob", "bob@example.test", "Nowhere/Else"))
    email = booking_email(message=message, audience=Audience.INVITEE)
    assert email.subject.endswith("on Tue 3 Dec, 09:00 (UTC)")
    assert "Tuesday 3 December 2024, 09:00 - 09:30 (UTC)" in email.body
    assert HOST.time_zone == "Europe/Berlin"


def test_a_plain_meeting_link_is_not_named_after_a_provider():
    """A host's own meeting URL (no conferencing provider) reads "Join the meeting"."""
    message = booking_message(
        location_text="Online", provider_name="", join_url="https://meet.example.test/ada"
    )
    invitee_email = booking_email(message=message, audience=Audience.INVITEE)
    assert "Join the meeting:" in invitee_email.body
    assert "Join the Online meeting" not in invitee_email.body


def test_a_group_hosts_email_says_how_many_seats_are_booked_and_carries_the_session():
    """The host of a group booking reads the seats booked and gets the session's invite;
    the invitee's email is as for any booking."""
    message = booking_message(session=session_invite())
    to_host = booking_email(message=message, audience=Audience.HOST)
    assert "Seats:     2 of 8 seats booked" in to_host.body
    assert "2 of 8 seats booked" in html_of(to_host)
    _, part = invite_attachment(to_host)
    assert part.get_param("method") == "REQUEST"
    [event] = Calendar.from_ical(part.get_payload(decode=True)).events
    assert event["UID"] == SESSION_UID
    to_invitee = booking_email(message=message, audience=Audience.INVITEE)
    assert "Seats:" not in to_invitee.body
    _, part = invite_attachment(to_invitee)
    [event] = Calendar.from_ical(part.get_payload(decode=True)).events
    assert event["UID"] == UID


def test_a_cancelled_seat_updates_the_hosts_session_and_its_last_seat_removes_it():
    """A seat cancelled while others stay booked updates the host's session event (REQUEST,
    "updates it"); the last one removes it (CANCEL, "removes"). The invitee's own invite
    is cancelled either way."""
    others_stay = booking_message(
        change=BookingChange.CANCELLED, session=session_invite(attendees=(INVITEE,))
    )
    to_host = booking_email(message=others_stay, audience=Audience.HOST)
    assert method_of(to_host) == "REQUEST"
    assert "adds the meeting to your calendar, or updates it" in to_host.body
    assert "Seats:     1 of 8 seats booked" in to_host.body
    assert method_of(booking_email(message=others_stay, audience=Audience.INVITEE)) == "CANCEL"

    last = booking_message(change=BookingChange.CANCELLED, session=session_invite(attendees=()))
    to_host = booking_email(message=last, audience=Audience.HOST)
    assert method_of(to_host) == "CANCEL"
    assert "removes the meeting from your calendar" in to_host.body


def test_a_seat_freed_by_a_move_is_told_to_the_host_alone():
    """A booking that moved to another session: the host's email about the session it left
    names the session's time, where the invitee went, and the seats still booked."""
    left = session_invite(attendees=(Person("Cleo Second", "cleo@example.test", "UTC"),))
    message = booking_message(
        change=BookingChange.LEFT_SESSION,
        start=START + timedelta(days=1),
        end=START + timedelta(days=1, minutes=30),
        previous_start=START,
        session=left,
    )
    email = booking_email(message=message, audience=Audience.HOST)
    assert email.subject == "Seat freed: Intro call on Tue 3 Dec, 10:00 (Europe/Berlin)"
    assert "Bob Invitee moved to another Intro call session." in email.body
    assert "Moved from Tuesday 3 December 2024, 10:00 to Wednesday 4 December" in email.body
    assert "Seats:     1 of 8 seats booked" in email.body
    with pytest.raises(ValueError, match="host only"):
        booking_email(message=message, audience=Audience.INVITEE)
