"""Telling a host their calendar connection broke: one email per break, on core's notice
path (core/mail.py: claimed, sent, then marked told, retried while the mail server refuses).

The connection keeps when it broke (`broken_at`, kept while the break lasts) and when its
owner was told (`told_at`): a notice built after `told_at` caught up with `broken_at` has
nothing to say, so refreshes failing every few minutes send one email, and a later break
sends another.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from slotlink.calendars.models import CalendarConnection
from slotlink.core.mail import Notice, notice_task_run, templated_message
from slotlink.core.tasks import enqueue_on_commit


def connection_broken_notice_key(connection_id: int) -> str:
    return f"calendars.connection_broken.{connection_id}"


def connection_broken_notice_enqueue(*, connection_id: int) -> None:
    """Tell the owner, once the caller's transaction commits (the task is written in it)."""
    enqueue_on_commit(calendar_connection_broken_notice_send, connection_id)


def connection_broken_notice(connection_id: int) -> Notice | None:
    connection = (
        CalendarConnection.objects.select_for_update(of=("self",))
        .select_related("owner", "organization")
        .filter(id=connection_id)
        .first()
    )
    if connection is None or connection.is_connected or connection.broken_at is None:
        return None  # removed or working again meanwhile: nothing to say
    if connection.told_at is not None and connection.told_at >= connection.broken_at:
        return None  # told of this break already

    def told() -> None:
        CalendarConnection.objects.filter(id=connection_id).update(told_at=timezone.now())

    message = templated_message(
        subject=f"Reconnect your calendar: {connection} is no longer read by slotlink",
        template="calendars/email/connection_broken",
        context={
            "owner": connection.owner,
            "connection": connection,
            "problem": connection.problem,
            "reason": connection.problem_detail,
            "calendars_page_url": f"{settings.BASE_URL}{reverse('calendars')}",
        },
        to=[connection.owner.email],
        organization_id=connection.organization_id,
    )
    return Notice(message=message, told=told)


@task()
def calendar_connection_broken_notice_send(connection_id: int, attempt: int = 1) -> None:
    """Tell a host their calendar connection broke, once per break: retried while the mail
    server refuses, failing after the last attempt."""
    notice_task_run(
        calendar_connection_broken_notice_send,
        attempt,
        connection_id,
        key=connection_broken_notice_key(connection_id),
        build=lambda: connection_broken_notice(connection_id),
    )
