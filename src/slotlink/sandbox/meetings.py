"""Meetings: Zoom's defaults, and the writes the API, the pages and the control API share."""

from __future__ import annotations

import logging
from typing import Any

from slotlink.sandbox import ids, times
from slotlink.sandbox.events import event_object, send_deleted, send_updated
from slotlink.sandbox.runtime import Sandbox
from slotlink.sandbox.scheduling import apply_schedule, common_view
from slotlink.sandbox.state import Account, Meeting, User

log = logging.getLogger("slotlink.sandbox")


def meeting_defaults(user: User, account: Account) -> dict[str, Any]:
    waiting_room = user.settings.get("waiting_room", account.waiting_room)
    return {
        "host_video": user.settings.get("host_video", False),
        "participant_video": user.settings.get("participant_video", False),
        "cn_meeting": False,
        "in_meeting": False,
        "join_before_host": user.settings.get("join_before_host", False) and not waiting_room,
        "jbh_time": 0,
        "mute_upon_entry": False,
        "watermark": False,
        "use_pmi": False,
        "approval_type": 2,
        "audio": "voip",
        "auto_recording": "none",
        "enforce_login": False,
        "enforce_login_domains": "",
        "alternative_hosts": "",
        "alternative_hosts_email_notification": True,
        "close_registration": False,
        "show_share_button": False,
        "allow_multiple_devices": False,
        "registrants_confirmation_email": True,
        "waiting_room": waiting_room,
        "registrants_email_notification": True,
        "meeting_authentication": False,
        "encryption_type": "enhanced_encryption",
        "approved_or_denied_countries_or_regions": {"enable": False},
        "breakout_room": {"enable": False},
        "focus_mode": False,
        "private_meeting": False,
        "email_notification": True,
        "host_save_video_order": False,
    }


def meeting_create(
    sandbox: Sandbox, *, host: User, body: dict[str, Any], join_base: str
) -> Meeting:
    state = sandbox.state
    account = state.accounts[host.account_id]
    meeting = Meeting(
        id=ids.meeting_number(state.meetings),
        uuid=ids.meeting_uuid(),
        host_id=host.id,
        topic="Zoom Meeting",
        type=2,
        start_time=None,
        duration=None,
        timezone=host.timezone,
        agenda="",
        password="",
        encrypted_password="",
        h323_password="",
        pstn_password="",
        created_at=times.iso(times.now()),
        settings=meeting_defaults(host, account),
        join_base=join_base,
        start_token=ids.opaque(40),
    )
    apply_schedule(meeting, body, user=host, account=account, creating=True)
    state.meetings[meeting.id] = meeting
    sandbox.changed()
    log.debug("sandbox.meeting.created id=%s host=%s", meeting.id, host.id)
    return meeting


def meeting_update(
    sandbox: Sandbox, meeting: Meeting, body: dict[str, Any], *, operator: User, notify: bool
) -> None:
    host = sandbox.state.users[meeting.host_id]
    before = event_object(meeting)
    apply_schedule(
        meeting, body, user=host, account=sandbox.state.accounts[host.account_id], creating=False
    )
    sandbox.changed()
    if notify:
        send_updated(sandbox, meeting, before, operator)


def meeting_delete(sandbox: Sandbox, meeting: Meeting, *, operator: User, notify: bool) -> None:
    del sandbox.state.meetings[meeting.id]
    sandbox.changed()
    log.debug("sandbox.meeting.deleted id=%s", meeting.id)
    if notify:
        send_deleted(sandbox, meeting, operator)


def meeting_view(sandbox: Sandbox, meeting: Meeting) -> dict[str, Any]:
    view = common_view(meeting, sandbox.state.users[meeting.host_id])
    view["status"] = meeting.status
    return view
