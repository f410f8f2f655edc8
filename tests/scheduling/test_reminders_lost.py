"""A reminder claimed is never lost: on RQ the job's task is queued only after its claim
commits, so a crash (or a Redis flush) in between leaves a claim nobody sends. The job,
running again once a mail lease has passed, queues such a claim again and it goes once;
never one that went, one found no longer due, one a worker is sending, one given up, nor
one past its reminder's window. Runs on the run's task backend (CI's RQ run runs this file
with RQ on Redis; the database queue by default), through a real mail server."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from slotlink.core.models import MailClaim
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.reminders.models import ReminderEmail
from slotlink.scheduling.reminders.selectors import reminder_notice_key
from slotlink.scheduling.services.bookings import booking_cancel
from slotlink.scheduling.tasks import reminders_send_due
from tests.fixtures.task_queue import drop_queued_tasks, queued_tasks
from tests.fixtures.workers import WorkerProcess, worker_command
from tests.notifications.smtp_server import SMTPServer
from tests.scheduling.builders import run_queued_tasks
from tests.scheduling.test_email_at_least_once import mail_env
from tests.scheduling.test_reminders import booked, starts_after, with_reminder

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE = timedelta(minutes=1)
REMINDER_TASK = "reminder_email_send"


def after_a_lease(moment: datetime) -> datetime:
    return moment + timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS) + MINUTE


def reminders_received(server: SMTPServer, address: str) -> int:
    return sum(1 for received in server.to(address) if received.subject.startswith("Reminder:"))


def reminder_tasks() -> int:
    return len([task for task in queued_tasks() if task.name == REMINDER_TASK])


@pytest.fixture
def claimed_and_lost(event_type: EventType) -> tuple[Booking, ReminderEmail, datetime]:
    """A booking reminded an hour before, whose reminder the job claimed 58 minutes before
    and whose task the queue then lost: when the claim happened."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booking = booked(event_type, start)
    claimed_at = start - 58 * MINUTE
    (row_id,) = reminders_send_due(now=claimed_at)
    drop_queued_tasks()  # the crash between the claim's commit and RQ being told
    return booking, ReminderEmail.objects.get(pk=row_id), claimed_at


def test_a_reminder_whose_task_was_lost_goes_once_on_a_later_run(claimed_and_lost, smtp_server):
    """Within its lease the job leaves the claim alone (its task may just be slow); once
    the lease passed it queues it again, and the reminder goes once; later runs queue
    nothing more."""
    booking, row, claimed_at = claimed_and_lost
    reminders_send_due(now=claimed_at + MINUTE)
    assert reminder_tasks() == 0
    later = after_a_lease(claimed_at)
    reminders_send_due(now=later)
    assert reminder_tasks() == 1
    run_queued_tasks()
    assert reminders_received(smtp_server, booking.invitee_email) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.handled_at == row.sent_at
    reminders_send_due(now=after_a_lease(later))
    assert reminder_tasks() == 0
    run_queued_tasks()
    assert reminders_received(smtp_server, booking.invitee_email) == 1


def test_a_real_worker_sends_the_reminder_queued_again_once(claimed_and_lost, smtp_server):
    """The reminder queued again is run by a real worker process of the run's backend
    (`slotlink rqworker` on Redis with RQ) through the mail server: it arrives once."""
    booking, row, claimed_at = claimed_and_lost
    reminders_send_due(now=after_a_lease(claimed_at))
    worker = WorkerProcess(
        "reminders-lost", mail_env(smtp_server), *worker_command("reminders-lost", until_idle=True)
    )
    worker.process.wait(timeout=120)
    assert worker.process.returncode == 0, "".join(worker.output)
    assert reminders_received(smtp_server, booking.invitee_email) == 1
    row.refresh_from_db()
    assert row.handled_at is not None


