"""Webinars and their registrants: Zoom's defaults and the writes shared by every caller.

A webinar needs a licence (a Pro or Business account and the user's webinar add-on);
registration needs `approval_type` 0 (automatic) or 1 (manual); each registrant gets a
join link of their own.
"""

from __future__ import annotations

from typing import Any

from zoom_sandbox import ids, times
from zoom_sandbox.errors import ZoomError, webinar_plan_missing
from zoom_sandbox.lifecycle import scheduled_create
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.scheduling import common_view
from zoom_sandbox.state import Account, Registrant, User, Webinar

REGISTRANT_FIELDS = (
    "address", "city", "state", "zip", "country", "phone", "comments", "custom_questions",
    "industry", "job_title", "no_of_employees", "org", "purchasing_time_frame",
    "role_in_purchase_process", "language",
)  # fmt: skip


def require_webinar_licence(sandbox: Sandbox, user: User) -> None:
    if not user.webinar or sandbox.state.accounts[user.account_id].plan == "basic":
        raise webinar_plan_missing()


def webinar_defaults(user: User, account: Account) -> dict[str, Any]:
    return {
        "host_video": user.settings.get("host_video", False),
        "panelists_video": False,
        "practice_session": False,
        "hd_video": False,
        "hd_video_for_attendees": False,
        "send_1080p_video_to_attendees": False,
        "approval_type": 2,
        "registration_type": 1,
        "audio": "both",
        "auto_recording": "none",
        "enforce_login": False,
        "enforce_login_domains": "",
        "alternative_hosts": "",
        "alternative_host_update_polls": False,
        "close_registration": False,
        "show_share_button": False,
        "allow_multiple_devices": False,
        "on_demand": False,
        "global_dial_in_countries": [],
        "contact_name": user.display_name,
        "contact_email": user.email,
        "registrants_restrict_number": 0,
        "registrants_confirmation_email": True,
        "registrants_email_notification": True,
        "notify_registrants": True,
        "post_webinar_survey": False,
        "meeting_authentication": False,
        "panelists_invitation_email_notification": True,
        "panelist_authentication": False,
        "add_watermark": False,
        "add_audio_watermark": False,
        "email_language": "en-US",
    }


def webinar_create(
    sandbox: Sandbox,
    *,
    host: User,
    body: dict[str, Any],
    join_base: str,
    operator: User,
    notify: bool,
) -> Webinar:
    defaults = webinar_defaults(host, sandbox.state.accounts[host.account_id])
    return scheduled_create(
        sandbox,
        Webinar,
        host=host,
        body=body,
        join_base=join_base,
        defaults=defaults,
        operator=operator,
        notify=notify,
    )


def registration_open(webinar: Webinar) -> bool:
    return webinar.settings.get("approval_type") in (0, 1)


def webinar_view(sandbox: Sandbox, webinar: Webinar) -> dict[str, Any]:
    view = common_view(webinar, sandbox.state.users[webinar.host_id], now=sandbox.clock.now())
    for phone_only in ("h323_password", "pstn_password"):
        view.pop(phone_only)
    view["is_simulive"] = False
    view["registrants_confirmation_email"] = webinar.settings["registrants_confirmation_email"]
    if registration_open(webinar):
        view["registration_url"] = f"{webinar.join_base}/webinar/register/WN_{webinar.id}"
    return view


def registrant_join_url(webinar: Webinar, registrant: Registrant) -> str:
    url = f"{webinar.join_base}/w/{webinar.id}?tk={registrant.token}"
    return f"{url}&pwd={webinar.encrypted_password}" if webinar.encrypted_password else url


def registrant_add(sandbox: Sandbox, webinar: Webinar, body: dict[str, Any]) -> Registrant:
    if not registration_open(webinar):
        raise ZoomError(
            400, 3000, f"This webinar does not have registration as required: {webinar.id}."
        )
    email = body["email"].strip()
    if email.lower() == sandbox.state.users[webinar.host_id].email.lower():
        raise ZoomError(400, 3027, "Host cannot register.")
    existing = next(
        (r for r in webinar.registrants.values() if r.email.lower() == email.lower()), None
    )
    if existing is not None:
        if existing.status == "denied":
            raise ZoomError(
                400, 3000, "This registrant has been denied or cancelled and cannot register again."
            )
        # Registering the same email again gives back the same registration.
        return existing
    registrant = Registrant(
        id=ids.zoom_id(),
        email=email,
        first_name=body["first_name"],
        last_name=body.get("last_name", ""),
        status="approved" if webinar.settings.get("approval_type") == 0 else "pending",
        create_time=times.iso(times.now()),
        token=ids.opaque(43),
        details={k: body[k] for k in REGISTRANT_FIELDS if k in body},
    )
    webinar.registrants[registrant.id] = registrant
    sandbox.changed()
    return registrant


def registrants_set_status(
    sandbox: Sandbox, webinar: Webinar, action: str, wanted: list[dict[str, str]]
) -> list[Registrant]:
    """approve, deny or cancel; a cancelled registrant is left denied, as Zoom does."""
    new_status = {"approve": "approved", "deny": "denied", "cancel": "denied"}[action]
    changed = []
    for ref in wanted:
        for registrant in webinar.registrants.values():
            if registrant.id == ref.get("id") or (
                ref.get("email") and registrant.email.lower() == ref["email"].lower()
            ):
                registrant.status = new_status
                changed.append(registrant)
    sandbox.changed()
    return changed


def registered_count(webinar: Webinar) -> str:
    """The registrants a webinar's pages count, as Zoom's do: approved ones, and those
    waiting for approval said apart. A cancelled registration is left `denied` (Zoom keeps
    it, so the same email cannot register again) and counts for nothing."""
    statuses = [r.status for r in webinar.registrants.values()]
    pending = statuses.count("pending")
    approved = str(statuses.count("approved"))
    return f"{approved} (+{pending} pending)" if pending else approved


def registrant_view(webinar: Webinar, registrant: Registrant) -> dict[str, Any]:
    return {
        "id": registrant.id,
        "email": registrant.email,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "status": registrant.status,
        "create_time": registrant.create_time,
        "join_url": registrant_join_url(webinar, registrant),
        "custom_questions": [],
        **registrant.details,
    }
