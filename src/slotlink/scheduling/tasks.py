"""Background work of scheduling: the emails about a booking, after its transaction commits.

Tasks are interfaces, like views: they take ids, call a service, and at most ask to be run
again later (a confirmation waiting for its join link).
"""

from datetime import datetime

from django_tasks import task

from slotlink.core.tasks import enqueue_on_commit
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.services.emails import booking_email_send, booking_link_ready


@task()
def send_booking_email(booking_id: int, change: str, sequence: int, deadline: str = "") -> None:
    outcome = booking_email_send(
        booking_id=booking_id,
        change=BookingChange(change),
        sequence=sequence,
        deadline=datetime.fromisoformat(deadline) if deadline else None,
    )
    if outcome.retry_at is not None and outcome.deadline is not None:
        send_booking_email.using(run_after=outcome.retry_at).enqueue(
            booking_id, change, sequence, outcome.deadline.isoformat()
        )


@task()
def send_link_ready_email(booking_id: int) -> None:
    booking_link_ready(booking_id=booking_id)


def link_ready_listener(booking_id: int) -> None:
    """Registered with the conferencing seam: a provider's late link, emailed on commit."""
    enqueue_on_commit(send_link_ready_email, booking_id)
