"""Telling a host about a Zoom problem: the task that sends one notice (zoom/notices.py),
and how the services that find a problem queue it.

Its own module, apart from the notices' kinds and words: building a notice reads the
meeting's and webinar's details, which read notices.py; this module sits above both.
"""

from collections.abc import Callable
from functools import partial

from django_tasks import task

from slotlink.core.mail import Notice, notice_task_run
from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom.meetings.notify import meeting_notice, webinar_notice
from slotlink.zoom.notices import NoticeKind, connection_broken_notice, zoom_notice_key


def zoom_notice_enqueue(*, kind: NoticeKind, object_id: int) -> None:
    """Tell the host, once the caller's transaction commits (the task is written in it)."""
    enqueue_on_commit(zoom_notice_send, kind.value, object_id)


def zoom_notice_builder(*, kind: NoticeKind, object_id: int) -> Callable[[], Notice | None]:
    builders: dict[NoticeKind, Callable[[int], Notice | None]] = {
        NoticeKind.CONNECTION_BROKEN: connection_broken_notice,
        NoticeKind.MEETING_FAILED: partial(meeting_notice, about="failed"),
        NoticeKind.MEETING_DRIFT: partial(meeting_notice, about="drift"),
        NoticeKind.MEETING_UNROUTED: partial(meeting_notice, about="unrouted"),
        NoticeKind.WEBINAR_DRIFT: partial(webinar_notice, about="drift"),
        NoticeKind.WEBINAR_FAILED: partial(webinar_notice, about="failed"),
    }
    return partial(builders[kind], object_id)


@task()
def zoom_notice_send(kind: str, object_id: int, attempt: int = 1) -> None:
    """Tell a host about a Zoom problem, once (zoom/notices.py): retried while the mail
    server refuses, failing after the last attempt."""
    about = NoticeKind(kind)
    notice_task_run(
        zoom_notice_send,
        attempt,
        kind,
        object_id,
        key=zoom_notice_key(kind=about, object_id=object_id),
        build=zoom_notice_builder(kind=about, object_id=object_id),
    )
