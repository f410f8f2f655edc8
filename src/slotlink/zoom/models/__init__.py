"""Zoom's tables, one module per concept."""

from slotlink.zoom.models.accounts import ZoomConnection, ZoomUser
from slotlink.zoom.models.meetings import ZoomMeeting, ZoomMeetingBooking
from slotlink.zoom.models.pacing import ZoomPace
from slotlink.zoom.models.rollout import ZoomAuthorization, ZoomCodeArrival, ZoomRollout
from slotlink.zoom.models.synclog import SyncLogEntry
from slotlink.zoom.models.webhooks import WebhookEvent
from slotlink.zoom.models.webinars import ZoomRegistrant, ZoomWebinar

__all__ = [
    "SyncLogEntry",
    "WebhookEvent",
    "ZoomAuthorization",
    "ZoomCodeArrival",
    "ZoomConnection",
    "ZoomMeeting",
    "ZoomMeetingBooking",
    "ZoomPace",
    "ZoomRegistrant",
    "ZoomRollout",
    "ZoomUser",
    "ZoomWebinar",
]
