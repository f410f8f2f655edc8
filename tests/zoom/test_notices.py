"""Zoom's emails to a host about a problem (reconnect Zoom, a failed meeting or webinar, a
meeting or webinar changed in Zoom, a booking with no meeting) lose nothing to a mail
server that refuses for a while: each is claimed, sent, then marked told, retried by core's
rule (30 s, then 1, 2, 4 minutes), and arrives exactly once when the server takes it. A
real SMTP server: down (connection refused) for the first attempt, refusing the host's
address (450) for the second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from smtplib import SMTPRecipientsRefused
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.core.lost_tasks import lost_tasks_recover
from slotlink.core.models import MailClaim
from slotlink.core.tasks import FIRST_MAIL_RETRY_AFTER, MAIL_ATTEMPTS
from slotlink.zoom.errors import ZoomUnauthorized
from slotlink.zoom.meetings.reconcile import zoom_user_reconcile
from slotlink.zoom.meetings.sync import meeting_sync
from slotlink.zoom.models import (
    ZoomConnection,
    ZoomMeeting,
    ZoomRollout,
    ZoomUser,
    ZoomWebinar,
)
from slotlink.zoom.notice_tasks import zoom_notice_send
from slotlink.zoom.notices import UNDELIVERED
from slotlink.zoom.synclog import CallContext
from slotlink.zoom.tokens import with_access_token
from slotlink.zoom.webinars.sync import webinar_sync
from tests.fixtures.workers import WorkerProcess, worker_killed_mid_send
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.notifications.smtp_server import Received, SMTPServer, closed_port
from tests.scheduling.builders import book, next_free_starts
from tests.scheduling.test_email_at_least_once import GIVE_UP_AFTER, mail_env
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of, zoom_event_type
from tests.zoom.test_drift import deliver_all, meeting_moved_in_zoom
from tests.zoom.test_no_meeting import page_text
from tests.zoom.test_tokens import expire_soon, me
from tests.zoom.test_webinar_drift import deliver_all as deliver_webinar_events
from tests.zoom.test_webinar_drift import session_of_two
from tests.zoom.test_webinars import webinar_event_type, webinar_host

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = ".zoom_notice_send"


def queued_notices() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY", task_path__endswith=NOTICE))


def attempt_notices() -> list[tuple[list[Any], timedelta]]:
    """Run each queued notice once, here, as a worker would once it is due; returns the
    notices queued meanwhile (their arguments, and how much later they are due)."""
    ran = queued_notices()
    DBTaskResult.objects.filter(pk__in=[result.pk for result in ran]).delete()
    started = timezone.now()
    failures = []
    for result in ran:
        try:
            result.task.call(*result.args_kwargs["args"])
        except OSError as refused:  # a task's last attempt: the others still run
            failures.append(refused)
    if failures:
        raise failures[0]
    return [(later.args_kwargs["args"], later.run_after - started) for later in queued_notices()]


def delivered_after_refusals(
    smtp_server: SMTPServer, settings: Any, address: str, *, told: Callable[[], bool]
) -> list[Received]:
    """The mail server is down for the notices' first attempt and refuses `address` for the
    second: each time nothing arrives, nobody is marked told, and every notice comes back
    later by core's rule. The third attempt is taken: what arrived for `address` then."""
    before = len(smtp_server.to(address))  # e.g. the booking's own emails
    with closed_port() as port:
        settings.EMAIL_PORT, server_port = port, settings.EMAIL_PORT
        first = attempt_notices()
        settings.EMAIL_PORT = server_port
    assert first, "no notice was queued"
    smtp_server.refuse(address)
    second = attempt_notices()
    for retries, attempt in ((first, 2), (second, 3)):
        for args, later in retries:
            assert args[-1] == attempt
            assert later >= FIRST_MAIL_RETRY_AFTER * 2 ** (attempt - 2)
    assert len(second) == len(first)
    assert len(smtp_server.to(address)) == before
    assert not told()
    smtp_server.accept(address)
    assert attempt_notices() == []
    assert told()
    assert not MailClaim.objects.exists()
    return smtp_server.to(address)[before:]


def subjects(received: list[Received]) -> list[str]:
    return sorted(message.subject.split(":")[0] for message in received)


