"""A Zoom link's emails lose nothing to a mail server that refuses for a while: the
confirmation sent when the stored link is announced, and the update that brings a link
later than the bound, each come back by core's rule and arrive exactly once, with the link,
when the server takes them. A real SMTP server and the Zoom sandbox."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.core.tasks import FIRST_MAIL_RETRY_AFTER
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.notifications.smtp_server import Received, SMTPServer, closed_port
from tests.scheduling.builders import book
from tests.scheduling.mailbox import INVITEE_EMAIL
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of

pytestmark = pytest.mark.django_db(transaction=True)


def link_email_refused_then_taken(smtp_server: SMTPServer) -> Received:
    """The link's email to the invitee is queued again after the mail server refused it:
    refused once more (450) and then taken, it arrives once. Returns it."""
    (retry,) = DBTaskResult.objects.filter(
        status="READY", task_path__endswith=".send_link_ready_email"
    )
    booking_id, attempt = retry.args_kwargs["args"]
    assert attempt == 2
    smtp_server.refuse(INVITEE_EMAIL)
    retry.delete()
    started = timezone.now()
    retry.task.call(booking_id, attempt)
    (again,) = DBTaskResult.objects.filter(
        status="READY", task_path__endswith=".send_link_ready_email"
    )
    assert again.args_kwargs["args"] == [booking_id, 3]
    assert again.run_after - started >= 2 * FIRST_MAIL_RETRY_AFTER
    smtp_server.accept(INVITEE_EMAIL)
    drain()
    (*_, last) = smtp_server.to(INVITEE_EMAIL)
    return last


def manage_links(received: Received) -> list[str]:
    return re.findall(r"/booking/\S+/(reschedule|cancel)", received.text)


def test_the_confirmation_with_the_stored_link_is_retried_until_the_server_takes_it(
    zoom: ZoomSandbox, host: ZoomHost, smtp_server, settings
):
    """The link is stored within the bound, while the mail server is down: the sync's
    commit can't send the confirmation, which comes back as a task; refused once more and
    then taken, it arrives once, with the link and the manage links. The confirmation's own
    task, at the bound, sends nothing more."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type)
    with closed_port() as port:
        settings.EMAIL_PORT, server_port = port, settings.EMAIL_PORT
        drain(only="zoom_meeting_sync")
        settings.EMAIL_PORT = server_port
    assert smtp_server.received == []
    confirmation = link_email_refused_then_taken(smtp_server)
    assert smtp_server.to(INVITEE_EMAIL) == [confirmation]
    assert meeting_of(booking).join_url in confirmation.text
    assert manage_links(confirmation) == ["reschedule", "cancel"]
    (to_host,) = smtp_server.to(host.user.email)
    assert meeting_of(booking).join_url in to_host.text


def test_a_link_later_than_the_bound_is_retried_until_the_server_takes_it(
    zoom: ZoomSandbox, host: ZoomHost, smtp_server, settings
):
    """Zoom is slower than the bound: the confirmation went saying the link follows. The
    update that brings it is refused by the mail server for the invitee: the host's copy
    goes; the invitee's comes back until it is taken, and arrives once, with the link and
    the manage links."""
    settings.LINK_WAIT_SECONDS = 0
    booking = book(host.event_type)
    drain(only="send_booking_email")  # the bound passed before Zoom answered
    (follows,) = smtp_server.to(INVITEE_EMAIL)
    assert "Your Zoom link will follow in a separate email." in follows.text
    smtp_server.refuse(INVITEE_EMAIL)
    drain(only="zoom_meeting_sync")
    drain(rounds=1, only="send_link_ready_email")
    assert smtp_server.to(INVITEE_EMAIL) == [follows]
    update = link_email_refused_then_taken(smtp_server)
    assert smtp_server.to(INVITEE_EMAIL) == [follows, update]
    assert update.subject.startswith("Zoom link for: Intro call")
    assert meeting_of(booking).join_url in update.text
    assert manage_links(update) == ["reschedule", "cancel"]
    host_copies = [m for m in smtp_server.to(host.user.email) if "Zoom link for" in m.subject]
    assert len(host_copies) == 1
