"""When the mail server refuses: each party's email is its own unit, so the one that went
stays sent (its links keep working) and only the refused one is retried, with growing
pauses, until the last attempt fails visibly. A real SMTP server on localhost refuses."""

import contextlib
import re
from datetime import timedelta
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.accounts.models import User
from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import BookingToken
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.tasks import EMAIL_ATTEMPTS, FIRST_RETRY_AFTER, send_booking_email
from slotlink.zoom.locations import ZOOM
from tests.fixtures.task_queue import drop_queued_tasks
from tests.notifications.smtp_server import closed_port
from tests.scheduling.builders import book, make_event_type, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom_event_type(organization, host):
    return make_event_type(organization, host, slug="zoom", location_kind=ZOOM)


def booked(event_type):
    """A booking whose confirmation the test sends itself (`send_booking_email.call`): the
    one queued with the booking is taken out of the queue."""
    booking = book(event_type)
    drop_queued_tasks()
    return booking


def test_a_refused_host_email_is_retried_alone_and_the_invitees_links_keep_working(
    event_type, host, smtp_server, client
):
    """The mail server refuses the host's address: the invitee's email still goes, once,
    and its links work; the host's alone comes back later and arrives once it is taken."""
    smtp_server.refuse(host.email)
    booking = booked(event_type)
    send_booking_email.call(booking.id, "booked", 0)
    (to_invitee,) = smtp_server.to(INVITEE_EMAIL)
    assert smtp_server.to(host.email) == []
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["args"] == [booking.id, "booked", 0, "", 2]
    assert list(booking.emails.values_list("audience", "sequence")) == [("invitee", 0)]

    smtp_server.accept(host.email)
    retry.task.call(*retry.args_kwargs["args"])
    send_booking_email.call(booking.id, "booked", 0)  # a late duplicate sends nothing
    assert len(smtp_server.to(INVITEE_EMAIL)) == 1
    (to_host,) = smtp_server.to(host.email)
    assert to_host.subject.startswith("New booking: Intro call with Ivy Invitee")
    assert "/booking/" not in to_host.text  # the invitee's links are theirs alone
    for kind in ("reschedule", "cancel"):
        link = re.search(rf"http://\S+/booking/\S+/{kind}", to_invitee.text)
        assert link is not None, to_invitee.text
        assert client.get(urlsplit(link.group(0)).path).status_code == 200
    assert BookingToken.objects.filter(booking=booking).count() == 2


def test_a_refused_invitee_email_does_not_hold_back_the_hosts(event_type, host, smtp_server):
    """The other way round: the host is told at once, the invitee's email (with links that
    work) follows on the retry, and neither gets the change twice."""
    smtp_server.refuse(INVITEE_EMAIL)
    booking = booked(event_type)
    send_booking_email.call(booking.id, "booked", 0)
    assert (len(smtp_server.to(INVITEE_EMAIL)), len(smtp_server.to(host.email))) == (0, 1)
    assert not BookingToken.objects.exists()  # the refused email's links were forgotten
    smtp_server.accept(INVITEE_EMAIL)
    (retry,) = DBTaskResult.objects.filter(status="READY")
    retry.task.call(*retry.args_kwargs["args"])
    assert (len(smtp_server.to(INVITEE_EMAIL)), len(smtp_server.to(host.email))) == (1, 1)
    assert BookingToken.objects.filter(booking=booking).count() == 2


def test_a_host_email_retried_after_the_link_arrived_is_followed_by_the_link_update(
    zoom_event_type, host, provider, smtp_server, django_capture_on_commit_callbacks
):
    """The invitee was told the Zoom link follows while the host's email was refused; the
    link arrives: both get the update that carries it, and nobody gets a change twice."""
    provider.status = LinkStatus.PENDING
    smtp_server.refuse(host.email)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(zoom_event_type)
    late = timezone.now() + timedelta(minutes=1)
    with pytest.raises(SMTPRecipientsRefused):
        booking_email_send(
            booking_id=booking.id, change=BookingChange.BOOKED, sequence=0, deadline=late, now=late
        )
    provider.status = LinkStatus.READY
    smtp_server.accept(host.email)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)
    run_queued_tasks()
    (confirmation, update) = smtp_server.to(INVITEE_EMAIL)
    assert "Your Zoom link will follow in a separate email." in confirmation.text
    assert "https://zoom.example.test/j/123" in update.text
    assert update.subject.startswith("Zoom link for: Intro call")
    assert [m.subject.split(":")[0] for m in smtp_server.to(host.email)] == [
        "New booking",
        "Zoom link for",
    ]


