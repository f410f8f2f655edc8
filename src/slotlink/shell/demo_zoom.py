"""The demo's Zoom side: Acme's Zoom users in the sandbox, created over its control API.

`slotlink run` calls this once the sandbox answers, so a person trying the demo can sign
in to "Zoom" as Acme's people and connect it. It talks HTTP only; the product never
imports the sandbox.
"""

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("slotlink.demo")


@dataclass(frozen=True)
class DemoZoomUser:
    email: str
    first_name: str
    last_name: str
    role: str  # what this Zoom user is for in the demo


# One Zoom account for Acme (business plan, admin pre-approval off): the admin's own Zoom
# with a webinar licence, the member's own Zoom, and a shared company account.
DEMO_ZOOM_USERS = [
    DemoZoomUser("admin@acme.test", "Ada", "Admin", "Ada's own Zoom (with webinars)"),
    DemoZoomUser("member@acme.test", "Max", "Member", "Max's own Zoom"),
    DemoZoomUser("meetings@acme.test", "Acme", "Meetings", "a shared company Zoom account"),
]


def demo_zoom_users_seed(*, sandbox_url: str, password: str) -> list[DemoZoomUser]:
    """Create the demo Zoom users that don't exist yet; returns the ones now present."""
    existing = {user["email"]: user for user in _call(sandbox_url, "GET", "/_sandbox/users")}
    account_id = next(
        (existing[u.email]["account_id"] for u in DEMO_ZOOM_USERS if u.email in existing), None
    )
    for user in DEMO_ZOOM_USERS:
        if user.email in existing:
            continue
        if not password:
            log.warning("demo.zoom.user-missing email=%s (password unknown)", user.email)
            continue
        body: dict[str, object] = {
            "email": user.email,
            "password": password,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "webinar": user.email == DEMO_ZOOM_USERS[0].email,
        }
        if account_id is None:
            body |= {"plan": "business", "account_admin": True}
        else:
            body |= {"account_id": account_id, "account_admin": False}
        created = _call(sandbox_url, "POST", "/_sandbox/users", body)
        account_id = account_id or created["account_id"]
        existing[user.email] = created
    return [user for user in DEMO_ZOOM_USERS if user.email in existing]


def _call(base: str, method: str, path: str, body: object = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the local sandbox
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())
