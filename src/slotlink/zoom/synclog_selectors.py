"""Reading the sync log: one page of an organization's entries, newest first.

Pages go by id (`before`), not by offset and count: each filter has an index on
(organization, filter, -id), so the first page and any later one read about a page of rows
however many million there are.
"""

from dataclasses import dataclass

from slotlink.zoom.models import SyncLogEntry

PAGE_SIZE = 50
KNOWN_ACTIONS = [
    "token.exchange",
    "token.refresh",
    "token.revoke",
    "user.get",
    "webhook.app_deauthorized",
    "meeting.create",
    "meeting.update",
    "meeting.delete",
    "meeting.get",
    "meeting.list",
    "user.settings",
    "webinar.create",
    "webinar.update",
    "webinar.delete",
    "webinar.list",
    "webinar.participants",
    "registrant.add",
    "registrant.list",
    "registrant.cancel",
]


@dataclass(frozen=True)
class SyncLogPage:
    entries: list[SyncLogEntry]
    next_before: int | None  # the `before` of the next (older) page, if there is one


def sync_log_page(
    *,
    organization_id: int,
    zoom_user_id: str = "",
    action: str = "",
    outcome: str = "",
    booking_id: int | None = None,
    before: int | None = None,
    page_size: int = PAGE_SIZE,
) -> SyncLogPage:
    entries = SyncLogEntry.objects.filter(organization_id=organization_id)
    if zoom_user_id:
        entries = entries.filter(zoom_user_id=zoom_user_id)
    if action:
        entries = entries.filter(action=action)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if booking_id is not None:
        entries = entries.filter(booking_id=booking_id)
    if before is not None:
        entries = entries.filter(id__lt=before)
    rows = list(entries.order_by("-id")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return SyncLogPage(entries=rows, next_before=rows[-1].id if more and rows else None)