def broken(zoom: ZoomSandbox, zoom_user: dict[str, Any]) -> None:
    """Zoom refuses the grant: the next calls with it fail, and the connection breaks."""
    zoom.revoke_tokens(zoom_user["id"])
    stored = ZoomUser.objects.get(zoom_user_id=zoom_user["id"])
    expire_soon(stored.id)
    for _ in range(3):
        with pytest.raises(ZoomUnauthorized):
            with_access_token(zoom_user_id=stored.id, context=CallContext(), call=me)


def test_the_reconnect_email_arrives_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, member_membership, smtp_server, settings
):
    """A connection breaks while the mail server refuses: "Reconnect Zoom" comes back until
    it is taken, arrives once, and the owner is marked told only then. Later failing calls
    and a late duplicate of the task send nothing more."""
    connection_, zoom_user = connected(zoom, member_membership)
    broken(zoom, zoom_user)
    address = member_membership.user.email

    def told() -> bool:
        return ZoomConnection.objects.get().owner_told_at is not None

    (reconnect,) = delivered_after_refusals(smtp_server, settings, address, told=told)
    assert reconnect.subject.startswith("Reconnect Zoom")
    assert "/360/integrations/zoom" in reconnect.text
    broken(zoom, zoom_user)
    zoom_notice_send.call("connection_broken", connection_.id)
    assert attempt_notices() == []
    assert len(smtp_server.to(address)) == 1


def test_a_failed_meetings_email_arrives_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, host: ZoomHost, smtp_server, settings
):
    """A booking's meeting fails (its Zoom refused the grant) while the mail server refuses:
    the host's "needs your attention" and "Reconnect Zoom" each arrive once, once it takes
    them, and the meeting is marked told only after its email went. Syncing the failed
    meeting again sends nothing more."""
    zoom.revoke_tokens(host.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book(host.event_type)
    drain(only="zoom_meeting_sync")
    assert meeting_of(booking).state == ZoomMeeting.State.FAILED

    def told() -> bool:
        return meeting_of(booking).host_told_at is not None

    received = delivered_after_refusals(smtp_server, settings, host.user.email, told=told)
    assert subjects(received) == ["Reconnect Zoom", "Zoom"]
    (attention,) = [m for m in received if m.subject.startswith("Zoom:")]
    assert attention.subject == "Zoom: Intro call with Ivy Invitee needs your attention"
    assert "reconnect" in attention.text.lower()
    meeting_sync(meeting_id=meeting_of(booking).id)
    zoom_notice_send.call("meeting_failed", meeting_of(booking).id)
    assert attempt_notices() == []
    everything = smtp_server.to(host.user.email)
    assert subjects(everything) == sorted(["New booking", *subjects(received)])


def test_a_meeting_changed_in_zoom_is_told_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, host: ZoomHost, smtp_server, settings
):
    """The host moves the meeting in Zoom while the mail server refuses: the "needs your
    attention" email comes back until it is taken, arrives once, and marks the host told
    only then; Zoom's event delivered again sends nothing more."""
    booking = book(host.event_type)
    drain()
    meeting_moved_in_zoom(zoom, booking)
    drain(only="webhook_event_handle")
    before = len(smtp_server.to(host.user.email))  # the booking's own emails

    def told() -> bool:
        return meeting_of(booking).host_told_at is not None

    (moved,) = delivered_after_refusals(smtp_server, settings, host.user.email, told=told)
    assert moved.subject.endswith("needs your attention")
    assert "moved in Zoom" in moved.text
    deliver_all(zoom, "meeting.updated")
    drain(only="webhook_event_handle")
    assert attempt_notices() == []
    assert len(smtp_server.to(host.user.email)) == before + 1


def test_a_webinar_removed_in_zoom_is_told_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, organization, member_membership, smtp_server, settings
):
    """The host deletes a session's webinar in Zoom while the mail server refuses: the host's
    email naming the webinar comes back until it is taken, arrives once, and marks the
    webinar told only then; the hourly reconcile finding it again sends nothing more."""
    host = webinar_host(zoom, organization, member_membership, settings)
    _first, _second, webinar = session_of_two(zoom, host)
    zoom.delete_webinar_in_zoom(webinar["id"])
    assert deliver_webinar_events(zoom, "webinar.deleted") == 1
    drain(only="webhook_event_handle")

    def told() -> bool:
        return ZoomWebinar.objects.get().host_told_at is not None

    (removed,) = delivered_after_refusals(smtp_server, settings, host.user.email, told=told)
    assert removed.subject == "Zoom: Product webinar needs your attention"
    assert "removed in Zoom" in removed.text
    before = len(smtp_server.to(host.user.email))
    zoom_user_reconcile(zoom_user_id=host.connection.zoom_user_id)
    drain(only="zoom_notice_send")
    assert len(smtp_server.to(host.user.email)) == before


