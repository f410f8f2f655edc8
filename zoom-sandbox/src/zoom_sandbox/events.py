"""Zoom's `meeting.*` / `webinar.*` event notifications: created, updated, deleted.

Zoom notifies the app of every change, whoever made it: the host on Zoom's pages, or the
app itself through the API (the app's `api_change_events`, on by default, can turn the
latter off). Payloads follow Zoom's Meetings events reference
(https://developers.zoom.us/docs/api/meetings/events/): created and deleted events say
`operation`, updated events `scope` (or `operation`, as older published payloads name it,
with the app's `updated_scope_field`): "all" for a whole recurring series, "single" for one
occurrence (listed in `object.occurrences`) or a meeting that does not recur. Events go out
only while the app's event subscription is enabled (subscription.py).
"""

from __future__ import annotations

import time
from typing import Any

from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.scheduling import join_url
from zoom_sandbox.state import Scheduled, User, Webinar

OBJECT_FIELDS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")
# Beyond OBJECT_FIELDS, what an update may change and meeting.updated reports.
UPDATABLE_FIELDS = ("agenda", "password", "join_url", "recurrence")
# The settings Zoom's created events carry, per kind.
CREATED_SETTINGS = {
    "meeting": ("use_pmi", "alternative_hosts", "join_before_host", "jbh_time"),
    "webinar": ("use_pmi", "alternative_hosts"),
}
OCCURRENCE_FIELDS = ("occurrence_id", "start_time", "duration", "status")


def event_object(item: Scheduled) -> dict[str, Any]:
    return {name: getattr(item, name) for name in OBJECT_FIELDS if getattr(item, name) is not None}


def snapshot(item: Scheduled) -> dict[str, Any]:
    """What an update can change, before it does: compared afterwards by `send_updated`."""
    return {
        **event_object(item),
        "agenda": item.agenda,
        "password": item.password,
        "join_url": join_url(item),
        "recurrence": item.recurrence,
        "settings": dict(item.settings),
    }


def _kind(item: Scheduled) -> str:
    return "webinar" if isinstance(item, Webinar) else "meeting"


def _whole(item: Scheduled) -> str:
    return "all" if item.occurrences else "single"


def _by(operator: User) -> dict[str, Any]:
    return {
        "account_id": operator.account_id,
        "operator": operator.email,
        "operator_id": operator.id,
    }


def _send(sandbox: Sandbox, event: str, payload: dict[str, Any]) -> None:
    sandbox.webhooks.send(
        event, payload, url=sandbox.app.webhook_url, refused=sandbox.subscription.refusal
    )


def send_created(sandbox: Sandbox, item: Scheduled, operator: User) -> None:
    kind = _kind(item)
    settings = {"use_pmi": False, "alternative_hosts": ""}
    settings |= {k: item.settings[k] for k in CREATED_SETTINGS[kind] if k in item.settings}
    created: dict[str, Any] = {**event_object(item), "join_url": join_url(item)}
    if item.password:
        created["password"] = item.password
    if item.occurrences:
        created["occurrences"] = [dict(o) for o in item.occurrences]
    if item.recurrence:
        created["recurrence"] = item.recurrence
    if kind == "meeting" and item.tracking_fields:
        created["tracking_fields"] = item.tracking_fields
    if kind == "webinar":
        # The only way the sandbox creates a webinar is the API.
        created["creation_source"] = "open_api"
    created["settings"] = settings
    payload = {**_by(operator), "operation": _whole(item), "object": created}
    _send(sandbox, f"{kind}.created", payload)


def send_deleted(
    sandbox: Sandbox, item: Scheduled, operator: User, occurrence: dict[str, Any] | None = None
) -> None:
    """The whole meeting deleted; or, given `occurrence`, that one occurrence of it."""
    deleted = event_object(item)
    if occurrence is not None:
        deleted["occurrences"] = [
            {
                **{k: occurrence[k] for k in OCCURRENCE_FIELDS if k in occurrence},
                "status": "deleted",
            }
        ]
    operation = "single" if occurrence is not None else _whole(item)
    payload = {**_by(operator), "operation": operation, "object": deleted}
    _send(sandbox, f"{_kind(item)}.deleted", payload)


def send_updated(sandbox: Sandbox, item: Scheduled, before: dict[str, Any], operator: User) -> None:
    """The whole meeting (or series) changed from `before` (a `snapshot`) to what it is now."""
    after = snapshot(item)
    changed: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    for name, value in after.items():
        if name == "settings":
            old_settings = before.get("settings", {})
            new = {k: v for k, v in value.items() if old_settings.get(k) != v}
            if new:
                changed["settings"] = new
                previous["settings"] = {k: old_settings[k] for k in new if k in old_settings}
        elif before.get(name) != value:
            changed[name] = value
            if name in before:
                previous[name] = before[name]
    _send_update(sandbox, item, operator, _whole(item), changed, previous)


def send_occurrence_updated(
    sandbox: Sandbox,
    item: Scheduled,
    occurrence: dict[str, Any],
    before: dict[str, Any],
    operator: User,
) -> None:
    """One occurrence moved: `object.occurrences` has it as it is, `old_object` as it was."""

    def listed(state: dict[str, Any]) -> dict[str, Any]:
        entry = {"occurrence_id": state["occurrence_id"], "start_time": state["start_time"]}
        if occurrence.get("duration") != before.get("duration"):
            entry["duration"] = state.get("duration")
        return entry

    _send_update(
        sandbox,
        item,
        operator,
        "single",
        {"occurrences": [listed(occurrence)]},
        {"occurrences": [listed(before)]},
    )


def _send_update(
    sandbox: Sandbox,
    item: Scheduled,
    operator: User,
    scope: str,
    changed: dict[str, Any],
    previous: dict[str, Any],
) -> None:
    ids = {"id": item.id, "uuid": item.uuid}
    payload = {
        **_by(operator),
        sandbox.app.updated_scope_field: scope,
        "time_stamp": int(time.time() * 1000),
        "object": {**ids, **changed},
        "old_object": {**ids, **previous},
    }
    _send(sandbox, f"{_kind(item)}.updated", payload)
