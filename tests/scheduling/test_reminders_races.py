"""Each reminder email goes exactly once however many jobs and workers run at once: two
jobs at the same moment claim each email once (its unique key), and two workers given the
same email's task send it once (core's notice claim, then its sent mark). Real threads and
real worker processes on the real database (SQLite by default, PostgreSQL with
DATABASE_URL)."""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connections

from slotlink.core.models import MailClaim
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.reminders.models import ReminderEmail
from slotlink.scheduling.tasks import reminder_email_send, reminders_send_due
from tests.fixtures.task_queue import queued_tasks, run_ready_tasks
from tests.fixtures.workers import WorkerProcess, worker_command
from tests.notifications.smtp_server import SMTPServer
from tests.races import race
from tests.scheduling.test_email_at_least_once import mail_env
from tests.scheduling.test_reminders import booked, starts_after, with_reminder

pytestmark = pytest.mark.django_db(transaction=True)

REMINDER_TASK = "reminder_email_send"
ADDRESSES = ["ivy@example.test", "bob@example.test", "cy@example.test"]


def three_bookings(event_type: EventType) -> tuple[datetime, list[Booking]]:
    """Three bookings an hour apart, each reminded a day before, the host too."""
    with_reminder(event_type, 24 * 60, to_host=True)
    starts = starts_after(event_type, timedelta(hours=26), count=6)[::2]
    bookings = [
        booked(event_type, start, email=address)
        for start, address in zip(starts, ADDRESSES, strict=True)
    ]
    return starts[-1] - timedelta(hours=23, minutes=50), bookings  # all three due then


def reminders_to(address: str) -> int:
    return sum(
        1
        for email in mail.outbox
        if email.subject.startswith("Reminder:") and address in email.to[0]
    )


def in_thread(action: Callable[[int], object], argument: int) -> None:
    try:
        action(argument)
    finally:
        connections.close_all()


def reminders_received(server: SMTPServer, address: str) -> int:
    return sum(1 for received in server.to(address) if received.subject.startswith("Reminder:"))


def test_two_jobs_at_once_claim_and_queue_each_reminder_once(event_type, host):
    """Two jobs racing at the same moment claim six emails between them (three invitees,
    the host of each booking), none twice, and queue one task each; run, each invitee
    gets one reminder and the host three."""
    now, _ = three_bookings(event_type)
    first, second = race(2, lambda _: reminders_send_due(now=now))
    assert isinstance(first, list), first
    assert isinstance(second, list), second
    assert sorted(first + second) == sorted(ReminderEmail.objects.values_list("id", flat=True))
    assert len(first + second) == 6
    assert len([task for task in queued_tasks() if task.name == REMINDER_TASK]) == 6
    run_ready_tasks(rounds=100, only_due=True)
    assert [reminders_to(address) for address in ADDRESSES] == [1, 1, 1]
    assert reminders_to(host.email) == 3


def test_a_second_worker_finds_the_reminder_claimed_mid_send_and_sends_nothing(
    event_type, smtp_server
):
    """The same reminder's task on two workers: the first holds it mid-send (the mail
    server has it half-way), the second finds it claimed and comes back when the claim's
    lease ends; by then it was sent, so the comeback sends nothing, nor does the task run
    once more. One email."""
    now, (booking, *_) = three_bookings(event_type)
    reminders_send_due(now=now)
    row = ReminderEmail.objects.get(booking=booking, audience="invitee")
    address = booking.invitee_email
    smtp_server.hold(address)
    first = threading.Thread(target=lambda: in_thread(reminder_email_send.call, row.id))
    first.start()
    assert smtp_server.holding.wait(timeout=30)
    reminder_email_send.call(row.id)  # the second worker, meanwhile
    comebacks = [t for t in queued_tasks() if t.name == REMINDER_TASK and t.args[0] == row.id]
    assert len(comebacks) == 2  # the job's own, and the second worker's comeback
    smtp_server.release()
    first.join(timeout=30)
    assert reminders_received(smtp_server, address) == 1
    run_ready_tasks(rounds=100, only_due=False)  # the comeback, and the job's own tasks
    reminder_email_send.call(row.id)
    assert reminders_received(smtp_server, address) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert not MailClaim.objects.exists()


def test_two_worker_processes_given_every_reminder_twice_send_each_once(
    event_type, host, smtp_server
):
    """Every claimed reminder's task queued a second time (a duplicate delivery), and two
    real worker processes emptying the queue at once, through a real mail server: each
    address gets its reminders once."""
    now, _ = three_bookings(event_type)
    for row_id in reminders_send_due(now=now):
        reminder_email_send.enqueue(row_id)
    env = mail_env(smtp_server)
    workers = [
        WorkerProcess(name, env, *worker_command(name, until_idle=True))
        for name in ("reminders-a", "reminders-b")
    ]
    for worker in workers:
        worker.process.wait(timeout=120)
        assert worker.process.returncode == 0, "".join(worker.output)
    run_ready_tasks(rounds=100, only_due=False)  # comebacks of a claim found busy
    for address in ADDRESSES:
        assert reminders_received(smtp_server, address) == 1, address
    assert reminders_received(smtp_server, host.email) == 3
    assert ReminderEmail.objects.filter(sent_at__isnull=True).count() == 0


def test_a_reminder_the_mail_server_refuses_comes_back_and_arrives_once(event_type, smtp_server):
    """The mail server refuses the invitee's address: nothing arrives, the reminder is not
    marked sent, and its task comes back later by core's rule; once the server takes it,
    it arrives once and is marked sent."""
    now, (booking, *_) = three_bookings(event_type)
    smtp_server.refuse(booking.invitee_email)
    reminders_send_due(now=now)
    run_ready_tasks(rounds=100, only_due=True)
    assert reminders_received(smtp_server, booking.invitee_email) == 0
    row = ReminderEmail.objects.get(booking=booking, audience="invitee")
    assert row.sent_at is None
    retries = [t for t in queued_tasks() if t.name == REMINDER_TASK]
    assert [t.args for t in retries] == [(row.id, 2)]
    smtp_server.accept(booking.invitee_email)
    run_ready_tasks(rounds=100, only_due=False)
    assert reminders_received(smtp_server, booking.invitee_email) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