def test_a_failed_webinar_is_told_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, organization, admin_membership, smtp_server, settings
):
    """No webinar licence and no fallback to a meeting: the webinar fails, and its host is
    told once, naming the webinar, through a mail server that refused at first; the webinar
    is marked told only then, and syncing it again sends nothing more."""
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    connected(zoom, admin_membership, email="nolicence@zoom.test", webinar=False)
    strict = webinar_event_type(admin_membership, slug="strict")
    start = next_free_starts(strict, 1)[0]
    book(strict, start, email="ann@example.test")
    book(strict, start, email="bo@example.test")
    drain(only="zoom_webinar_sync")
    webinar = ZoomWebinar.objects.get()
    assert webinar.state == ZoomWebinar.State.FAILED

    def told() -> bool:
        return ZoomWebinar.objects.get().host_told_at is not None

    address = admin_membership.user.email
    (failed,) = delivered_after_refusals(smtp_server, settings, address, told=told)
    assert failed.subject == "Zoom: Product webinar needs your attention"
    assert "no webinar licence" in failed.text
    webinar_sync(webinar_id=webinar.id)
    zoom_notice_send.call("webinar_failed", webinar.id)
    assert attempt_notices() == []
    assert smtp_server.to(address)[-1] == failed


def test_a_booking_with_no_zoom_meeting_is_told_once_after_the_mail_server_refused_it(
    zoom: ZoomSandbox, member_membership, smtp_server, settings
):
    """Booked while Zoom is off for the organization, with the mail server refusing: the
    host's "No Zoom meeting for ..." comes back until it is taken, arrives once, and marks
    the meeting told only then."""
    booking = book(zoom_event_type(member_membership, slug="intro"))

    def told() -> bool:
        return meeting_of(booking).host_told_at is not None

    (notice,) = delivered_after_refusals(
        smtp_server, settings, member_membership.user.email, told=told
    )
    assert notice.subject == "No Zoom meeting for Intro call with Ivy Invitee"
    assert "Zoom isn't enabled for this organization" in notice.text
    zoom_notice_send.call("meeting_unrouted", meeting_of(booking).id)
    assert attempt_notices() == []
    assert smtp_server.to(member_membership.user.email)[-1] == notice


