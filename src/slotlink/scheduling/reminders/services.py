"""Writes of reminders: a host adds or removes an event type's reminders; the periodic job
claims the reminder emails that are due and queues each once."""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tasks.base import Task

from slotlink.core.tasks import enqueue_on_commit
from slotlink.scheduling.models import EventType
from slotlink.scheduling.reminders.models import MAX_PER_EVENT_TYPE, Reminder, ReminderEmail
from slotlink.scheduling.reminders.selectors import reminders_due, reminders_lost
from slotlink.scheduling.reminders.words import lead_words

log = logging.getLogger("slotlink.scheduling")


@transaction.atomic
def reminder_add(*, event_type: EventType, minutes_before: int, to_host: bool) -> Reminder:
    """A reminder this long before each booking of the event type; ValidationError (and
    nothing added) for a lead out of bounds, one the event type has, or one too many."""
    reminder = Reminder(event_type=event_type, minutes_before=minutes_before, to_host=to_host)
    reminder.full_clean(exclude=["event_type"], validate_unique=False)
    # Under the event type's row lock: two adds at once can't pass the count together.
    EventType.objects.select_for_update().filter(pk=event_type.pk).first()
    existing = Reminder.objects.filter(event_type=event_type)
    if existing.filter(minutes_before=minutes_before).exists():
        raise ValidationError(f"There is a reminder {lead_words(minutes_before)} before already.")
    if existing.count() >= MAX_PER_EVENT_TYPE:
        raise ValidationError(
            f"An event type has at most {MAX_PER_EVENT_TYPE} reminders. Remove one first."
        )
    reminder.save()
    return reminder


def reminder_remove(*, event_type: EventType, reminder_id: int) -> bool:
    """Remove one of the event type's reminders; whether there was one. Emails of it
    already claimed still go: they were due."""
    deleted, _ = Reminder.objects.filter(event_type=event_type, pk=reminder_id).delete()
    return bool(deleted)


def reminders_claim_due(*, now: datetime, task: Task[Any, Any]) -> list[int]:
    """Claim each reminder email due at `now` (its row, under its unique key) and queue its
    `task` (with the row's id) in the claim's transaction: on the database queue the two
    commit together, so no crash between them leaves a claim nobody sends. A key another
    job claimed first is skipped: two jobs racing queue each email once. Returns the ids
    claimed."""
    claimed = []
    for due in reminders_due(now=now):
        try:
            with transaction.atomic():
                row = ReminderEmail.objects.create(
                    key=due.key,
                    booking_id=due.booking_id,
                    session_id=due.session_id,
                    audience=due.audience,
                    guest=due.guest,
                    minutes_before=due.minutes_before,
                    start=due.start,
                    claimed_at=now,
                )
                enqueue_on_commit(task, row.id)
        except IntegrityError:
            continue  # another job claimed it
        claimed.append(row.id)
        log.info("scheduling.reminder.claimed key=%s", due.key)
    return claimed


def reminders_lost_requeue(*, now: datetime, task: Task[Any, Any]) -> list[int]:
    """Queue `task` again for each reminder email whose task was lost (`reminders_lost`),
    marking it claimed anew at `now`: another job racing this one, or this job a minute
    later while the task waits in a long queue, finds it claimed within the lease and
    queues nothing. Its task sends it at most once (core's notice claim, then its sent
    mark). Returns the ids queued again."""
    requeued = []
    for row in reminders_lost(now=now):
        taken = ReminderEmail.objects.filter(pk=row.pk, claimed_at=row.claimed_at).update(
            claimed_at=now
        )
        if not taken:
            continue  # another job queued it again first
        log.warning("scheduling.reminder.claim-lost key=%s", row.key)
        task.enqueue(row.id)
        requeued.append(row.id)
    return requeued