def test_a_reminder_of_a_booking_cancelled_meanwhile_is_handled_and_never_sent(
    claimed_and_lost, smtp_server
):
    """Its task, queued again, finds the booking cancelled: it sends nothing and marks the
    reminder handled, so the job never queues it again."""
    booking, row, claimed_at = claimed_and_lost
    booking_cancel(booking=booking)
    run_queued_tasks()
    later = after_a_lease(claimed_at)
    reminders_send_due(now=later)
    run_queued_tasks()
    row.refresh_from_db()
    assert (row.sent_at, row.handled_at is not None) == (None, True)
    reminders_send_due(now=after_a_lease(later))
    assert reminder_tasks() == 0
    assert reminders_received(smtp_server, booking.invitee_email) == 0


def test_a_skipped_reminder_is_not_queued_again(event_type, smtp_server):
    """A reminder whose task ran and found the booking cancelled is not queued again."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booking = booked(event_type, start)
    claimed_at = start - 58 * MINUTE
    reminders_send_due(now=claimed_at)
    booking_cancel(booking=booking)
    run_queued_tasks()
    assert ReminderEmail.objects.get().handled_at is not None
    reminders_send_due(now=after_a_lease(claimed_at))
    assert reminder_tasks() == 0
    assert reminders_received(smtp_server, booking.invitee_email) == 0


def test_a_reminder_that_waits_long_in_the_queue_is_sent_once(event_type, smtp_server):
    """A busy queue: the task still waits when the lease passed, and on two runs after it;
    the job queues it again once, and of the two tasks one sends it, the other nothing."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booking = booked(event_type, start)
    claimed_at = start - 58 * MINUTE
    reminders_send_due(now=claimed_at)
    later = after_a_lease(claimed_at)
    reminders_send_due(now=later)
    reminders_send_due(now=later + MINUTE)
    assert reminder_tasks() == 2
    run_queued_tasks()
    assert reminders_received(smtp_server, booking.invitee_email) == 1
    reminders_send_due(now=after_a_lease(later))
    assert reminder_tasks() == 0


def test_a_reminder_held_on_the_notice_path_is_left_to_it(claimed_and_lost, smtp_server):
    """A worker sending it (its lease running), a refusal whose retry is queued, or one
    the mail server refused until the attempts ran out: the job queues none of them."""
    booking, row, claimed_at = claimed_and_lost
    later = after_a_lease(claimed_at)
    key = reminder_notice_key(row.id)
    held = [
        {"lease_until": later + MINUTE},
        {"refused_at": later - MINUTE},
        {"refused_at": claimed_at - timedelta(hours=1), "gave_up": True},
    ]
    for fields in held:
        MailClaim.objects.update_or_create(
            key=key, defaults={"lease_until": None, "refused_at": None, "gave_up": False, **fields}
        )
        reminders_send_due(now=later)
        assert reminder_tasks() == 0, fields
    # A worker that died mid-send: its lease ran out (by the worker's clock too), so the
    # reminder goes.
    MailClaim.objects.filter(key=key).update(lease_until=timezone.now() - MINUTE, gave_up=False)
    reminders_send_due(now=later)
    run_queued_tasks()
    assert reminders_received(smtp_server, booking.invitee_email) == 1


def test_a_lost_reminder_past_its_window_is_not_sent_late(claimed_and_lost, smtp_server):
    """An hour's reminder found lost with less than half an hour left is dropped, as one
    the job could not send in time would be."""
    booking, _, _ = claimed_and_lost
    reminders_send_due(now=booking.start - 29 * MINUTE)
    assert reminder_tasks() == 0


def test_a_reminder_sent_is_not_queued_again(event_type, smtp_server):
    """Sent on time: the job after the lease queues nothing."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booking = booked(event_type, start)
    claimed_at = start - 58 * MINUTE
    reminders_send_due(now=claimed_at)
    run_queued_tasks()
    reminders_send_due(now=after_a_lease(claimed_at))
    assert reminder_tasks() == 0
    assert reminders_received(smtp_server, booking.invitee_email) == 1
