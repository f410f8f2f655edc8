import os
import subprocess
import sys
from email.message import EmailMessage as MIMEMessage

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from icalendar import Calendar

from slotlink.notifications.models import OutboxEmail
from slotlink.notifications.services import booking_emails_send
from tests.notifications.factories import UID, booking_message

pytestmark = pytest.mark.django_db


def content_type_params(value: str) -> dict[str, str]:
    header = MIMEMessage()
    header["Content-Type"] = value
    return dict(header.get_params() or [])


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"


def test_a_plain_email_sent_with_send_mail_is_kept(outbox_backend):
    """send_mail lands in the outbox with its sender, recipients, subject and text."""
    sent = send_mail(
        "Welcome to slotlink",
        "Hello there.\n",
        "slotlink <no-reply@slotlink.localhost>",
        ["Someone <someone@example.test>", "other@example.test"],
    )
    assert sent == 1
    [email] = OutboxEmail.objects.all()
    assert email.subject == "Welcome to slotlink"
    assert email.from_email == "slotlink <no-reply@slotlink.localhost>"
    assert email.recipients == ["Someone <someone@example.test>", "other@example.test"]
    assert email.text == "Hello there.\n"
    assert email.html == ""
    assert email.organization is None
    assert not email.attachments.exists()
    assert mail.outbox == []  # kept, not delivered anywhere else


def test_html_cc_bcc_and_attachments_are_kept_as_sent(outbox_backend):
    """An EmailMultiAlternatives keeps its HTML, every recipient and each attachment with
    its name, type and exact bytes."""
    message = EmailMultiAlternatives(
        subject="Bericht für März",
        body="See attached.",
        to=["a@example.test"],
        cc=["b@example.test"],
        bcc=["c@example.test"],
    )
    message.attach_alternative("<p>See <b>attached</b>.</p>", "text/html")
    message.attach("notes.txt", "Grüße\n", "text/plain")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00binary", "image/png")
    message.send()
    [email] = OutboxEmail.objects.all()
    assert email.subject == "Bericht für März"
    assert email.recipients == ["a@example.test", "b@example.test", "c@example.test"]
    assert email.html == "<p>See <b>attached</b>.</p>"
    notes, logo = email.attachments.all()
    assert (notes.filename, notes.is_text, notes.text()) == ("notes.txt", True, "Grüße\n")
    assert notes.content_type.startswith("text/plain")
    assert (logo.filename, logo.content_type, logo.is_text) == ("logo.png", "image/png", False)
    assert bytes(logo.content) == b"\x89PNG\r\n\x1a\n\x00binary"


def test_booking_emails_are_kept_for_their_organization_with_the_invite(
    outbox_backend, organization
):
    """A booking's two emails land in its organization's outbox, each with invite.ics as
    text/calendar with its method; the inline copy for Outlook is not listed twice."""
    booking_emails_send(message=booking_message(organization_id=organization.id, sequence=2))
    emails = list(OutboxEmail.objects.order_by("id"))
    assert [email.recipients for email in emails] == [
        ["Bob Invitee <bob@example.test>"],
        ["Ada Admin <ada@acme.test>"],
    ]
    for email in emails:
        assert email.organization == organization
        assert "Intro call" in email.subject
        assert "Join the Zoom meeting" in email.text
        assert "Join the Zoom meeting" in email.html
        [invite] = email.attachments.all()
        assert invite.filename == "invite.ics"
        assert content_type_params(invite.content_type) == {
            "text/calendar": "",
            "method": "REQUEST",
            "charset": "utf-8",
            "name": "invite.ics",
        }
        calendar = Calendar.from_ical(bytes(invite.content))
        assert calendar["METHOD"] == "REQUEST"
        assert calendar.events[0]["UID"] == UID
        assert calendar.events[0]["SEQUENCE"] == 2


def test_an_unknown_organization_is_not_guessed(outbox_backend):
    """An organization header naming no organization keeps the email without one."""
    booking_emails_send(message=booking_message(organization_id=999_999))
    assert OutboxEmail.objects.filter(organization__isnull=True).count() == 2
    message = EmailMultiAlternatives("x", "y", to=["a@example.test"])
    message.extra_headers["X-Slotlink-Organization"] = "1 OR 1=1"
    message.send()
    message.extra_headers["X-Slotlink-Organization"] = "9" * 40  # beyond any database id
    message.send()
    assert OutboxEmail.objects.filter(organization__isnull=True).count() == 4


def test_an_over_long_attachment_name_is_clipped_not_lost(outbox_backend):
    """An attachment with a 1,000-character name is kept, its name clipped to fit."""
    message = EmailMultiAlternatives("x", "y", to=["a@example.test"])
    message.attach("n" * 1000 + ".txt", "content", "text/plain")
    message.send()
    [attachment] = OutboxEmail.objects.get().attachments.all()
    assert len(attachment.filename) == 255
    assert attachment.text() == "content"


def test_a_message_to_nobody_is_not_kept(outbox_backend):
    """Like SMTP, a message without recipients is not sent, so not kept."""
    assert EmailMultiAlternatives("x", "y").send() == 0
    assert not OutboxEmail.objects.exists()


def test_demo_mode_sends_to_the_outbox_by_default(tmp_path):
    """Under `make run` (demo mode) email goes to the outbox unless EMAIL_BACKEND says
    otherwise; tests keep Django's in-memory backend."""
    show = "import django; django.setup(); from django.conf import settings; print(settings.{})"

    def backend(mode: str, **env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if k not in {"EMAIL_BACKEND", "SECRET_KEY"}}
        clean |= {
            "SLOTLINK_MODE": mode,
            "SLOTLINK_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
            **env,
        }
        result = subprocess.run(
            [sys.executable, "-c", show.format("EMAIL_BACKEND")],
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert backend("demo") == "slotlink.notifications.outbox.OutboxBackend"
    assert backend("test") == "django.core.mail.backends.locmem.EmailBackend"
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert backend("demo", EMAIL_BACKEND=smtp) == smtp


def test_a_long_non_ascii_subject_is_kept_as_sent_without_a_leading_space(outbox_backend):
    """A subject long and non-ASCII enough to be folded before its first encoded word is
    kept as the one line it was, not starting with a space."""
    subject = "Booked: Intro call with Zoë Müller-Lüdenscheidt on Tue 3 Dec, 10:00 (Europe/Berlin)"
    send_mail(subject, "Hello.\n", "no-reply@slotlink.localhost", ["someone@example.test"])
    [email] = OutboxEmail.objects.all()
    assert email.subject == subject
