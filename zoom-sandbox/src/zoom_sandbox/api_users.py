"""REST v2 users: the user (`/users/me` above all), their settings, updates, deletion."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.apiop import Caller, json_body, no_content, operation, resolve_user
from zoom_sandbox.errors import ZoomError
from zoom_sandbox.grants import tokens_drop
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.state import Account, User

USER_SETTINGS = ("host_video", "participant_video", "join_before_host", "waiting_room")
PROFILE_FIELDS = ("first_name", "last_name", "timezone")


def user_view(sandbox: Sandbox, user: User, base_url: str) -> dict[str, Any]:
    account = sandbox.state.accounts[user.account_id]
    view: dict[str, Any] = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "email": user.email,
        "type": 1 if account.plan == "basic" else 2,
        "role_name": "Admin" if user.account_admin else "Member",
        "role_id": "1" if user.account_admin else "2",
        "pmi": user.pmi,
        "use_pmi": False,
        "personal_meeting_url": f"{base_url}/j/{user.pmi}",
        "timezone": user.timezone,
        "verified": 1,
        "dept": "",
        "created_at": user.created_at,
        "user_created_at": user.created_at,
        "last_client_version": "6.2.0.46690(mac)",
        "pic_url": "",
        "language": "en-US",
        "phone_number": "",
        "status": "active",
        "account_id": user.account_id,
        "account_number": account.account_number,
        "cluster": "us05",
        "login_types": [100],
        "group_ids": [],
        "im_group_ids": [],
        "jid": f"{user.id.lower()}@xmpp.zoom.us",
        "job_title": "",
        "company": "",
        "location": "",
    }
    if user.last_login_time:
        view["last_login_time"] = user.last_login_time
    return view


def password_requirement(account: Account) -> dict[str, Any]:
    rules = asdict(account.passcode_rules)
    rules.pop("required")
    return {**rules, "consecutive_characters_length": 0, "weak_enhance_detection": False}


def settings_view(sandbox: Sandbox, user: User, option: str | None) -> dict[str, Any]:
    account = sandbox.state.accounts[user.account_id]
    required = account.passcode_rules.required
    waiting_room = user.settings.get("waiting_room", account.waiting_room)
    if option == "meeting_security":
        return {
            "meeting_security": {
                "waiting_room": waiting_room,
                "meeting_password": required,
                "require_password_for_scheduled_meeting": required,
                "require_password_for_scheduled_webinar": required,
                "meeting_password_requirement": password_requirement(account),
                "embed_password_in_join_link": True,
                "encryption_type": "enhanced_encryption",
                "phone_password": required,
                "pmi_password": required,
                "webinar_password": required,
                "auto_security": True,
            }
        }
    licensed = user.webinar and account.plan != "basic"
    return {
        "schedule_meeting": {
            "host_video": user.settings.get("host_video", False),
            "participants_video": user.settings.get("participant_video", False),
            "join_before_host": user.settings.get("join_before_host", False) and not waiting_room,
            "require_password_for_scheduling_new_meetings": required,
            "require_password_for_scheduled_meetings": required,
            "require_password_for_instant_meetings": required,
            "require_password_for_pmi_meetings": "all" if required else "none",
            "meeting_password_requirement": password_requirement(account),
            "embed_password_in_join_link": True,
            "use_pmi_for_scheduled_meetings": False,
            "use_pmi_for_instant_meetings": False,
            "audio_type": "voip",
        },
        "in_meeting": {"waiting_room": waiting_room, "chat": True, "co_host": False},
        "feature": {
            "meeting_capacity": 100 if account.plan == "basic" else 300,
            "large_meeting": False,
            "webinar": licensed,
            "webinar_capacity": 500 if licensed else 0,
            "cn_meeting": False,
            "in_meeting": False,
        },
    }


@operation(label="light", operation_id="user")
async def get_user(request: Request, caller: Caller) -> Response:
    user = resolve_user(caller, request.path_params["userId"])
    return JSONResponse(user_view(caller.sandbox, user, caller.sandbox.base_url(request)))


@operation(label="light", operation_id="userUpdate")
async def update_user(request: Request, caller: Caller) -> Response:
    user = resolve_user(caller, request.path_params["userId"])
    body = await json_body(request, "userUpdate")
    for name in PROFILE_FIELDS:
        if name in body:
            setattr(user, name, body[name])
    caller.sandbox.changed()
    return no_content()


@operation(label="light", operation_id="userDelete")
async def delete_user(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    user = resolve_user(caller, request.path_params["userId"])
    if not caller.user.account_admin or user.id == caller.user.id:
        raise ZoomError(400, 200, "No permission.")
    state = sandbox.state
    for meeting_id in [m.id for m in state.meetings.values() if m.host_id == user.id]:
        del state.meetings[meeting_id]
    for webinar_id in [w.id for w in state.webinars.values() if w.host_id == user.id]:
        del state.webinars[webinar_id]
    tokens_drop(sandbox, user_id=user.id)
    del state.users[user.id]
    sandbox.changed()
    return no_content()


@operation(label="medium", operation_id="userSettings")
async def get_settings(request: Request, caller: Caller) -> Response:
    user = resolve_user(caller, request.path_params["userId"])
    option = request.query_params.get("option")
    return JSONResponse(settings_view(caller.sandbox, user, option))


@operation(label="medium", operation_id="userSettingsUpdate")
async def update_settings(request: Request, caller: Caller) -> Response:
    sandbox = caller.sandbox
    user = resolve_user(caller, request.path_params["userId"])
    body = await json_body(request, "userSettingsUpdate")
    schedule = body.get("schedule_meeting") or {}
    security = body.get("meeting_security") or {}
    for name in ("host_video", "join_before_host"):
        if name in schedule:
            user.settings[name] = schedule[name]
    if "participants_video" in schedule:
        user.settings["participant_video"] = schedule["participants_video"]
    for section in (body.get("in_meeting") or {}, security):
        if "waiting_room" in section:
            user.settings["waiting_room"] = section["waiting_room"]
    account = sandbox.state.accounts[user.account_id]
    requirement = security.get("meeting_password_requirement") or schedule.get(
        "meeting_password_requirement"
    )
    required = schedule.get("require_password_for_scheduling_new_meetings")
    if requirement is not None or required is not None:
        # Passcode rules are the account's: only its admin may change them.
        if not user.account_admin:
            raise ZoomError(400, 200, "No permission.")
        rules = account.passcode_rules
        for name, value in (requirement or {}).items():
            if hasattr(rules, name) and name != "required":
                setattr(rules, name, value)
        if required is not None:
            rules.required = required
    sandbox.changed()
    return no_content()
