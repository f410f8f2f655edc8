"""core/mail.py: every email is built one way (its two templates, the sender, automatic,
its organization) and sent one way (retried by core's rule while the mail server refuses)."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from slotlink.core.mail import ORGANIZATION_HEADER, mail_task_run, templated_message
from slotlink.core.tasks import FIRST_MAIL_RETRY_AFTER, MAIL_ATTEMPTS
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.task_queue import queued_tasks
from tests.notifications.smtp_server import SMTPServer, closed_port

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATES = {
    "mail/notice.txt": "Hi {{ name }},\n\n\n\n{% if late %}Late.{% endif %}\nBye   \n",
    "mail/notice.html": "<p>Hi {{ name }}</p>",
}


@pytest.fixture
def notice_templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
        }
    ]


def test_an_email_is_its_two_templates_sent_automatically_for_its_organization(
    notice_templates, settings
):
    """The text and the HTML alternative are `<template>.txt` and `.html` rendered with the
    context; the email comes from the configured sender, says it is automatic (RFC 3834: no
    vacation auto-reply answers it) and names its organization for the demo outbox."""
    message = templated_message(
        subject="Hello",
        template="mail/notice",
        context={"name": "Ada"},
        to=["ada@example.test"],
        organization_id=7,
    )
    assert message.subject == "Hello"
    assert message.to == ["ada@example.test"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == []
    assert message.body == "Hi Ada,\n\n\n\n\nBye   \n"
    assert [tuple(part) for part in message.alternatives] == [("<p>Hi Ada</p>", "text/html")]
    assert message.extra_headers == {
        "Auto-Submitted": "auto-generated",
        ORGANIZATION_HEADER: "7",
    }


def test_an_email_of_no_organization_names_none_and_tidy_text_keeps_one_blank_line(
    notice_templates,
):
    """An email that belongs to no organization (a sign-up's) carries no organization
    header; `tidy` leaves one blank line where template tags left several, and no trailing
    spaces. A sender and a reply-to given are used as given."""
    message = templated_message(
        subject="Hello",
        template="mail/notice",
        context={"name": "Ada"},
        to=["ada@example.test"],
        from_email="Bo via slotlink <no-reply@example.test>",
        reply_to=["bo@example.test"],
        tidy=True,
    )
    assert message.body == "Hi Ada,\n\nBye\n"
    assert message.from_email == "Bo via slotlink <no-reply@example.test>"
    assert message.reply_to == ["bo@example.test"]
    assert message.extra_headers == {"Auto-Submitted": "auto-generated"}


def email_through(host: str, port: int, settings) -> EmailMessage:
    """An email Django's SMTP backend sends to the server at `host`:`port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return EmailMessage("Hello", "Hi", to=["ada@example.test"])


def test_a_refused_email_comes_back_later_and_fails_after_the_last_attempt(settings, tmp_path):
    """The mail server is down: the email's task is queued again with its next attempt,
    after core's pause (30 s, then doubling), with what the send claimed undone; the last
    attempt runs `gave_up` and raises the refusal, so the task fails visibly."""
    undone: list[int] = []
    args = (str(tmp_path / "marker"), "text")
    with closed_port() as port:
        email = email_through("127.0.0.1", port, settings)
        before = timezone.now()
        outcome = mail_task_run(
            write_marker, 2, *args, send=email.send, refused=lambda: undone.append(2)
        )
        assert outcome is None
        (retry,) = queued_tasks()
        assert (retry.name, retry.args) == ("write_marker", (*args, 3))
        assert retry.run_after is not None
        assert retry.run_after - before >= FIRST_MAIL_RETRY_AFTER * 2
        assert retry.run_after - before < FIRST_MAIL_RETRY_AFTER * 2 + timedelta(seconds=30)
        gave_up: list[bool] = []
        with pytest.raises(ConnectionRefusedError):
            mail_task_run(
                write_marker,
                MAIL_ATTEMPTS,
                *args,
                send=email.send,
                refused=lambda: undone.append(MAIL_ATTEMPTS),
                gave_up=lambda: gave_up.append(True),
            )
    assert undone == [2, MAIL_ATTEMPTS]
    assert gave_up == [True]
    assert len(queued_tasks()) == 1


def test_an_email_the_server_takes_is_sent_once_and_not_retried(settings, tmp_path):
    """A send the mail server takes returns what it returned, and queues nothing."""
    with SMTPServer() as server:
        email = email_through(server.host, server.port, settings)
        assert mail_task_run(write_marker, 1, "x", "y", send=email.send) == 1
    assert [received.subject for received in server.received] == ["Hello"]
    assert queued_tasks() == []


def test_bad_data_is_not_retried(settings):
    """Only the mail server's refusal is retried: a message that cannot be built raises at
    once and queues nothing."""

    def malformed() -> int:
        raise ValueError("no address")

    with pytest.raises(ValueError, match="no address"):
        mail_task_run(write_marker, 1, "x", "y", send=malformed)
    assert queued_tasks() == []
