"""Meetings: Zoom's defaults for a new one, and how the API shows one."""

from __future__ import annotations

from typing import Any

from zoom_sandbox.lifecycle import scheduled_create
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.scheduling import common_view
from zoom_sandbox.state import Account, Meeting, User


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
    sandbox: Sandbox,
    *,
    host: User,
    body: dict[str, Any],
    join_base: str,
    operator: User,
    notify: bool,
) -> Meeting:
    defaults = meeting_defaults(host, sandbox.state.accounts[host.account_id])
    return scheduled_create(
        sandbox,
        Meeting,
        host=host,
        body=body,
        join_base=join_base,
        defaults=defaults,
        operator=operator,
        notify=notify,
    )


def meeting_view(sandbox: Sandbox, meeting: Meeting) -> dict[str, Any]:
    view = common_view(meeting, sandbox.state.users[meeting.host_id], now=sandbox.clock.now())
    view["status"] = meeting.status
    return view


def entry_settings(meeting: Meeting) -> tuple[str, str]:
    """How people get in, in words, as the meeting's pages show it: the waiting room, and
    joining before the host (`jbh_time` 0 is any time, else minutes before the start)."""
    settings = meeting.settings
    waiting_room = "on" if settings.get("waiting_room") else "off"
    if not settings.get("join_before_host"):
        return waiting_room, "off"
    minutes = settings.get("jbh_time") or 0
    return waiting_room, f"{minutes} minutes before the start" if minutes else "any time"
