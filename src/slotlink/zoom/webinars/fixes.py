"""The host's actions on a session's webinar: Recreate webinar, Move it back.

As for meetings (meetings/fixes.py), nothing is recreated or moved back on its own: a
webinar removed or moved in Zoom stays so until the host asks.
"""

from slotlink.zoom.meetings.fixes import Changes, row_fix
from slotlink.zoom.models import ZoomMeeting, ZoomWebinar
from slotlink.zoom.webinars.tasks import zoom_webinar_sync

Drift = ZoomMeeting.Drift  # the same choices for webinars


def _webinar_changes(webinar: ZoomWebinar) -> Changes:
    if webinar.drift == Drift.REMOVED:
        # A new webinar, slotlink's own even if the old one was the host's, and every live
        # booking registered to it again, each with a new personal link.
        webinar.registrants.update(
            registrant_id="", join_url="", add_uncertain=False, cancelled_in_zoom=False
        )
        return (
            {"zoom_webinar_id": None, "zoom_uuid": "", "drift": "", "attached": False},
            "A new Zoom webinar is being created; each invitee's link follows by email.",
        )
    if webinar.drift == Drift.MOVED and not webinar.attached:
        return (
            {"synced_version": 0, "drift": "", "drift_start": None},
            "The Zoom webinar is being moved back to the session's time.",
        )
    return {}, "slotlink is trying again."


def webinar_fix(*, webinar_id: int) -> str:
    """Do what the session's bookings offer; returns what was done, in words."""
    return row_fix(
        ZoomWebinar, webinar_id, sync=zoom_webinar_sync, noun="webinar", changes=_webinar_changes
    )
