"""Tasks queued before the Zoom tasks moved beside their subdomains still run: the queue
names a task by its import path, and the old paths (zoom/tasks.py) still lead to them."""

import pytest
from django.utils.module_loading import import_string

from slotlink.zoom.meetings.tasks import zoom_meeting_sync
from slotlink.zoom.models import ZoomMeeting
from tests.fixtures.task_queue import uses_rq
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of, sandbox_meetings

pytestmark = pytest.mark.django_db(transaction=True)

OLD_PATHS = {
    "zoom_notice_send": "slotlink.zoom.notice_tasks",
    "webhook_event_handle": "slotlink.zoom.webhook_tasks",
    "zoom_meeting_sync": "slotlink.zoom.meetings.tasks",
    "zoom_connection_close": "slotlink.zoom.member_tasks",
    "zoom_sweep": "slotlink.zoom.meetings.tasks",
    "zoom_reconcile": "slotlink.zoom.meetings.tasks",
    "zoom_webinar_sync": "slotlink.zoom.webinars.tasks",
    "zoom_attendance": "slotlink.zoom.webinars.tasks",
}


def test_each_old_task_path_leads_to_the_task_at_its_new_path():
    """What both queues do with a stored name (django_tasks_db's `task_path`, RQ's
    `func_name`): import it. Each of the nine old names gives the task itself."""
    for name, module in OLD_PATHS.items():
        task = import_string(f"slotlink.zoom.tasks.{name}")
        assert task is import_string(f"{module}.{name}")
        assert task.module_path == f"{module}.{name}"


@pytest.mark.skipif(uses_rq(), reason="writes the database queue's row; RQ imports the same way")
def test_a_meeting_sync_queued_under_the_old_path_still_makes_the_meeting(
    zoom: ZoomSandbox, host: ZoomHost
):
    """A sync queued by the version before the move (its row names
    slotlink.zoom.tasks.zoom_meeting_sync) runs after the upgrade and makes the meeting."""
    from django_tasks_db.models import DBTaskResult

    booking = book(host.event_type)
    (queued,) = DBTaskResult.objects.filter(task_path=zoom_meeting_sync.module_path)
    DBTaskResult.objects.filter(pk=queued.pk).update(
        task_path="slotlink.zoom.tasks.zoom_meeting_sync"
    )
    drain()
    assert meeting_of(booking).state == ZoomMeeting.State.SYNCED
    assert len(sandbox_meetings(zoom, host.zoom_user)) == 1