def test_the_last_refused_attempt_fails_visibly_and_leaves_the_host_untold(
    zoom: ZoomSandbox, host: ZoomHost, smtp_server, member_client
):
    """A mail server that never takes them: after the fifth attempt each notice's task fails
    with the server's refusal, nobody is marked told, and where the host sees the problem
    (the booking's page, the Zoom page) it also reads that the email never went."""
    zoom.revoke_tokens(host.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book(host.event_type)
    drain(only="zoom_meeting_sync")
    smtp_server.refuse(host.user.email)
    for _ in range(MAIL_ATTEMPTS - 1):
        assert len(attempt_notices()) == 2
    assert sorted(task.args_kwargs["args"] for task in queued_notices()) == [
        ["connection_broken", host.connection.id, MAIL_ATTEMPTS],
        ["meeting_failed", meeting_of(booking).id, MAIL_ATTEMPTS],
    ]
    booking_page = page_text(member_client.get(f"/360/bookings/{booking.id}"))
    zoom_page = page_text(member_client.get("/360/integrations/zoom"))
    assert UNDELIVERED not in booking_page
    assert "slotlink couldn't email you" not in zoom_page  # not yet: it is still trying
    with pytest.raises(SMTPRecipientsRefused):
        attempt_notices()
    assert queued_notices() == []
    assert ZoomConnection.objects.get().owner_told_at is None
    assert meeting_of(booking).host_told_at is None
    claims = MailClaim.objects.values_list("gave_up", "lease_until", "attempts")
    assert list(claims) == [(True, None, MAIL_ATTEMPTS)] * 2
    booking_page = page_text(member_client.get(f"/360/bookings/{booking.id}"))
    assert f"is broken: reconnect it. {UNDELIVERED}" in booking_page
    zoom_page = page_text(member_client.get("/360/integrations/zoom"))
    assert (
        "slotlink couldn't email you that this connection broke: the mail server refused it."
        in zoom_page
    )


def test_a_webinar_change_whose_email_never_went_says_so_on_its_bookings(
    zoom: ZoomSandbox, organization, member_membership, smtp_server, settings, member_client
):
    """A webinar removed in Zoom, and a mail server that never takes the host's email: after
    the last attempt each booking of the session tells the host the email never went."""
    host = webinar_host(zoom, organization, member_membership, settings)
    first, second, webinar = session_of_two(zoom, host)
    zoom.delete_webinar_in_zoom(webinar["id"])
    deliver_webinar_events(zoom, "webinar.deleted")
    drain(only="webhook_event_handle")
    smtp_server.refuse(host.user.email)
    for _ in range(MAIL_ATTEMPTS - 1):
        assert len(attempt_notices()) == 1
    with pytest.raises(SMTPRecipientsRefused):
        attempt_notices()
    assert ZoomWebinar.objects.get().host_told_at is None
    for booking in (first, second):
        page = page_text(member_client.get(f"/360/bookings/{booking.id}"))
        assert f"removed in Zoom, so this booking has no working link. {UNDELIVERED}" in page


def test_two_workers_never_send_the_same_notice_twice(
    zoom: ZoomSandbox, member_membership, smtp_server
):
    """One worker is mid-send (the mail server holds its RCPT) when another runs the same
    notice: the second finds it claimed, sends nothing, and comes back when the claim's
    lease ends; by then the first sent it and marked it told, so it sends nothing again."""
    connection_, zoom_user = connected(zoom, member_membership)
    broken(zoom, zoom_user)
    address = member_membership.user.email
    smtp_server.hold(address)
    (first,) = queued_notices()
    first.delete()

    def first_worker() -> None:
        try:
            zoom_notice_send.call("connection_broken", connection_.id)
        finally:
            connection.close()

    sending = threading.Thread(target=first_worker)
    sending.start()
    try:
        assert smtp_server.holding.wait(timeout=30)
        zoom_notice_send.call("connection_broken", connection_.id)
        (again,) = queued_notices()
        assert again.run_after == MailClaim.objects.get().lease_until
    finally:
        smtp_server.release()
        sending.join(timeout=30)
    assert attempt_notices() == []
    assert len(smtp_server.to(address)) == 1
    assert ZoomConnection.objects.get().owner_told_at is not None


@pytest.mark.processes
def test_a_notice_whose_worker_dies_mid_send_is_sent_by_another_worker(
    zoom: ZoomSandbox, member_membership, smtp_server
):
    """A worker is SIGKILLed while the mail server holds its "Reconnect Zoom" half-way:
    nothing arrived, nobody is told, the claim stays. Its task, put back in the queue as
    a dead worker's (core/lost_tasks.py), runs on a second worker, which takes the claim
    over once its lease ran out and sends it: it arrives once, and the owner is told. The
    lease's two minutes are not waited for: its end is moved to now, as they would pass."""
    env = mail_env(smtp_server)
    _connection, zoom_user = connected(zoom, member_membership)
    address = member_membership.user.email
    broken(zoom, zoom_user)
    worker_killed_mid_send("first", env, smtp_server, address, give_up_after=GIVE_UP_AFTER)
    assert smtp_server.to(address) == []
    assert ZoomConnection.objects.get().owner_told_at is None
    (claim,) = MailClaim.objects.all()
    assert claim.lease_until is not None  # claimed, never handed over
    assert claim.lease_until > timezone.now() + timedelta(minutes=1)
    MailClaim.objects.update(lease_until=timezone.now())  # the two minutes are over
    assert lost_tasks_recover(silent_for=timedelta(0)).requeued != []

    second = WorkerProcess("second", env)
    try:
        deadline = time.monotonic() + GIVE_UP_AFTER
        while ZoomConnection.objects.get().owner_told_at is None:
            assert time.monotonic() < deadline, "".join(second.output)
            time.sleep(0.2)
    finally:
        second.stop()
    (reconnect,) = smtp_server.to(address)
    assert reconnect.subject.startswith("Reconnect Zoom")
    assert not MailClaim.objects.exists()
