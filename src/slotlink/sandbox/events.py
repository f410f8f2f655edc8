"""Zoom's `meeting.*` / `webinar.*` event notifications for changes made "in Zoom".

When the host deletes or moves a meeting on the sandbox's own pages (or through the
control API standing in for them), the app hears of it the way it would from Zoom.
"""

from __future__ import annotations

import time
from typing import Any

from slotlink.sandbox.runtime import Sandbox
from slotlink.sandbox.state import Scheduled, User, Webinar

OBJECT_FIELDS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")


def event_object(item: Scheduled) -> dict[str, Any]:
    return {name: getattr(item, name) for name in OBJECT_FIELDS if getattr(item, name) is not None}


def send_deleted(sandbox: Sandbox, item: Scheduled, operator: User) -> None:
    kind = "webinar" if isinstance(item, Webinar) else "meeting"
    payload = {
        "account_id": operator.account_id,
        "operator": operator.email,
        "operator_id": operator.id,
        "operation": "all" if item.occurrences else "single",
        "object": event_object(item),
    }
    sandbox.webhooks.send(f"{kind}.deleted", payload, url=sandbox.app.webhook_url)


def send_updated(sandbox: Sandbox, item: Scheduled, before: dict[str, Any], operator: User) -> None:
    kind = "webinar" if isinstance(item, Webinar) else "meeting"
    after = event_object(item)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    payload = {
        "account_id": operator.account_id,
        "operator": operator.email,
        "operator_id": operator.id,
        "operation": "all" if item.occurrences else "single",
        "time_stamp": int(time.time() * 1000),
        "object": {"id": item.id, "uuid": item.uuid, **changed},
        "old_object": {
            "id": item.id,
            "uuid": item.uuid,
            **{k: before[k] for k in changed if k in before},
        },
    }
    sandbox.webhooks.send(f"{kind}.updated", payload, url=sandbox.app.webhook_url)
