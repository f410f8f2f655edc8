from email import message_from_bytes, policy
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from icalendar import Calendar

from slotlink.notifications.messages import Audience, BookingChange, Person
from slotlink.notifications.services import booking_emails_send
from tests.notifications.factories import CHANGES_TO_BOTH, HOST, INVITEE, UID, booking_message
from tests.notifications.smtp_server import closed_port

SUBJECT_PREFIXES = {
    BookingChange.BOOKED: ("Confirmed:", "New booking:"),
    BookingChange.RESCHEDULED: ("Updated:", "Rescheduled:"),
    BookingChange.CANCELLED: ("Cancelled:", "Cancelled:"),
    BookingChange.LINK_READY: ("Zoom link for:", "Zoom link for:"),
    BookingChange.NEW_HOST: ("New host:", "Now yours:"),
}


def wire_headers(email) -> dict[str, str]:
    """The top-level headers as a receiving server would parse them."""
    parsed = message_from_bytes(email.message().as_bytes(), policy=policy.default)
    return {name.lower(): str(value).strip() for name, value in parsed.items()}


@pytest.mark.parametrize("change", CHANGES_TO_BOTH)
def test_every_change_emails_the_invitee_and_notifies_the_host(change):
    """Each change sends two emails, to the invitee and to the host, each with the invite."""
    result = booking_emails_send(message=booking_message(change=change, sequence=1))
    assert result.sent == (Audience.INVITEE, Audience.HOST)
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


def test_only_the_asked_for_emails_are_sent():
    """A retry can send just the host's email of a change."""
    result = booking_emails_send(message=booking_message(), audiences=[Audience.HOST])
    (to_host,) = mail.outbox
    assert to_host.recipients() == ["Ada Admin <ada@acme.test>"]
    assert (result.sent, dict(result.failed)) == ((Audience.HOST,), {})


def test_the_emails_arrive_at_a_real_mail_server_intact(smtp_server):
    """Over SMTP each party gets their own email, with the invite attached."""
    result = booking_emails_send(message=booking_message())
    assert result.sent == (Audience.INVITEE, Audience.HOST)
    (to_invitee,) = smtp_server.to(INVITEE.email)
    (to_host,) = smtp_server.to(HOST.email)
    assert to_invitee.recipients == (INVITEE.email,)
    assert to_invitee.subject.startswith("Confirmed: Intro call with Ada Admin on ")
    assert "https://slotlink.example.com/r/reschedule-token" in to_invitee.text
    assert "reschedule-token" not in to_host.text
    for received in (to_invitee, to_host):
        [invite] = [
            p for p in received.message.iter_attachments() if p.get_filename() == "invite.ics"
        ]
        assert Calendar.from_ical(invite.get_payload(decode=True)).events[0]["UID"] == UID


def test_an_email_the_server_refuses_does_not_stop_the_other(smtp_server):
    """The server refuses the host's address: the invitee's email still goes, and the
    answer names the refused one with the server's error, for the caller to retry."""
    smtp_server.refuse(HOST.email)
    result = booking_emails_send(message=booking_message())
    assert result.sent == (Audience.INVITEE,)
    assert list(result.failed) == [Audience.HOST]
    assert isinstance(result.failed[Audience.HOST], SMTPRecipientsRefused)
    assert len(smtp_server.to(INVITEE.email)) == 1
    assert smtp_server.to(HOST.email) == []
    with pytest.raises(SMTPRecipientsRefused):
        result.raise_first_failure()


def test_a_mail_server_that_is_down_sends_nothing(settings):
    """No server listening: neither email goes, each with the connection's error."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with closed_port() as port:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        result = booking_emails_send(message=booking_message())
    assert result.sent == ()
    assert set(result.failed) == {Audience.INVITEE, Audience.HOST}
    with pytest.raises(ConnectionRefusedError):
        result.raise_first_failure()
