"""Kept for tasks queued before the tasks moved beside their subdomains (issue 20); import
them from there, never from here.

django-tasks stores a queued task by its import path (`slotlink.zoom.tasks.zoom_meeting_sync`
in django_tasks_db's `task_path`, RQ's `func_name`) and imports that path when the task runs:
a row queued before the upgrade still names this module, so each task is re-exported here
under its old name. Such a task, once run, queues any next run under its new path. Delete
this module once no queue holds a row naming it.
"""

from slotlink.zoom.meetings.tasks import zoom_meeting_sync, zoom_reconcile, zoom_sweep
from slotlink.zoom.member_tasks import zoom_connection_close
from slotlink.zoom.notice_tasks import zoom_notice_send
from slotlink.zoom.webhook_tasks import webhook_event_handle
from slotlink.zoom.webinars.tasks import zoom_attendance, zoom_webinar_sync

__all__ = [
    "webhook_event_handle",
    "zoom_attendance",
    "zoom_connection_close",
    "zoom_meeting_sync",
    "zoom_notice_send",
    "zoom_reconcile",
    "zoom_sweep",
    "zoom_webinar_sync",
]
