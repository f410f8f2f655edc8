from email import message_from_bytes, policy

import pytest
from django.core import mail
from icalendar import Calendar

from slotlink.notifications.messages import BookingChange, Person
from slotlink.notifications.services import booking_emails_send
from tests.notifications.factories import HOST, INVITEE, UID, booking_message

SUBJECT_PREFIXES = {
    BookingChange.BOOKED: ("Confirmed:", "New booking:"),
    BookingChange.RESCHEDULED: ("Updated:", "Rescheduled:"),
    BookingChange.CANCELLED: ("Cancelled:", "Cancelled:"),
    BookingChange.LINK_READY: ("Zoom link for:", "Zoom link for:"),
}


def wire_headers(email) -> dict[str, str]:
    """The top-level headers as a receiving server would parse them."""
    parsed = message_from_bytes(email.message().as_bytes(), policy=policy.default)
    return {name.lower(): str(value).strip() for name, value in parsed.items()}


@pytest.mark.parametrize("change", list(BookingChange))
def test_every_change_emails_the_invitee_and_notifies_the_host(change):
    """Each change sends two emails, to the invitee and to the host, each with the invite."""
    booking_emails_send(message=booking_message(change=change, sequence=1))
    to_invitee, to_host = mail.outbox
    assert to_invitee.recipients() == ["Bob Invitee <bob@example.test>"]
    assert to_host.recipients() == ["Ada Admin <ada@acme.test>"]
    invitee_prefix, host_prefix = SUBJECT_PREFIXES[change]
    assert to_invitee.subject.startswith(f"{invitee_prefix} Intro call with Ada Admin on ")
    assert to_host.subject.startswith(f"{host_prefix} Intro call with Bob Invitee on ")
    for email in (to_invitee, to_host):
        [invite] = [part for part in email.attachments if part.get_filename() == "invite.ics"]
        calendar = Calendar.from_ical(invite.get_payload(decode=True))
        assert calendar.events[0]["UID"] == UID


def test_newlines_in_names_and_titles_cannot_add_headers():
    """Names and a title carrying CR/LF and header text stay inside their own header: no
    Bcc, no extra recipient, no injected header reaches the wire."""
    injection = " Eve\r\nBcc: victim@evil.test\r\nX-Injected: yes\n"
    message = booking_message(
        title=f"Chat{injection}",
        host=Person(f"Ada{injection}", HOST.email, HOST.time_zone),
        invitee=Person(f"Bob{injection}", INVITEE.email, INVITEE.time_zone),
    )
    booking_emails_send(message=message)
    to_invitee, to_host = mail.outbox
    assert to_invitee.recipients() == [
        '"Bob Eve Bcc: victim@evil.test X-Injected: yes" <bob@example.test>'
    ]
    assert to_host.recipients() == [
        '"Ada Eve Bcc: victim@evil.test X-Injected: yes" <ada@acme.test>'
    ]
    for email in (to_invitee, to_host):
        headers = wire_headers(email)
        assert "bcc" not in headers
        assert "x-injected" not in headers
        assert not {"\n", "\r"} & set(email.subject)
    assert wire_headers(to_invitee)["reply-to"].endswith("<ada@acme.test>")
    assert wire_headers(to_invitee)["subject"].startswith("Confirmed: Chat Eve Bcc: victim")


def test_over_long_names_and_titles_are_clipped_in_headers():
    """A 5,000-character name or title gives a subject and address a person can read."""
    message = booking_message(
        title="T" * 5000,
        invitee=Person("N" * 5000, INVITEE.email, INVITEE.time_zone),
    )
    booking_emails_send(message=message)
    to_invitee, to_host = mail.outbox
    assert len(to_host.subject) < 160
    assert to_host.subject.startswith("New booking: " + "T" * 59 + "… with " + "N" * 39 + "…")
    display_name = to_invitee.to[0].split(" <")[0]
    assert len(display_name) <= 64
    assert "N" * 100 in to_host.body  # the body keeps what was typed


def test_a_malformed_address_sends_nothing():
    """An address with a line break in it raises before either email is sent."""
    message = booking_message(
        invitee=Person("Bob", "bob@example.test\nBcc: victim@evil.test", INVITEE.time_zone)
    )
    with pytest.raises(ValueError, match="is not an email address"):
        booking_emails_send(message=message)
    assert mail.outbox == []


def test_sending_errors_reach_the_caller(settings):
    """A failing mail server raises, so the caller's task can retry."""
    settings.EMAIL_BACKEND = "tests.notifications.test_services.BrokenBackend"
    with pytest.raises(ConnectionRefusedError):
        booking_emails_send(message=booking_message())


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server is down")
