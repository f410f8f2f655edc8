"""Creating, changing and deleting meetings and webinars, whoever asks.

The REST API, the human view and the control API all go through here, so a meeting
moved on the sandbox's pages follows the same rules as one moved through the API; the
callers say whether to notify the app (changes made "in Zoom" always do; the app's own,
through the API, unless `api_change_events` is off). An
update is all or nothing: Zoom's rules run on a draft, and the meeting changes only when
the whole body passed them, so a refused PATCH leaves it exactly as it was.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import fields
from typing import Any, TypeVar

from zoom_sandbox import ids, times
from zoom_sandbox.events import (
    send_created,
    send_deleted,
    send_occurrence_updated,
    send_updated,
    snapshot,
)
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.scheduling import apply_schedule, parse_future_start
from zoom_sandbox.state import Meeting, Scheduled, User, Webinar

log = logging.getLogger("zoom_sandbox")

Item = TypeVar("Item", Meeting, Webinar)

# What apply_schedule may change inside rather than replace; copied for a draft so a
# refused update cannot reach the meeting through a shared dict or list.
NESTED_SCHEDULE_FIELDS = ("settings", "recurrence", "occurrences", "tracking_fields")


def _collection(sandbox: Sandbox, kind: type[Scheduled]) -> dict[int, Any]:
    return sandbox.state.webinars if issubclass(kind, Webinar) else sandbox.state.meetings


def scheduled_create(
    sandbox: Sandbox,
    kind: type[Item],
    *,
    host: User,
    body: dict[str, Any],
    join_base: str,
    defaults: dict[str, Any],
    operator: User,
    notify: bool,
) -> Item:
    """A new meeting or webinar for `host`, from an API body over Zoom's defaults."""
    items = _collection(sandbox, kind)
    account = sandbox.state.accounts[host.account_id]
    item = kind(
        id=ids.meeting_number(items),
        uuid=ids.meeting_uuid(),
        host_id=host.id,
        topic="Zoom Webinar" if kind is Webinar else "Zoom Meeting",
        type=5 if kind is Webinar else 2,
        start_time=None,
        duration=None,
        timezone=host.timezone,
        agenda="",
        password="",
        encrypted_password="",
        h323_password="",
        pstn_password="",
        created_at=times.iso(times.now()),
        settings=defaults,
        join_base=join_base,
        start_token=ids.opaque(40),
        start_token_issued_at=sandbox.clock.now(),
    )
    apply_schedule(item, body, user=host, account=account, creating=True)
    items[item.id] = item
    sandbox.changed()
    log.debug("sandbox.%s.created id=%s host=%s", kind.__name__.lower(), item.id, host.id)
    if notify:
        send_created(sandbox, item, operator)
    return item


def scheduled_update(
    sandbox: Sandbox,
    item: Scheduled,
    body: dict[str, Any],
    *,
    operator: User,
    notify: bool,
    future_start: bool = False,
) -> None:
    host = sandbox.state.users[item.host_id]
    before = snapshot(item)
    draft = copy.copy(item)
    for name in NESTED_SCHEDULE_FIELDS:
        setattr(draft, name, copy.deepcopy(getattr(item, name)))
    apply_schedule(
        draft,
        body,
        user=host,
        account=sandbox.state.accounts[host.account_id],
        creating=False,
        future_start=future_start,
    )
    # Every rule passed: the draft becomes the meeting (the same object, which the state,
    # and callers holding it, keep).
    for field in fields(item):
        setattr(item, field.name, getattr(draft, field.name))
    sandbox.changed()
    if notify:
        send_updated(sandbox, item, before, operator)


def occurrence_update(
    sandbox: Sandbox,
    item: Scheduled,
    occurrence: dict[str, Any],
    body: dict[str, Any],
    *,
    operator: User,
    notify: bool,
    future_start: bool = False,
) -> None:
    """PATCH with `occurrence_id`: move that one occurrence; the series stays as it is.

    Zoom lets an occurrence change its start_time and duration (and agenda and some
    settings, which the sandbox does not keep per occurrence); other fields are ignored.
    """
    before = dict(occurrence)
    # The duration was checked with the body, so once the start time reads, nothing fails.
    if "start_time" in body:
        occurrence["start_time"] = parse_future_start(
            body["start_time"], item.timezone, future=future_start
        )
    if "duration" in body:
        occurrence["duration"] = body["duration"]
    sandbox.changed()
    if notify:
        send_occurrence_updated(sandbox, item, occurrence, before, operator)


def scheduled_delete(sandbox: Sandbox, item: Scheduled, *, operator: User, notify: bool) -> None:
    del _collection(sandbox, type(item))[item.id]
    sandbox.changed()
    log.debug("sandbox.%s.deleted id=%s", type(item).__name__.lower(), item.id)
    if notify:
        send_deleted(sandbox, item, operator)


def scheduled_or_occurrence_delete(
    sandbox: Sandbox,
    item: Scheduled,
    occurrence: dict[str, Any] | None,
    *,
    operator: User,
    notify: bool,
) -> None:
    """DELETE with `occurrence_id` removes that occurrence only; without it, the whole item."""
    if occurrence is not None:
        item.occurrences.remove(occurrence)
        sandbox.changed()
        if notify:
            send_deleted(sandbox, item, operator, occurrence)
        return
    scheduled_delete(sandbox, item, operator=operator, notify=notify)