def test_a_link_whose_email_fails_at_its_announcement_is_retried_by_a_task(
    zoom_event_type, host, provider, smtp_server, settings, django_capture_on_commit_callbacks
):
    """The mail server is down when the provider's link arrives and its commit emails the
    waiting confirmation: the provider's transaction stands, nothing counts as sent, and
    the email comes back 30 s later as a task, with the link."""
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    booking = book(zoom_event_type)  # its confirmation waits in the queue for the link
    provider.status = LinkStatus.READY
    with contextlib.ExitStack() as stack:
        port, settings.EMAIL_PORT = settings.EMAIL_PORT, stack.enter_context(closed_port())
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            seam.link_ready(booking.id)
    settings.EMAIL_PORT = port
    assert not booking.emails.exists()
    (retry,) = DBTaskResult.objects.filter(task_path__endswith="send_link_ready_email")
    assert retry.args_kwargs["args"] == [booking.id, 2]
    assert retry.run_after - before >= FIRST_RETRY_AFTER
    retry.task.call(*retry.args_kwargs["args"])
    (confirmation,) = smtp_server.to(INVITEE_EMAIL)
    assert "https://zoom.example.test/j/123" in confirmation.text
    assert len(smtp_server.to(host.email)) == 1


@pytest.mark.parametrize(
    ("server", "error"),
    [("refuses every recipient", SMTPRecipientsRefused), ("is down", ConnectionRefusedError)],
)
def test_a_mail_server_failure_is_retried_later_and_finally_fails_visibly(
    event_type, host, smtp_server, settings, server, error
):
    """When the mail server refuses, nothing counts as sent and no minted link stays valid;
    the task comes back 30 s later (then 1, 2, 4 minutes), and the last attempt fails."""
    with contextlib.ExitStack() as stack:
        if server == "is down":
            settings.EMAIL_PORT = stack.enter_context(closed_port())
        else:
            smtp_server.refuse(INVITEE_EMAIL)
            smtp_server.refuse(host.email)
        booking = booked(event_type)
        for attempt in range(1, EMAIL_ATTEMPTS):
            before = timezone.now()
            send_booking_email.call(booking.id, "booked", 0, "", attempt)
            after = timezone.now()
            assert not booking.emails.exists()
            assert not BookingToken.objects.exists()
            retry = DBTaskResult.objects.get(status="READY", args_kwargs__args__4=attempt + 1)
            assert retry.args_kwargs["args"] == [booking.id, "booked", 0, "", attempt + 1]
            pause = FIRST_RETRY_AFTER * 2 ** (attempt - 1)
            assert before + pause <= retry.run_after <= after + pause
        with pytest.raises(error):
            send_booking_email.call(booking.id, "booked", 0, "", EMAIL_ATTEMPTS)
        assert DBTaskResult.objects.filter(status="READY").count() == EMAIL_ATTEMPTS - 1
        assert smtp_server.received == []
    settings.EMAIL_PORT = smtp_server.port
    smtp_server.accept(INVITEE_EMAIL)
    smtp_server.accept(host.email)
    first_retry = DBTaskResult.objects.get(status="READY", args_kwargs__args__4=2)
    first_retry.task.call(*first_retry.args_kwargs["args"])
    assert (len(smtp_server.to(INVITEE_EMAIL)), len(smtp_server.to(host.email))) == (1, 1)


def test_a_message_notifications_cannot_render_is_not_retried(event_type, host):
    """Bad data won't get better by waiting: the task fails at once, having sent nothing
    and kept no link."""
    booking = booked(event_type)
    User.objects.filter(pk=host.pk).update(email="hana@example.test\nBcc: victim@evil.test")
    with pytest.raises(ValueError, match="is not an email address"):
        send_booking_email.call(booking.id, "booked", 0)
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    assert not booking.emails.exists()
    assert not BookingToken.objects.exists()
