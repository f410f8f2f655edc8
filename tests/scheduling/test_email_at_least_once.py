"""Booking emails are sent at least once: a worker SIGKILLed between claiming an email and
the mail server taking it leaves a claim that runs out, and another worker sends the email.
Real worker processes, a real SMTP server that holds the invitee's address unanswered."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import (
    Booking,
    BookingEmail,
    EventType,
    GroupSession,
    GroupSessionEmail,
)
from slotlink.scheduling.services.bookings import booking_reschedule
from slotlink.scheduling.services.email_claims import booking_emails_lost
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.tasks import EMAIL_ATTEMPTS, booking_email_sweep
from tests.fixtures.task_queue import drop_queued_tasks
from tests.fixtures.workers import WorkerProcess, worker_env, worker_killed_mid_send
from tests.notifications.smtp_server import SMTPServer
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

GIVE_UP_AFTER = 120.0  # seconds: a bail-out for a broken run, not a timed assertion


def mail_env(smtp_server: SMTPServer) -> dict[str, str]:
    """Workers that send through `smtp_server`; their claims keep the default two-minute
    lease, which tests end by moving it, not by waiting."""
    return worker_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=str(smtp_server.host),
        EMAIL_PORT=str(smtp_server.port),
    )


def test_an_email_whose_worker_dies_mid_send_is_sent_by_another_worker(
    event_type, host, smtp_server
):
    """The worker is killed while the mail server has the invitee's confirmation half-way:
    nothing arrived, both parties' emails stay claimed; once the claims run out, the email
    sweep has a second worker send both, and each arrives. The claims' two minutes are
    not waited for: their end is moved to now, as those minutes passing would."""
    env = mail_env(smtp_server)
    booking = book(event_type)
    worker_killed_mid_send("first", env, smtp_server, INVITEE_EMAIL, give_up_after=GIVE_UP_AFTER)
    assert smtp_server.to(INVITEE_EMAIL) == []
    claims = BookingEmail.objects.filter(booking=booking)
    assert sorted(claims.values_list("audience", "attempts")) == [("host", 1), ("invitee", 1)]
    assert all(claim.lease_until for claim in claims)  # claimed, never handed over
    (dead,) = DBTaskResult.objects.filter(status="RUNNING")
    assert dead.worker_ids == ["first"]  # it stays RUNNING: the claim, not the task, recovers

    assert all(claim.lease_until > timezone.now() + timedelta(minutes=1) for claim in claims)
    assert booking_emails_lost(max_attempts=EMAIL_ATTEMPTS) == []  # held: nothing lost yet
    claims.update(lease_until=timezone.now())  # the two minutes are over

    second = WorkerProcess("second", env)
    try:
        booking_email_sweep.enqueue()  # the scheduler's part, once
        deadline = time.monotonic() + GIVE_UP_AFTER
        while not (smtp_server.to(INVITEE_EMAIL) and smtp_server.to(host.email)):
            assert time.monotonic() < deadline, "".join(second.output)
            time.sleep(0.2)  # polling for the two emails to arrive
    finally:
        second.stop()

    (confirmation,) = smtp_server.to(INVITEE_EMAIL)
    assert confirmation.subject.startswith("Confirmed")
    assert smtp_server.to(host.email)[0].subject.startswith("New booking")
    assert sorted(claims.values_list("audience", "attempts")) == [("host", 2), ("invitee", 2)]
    assert not claims.filter(lease_until__isnull=False).exists()  # sent
    assert booking_emails_lost(max_attempts=EMAIL_ATTEMPTS) == []


def test_a_claim_still_held_is_not_taken_over(event_type, host, settings):
    """A worker within its lease keeps its claim: the sweep finds nothing lost, and another
    send of the same change sends only the email nobody claimed."""
    booking = book(event_type)
    BookingEmail.objects.create(
        booking=booking,
        audience="invitee",
        sequence=booking.sequence,
        change="booked",
        lease_until=timezone.now() + timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS),
    )
    assert booking_emails_lost(max_attempts=EMAIL_ATTEMPTS) == []
    booking_email_send(
        booking_id=booking.id, change=BookingChange.BOOKED, sequence=booking.sequence
    )
    (email,) = mail.outbox
    assert email.to == [f"{host.full_name} <{host.email}>"]


def test_an_expired_claim_of_an_overtaken_change_is_not_sent_again(event_type):
    """A claim that ran out after the booking changed again is left alone: the newer
    change has its own email."""
    booking = book(event_type)
    BookingEmail.objects.create(
        booking=booking,
        audience="invitee",
        sequence=booking.sequence,
        change="booked",
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    assert len(booking_emails_lost(max_attempts=EMAIL_ATTEMPTS)) == 1
    Booking.objects.filter(pk=booking.pk).update(sequence=F("sequence") + 1)
    assert booking_emails_lost(max_attempts=EMAIL_ATTEMPTS) == []


def test_a_seat_freed_email_whose_worker_died_is_sent_by_the_sweep(
    organization, host, provider, smtp_server
):
    """The host's update of a session a booking left, claimed by a worker that died before
    the mail server took it: once the claim ran out, the email sweep has it sent, once."""
    group = make_event_type(
        organization,
        host,
        slug="tour",
        title="Product tour",
        kind=EventType.Kind.GROUP,
        seats_per_session=8,
    )
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    ivy = book(group, first, email="ivy@example.test")
    book(group, first, email="bob@example.test")
    run_queued_tasks()
    old = GroupSession.objects.get(pk=ivy.session_id)
    booking_reschedule(booking=ivy, start=later)
    old.refresh_from_db()
    # The dead worker's claim, as it left it: never handed to the mail server.
    drop_queued_tasks()
    GroupSessionEmail.objects.create(
        session=old,
        sequence=old.sequence,
        booking=ivy,
        lease_until=timezone.now() + timedelta(minutes=2),
    )
    booking_email_sweep.call()
    assert run_queued_tasks() == 0  # still within its lease: nothing is lost yet
    GroupSessionEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))

    booking_email_sweep.call()
    run_queued_tasks()
    booking_email_sweep.call()
    run_queued_tasks()

    freed = [e for e in smtp_server.to(host.email) if e.subject.startswith("Seat freed:")]
    assert len(freed) == 1
    (claim,) = GroupSessionEmail.objects.all()
    assert (claim.attempts, claim.lease_until) == (2, None)
