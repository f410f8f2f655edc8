"""Time in the forms Zoom uses: `2026-05-04T09:00:00Z` on the wire, epoch seconds inside."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def now() -> float:
    return time.time()


class Clock:
    """The sandbox's clock for what expires at Zoom (authorization codes, access and
    refresh tokens, start links): the real time, moved on by as much as tests asked through
    the control API (`POST /_sandbox/clock`), so that an hour's token expires without
    waiting an hour.
    Everything else (webhook timestamps, rate limits, meeting times) keeps the real time."""

    def __init__(self) -> None:
        self.advanced = 0.0

    def now(self) -> float:
        return time.time() + self.advanced

    def advance(self, seconds: float) -> None:
        self.advanced += seconds


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | float) -> str:
    if isinstance(moment, int | float):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(moment: float) -> str:
    """Millisecond precision, for the request log where order within a second matters."""
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def next_utc_midnight(moment: datetime | None = None) -> datetime:
    moment = moment or utc_now()
    return (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def utc_day(moment: float | None = None) -> str:
    return datetime.fromtimestamp(moment if moment is not None else now(), UTC).strftime("%Y-%m-%d")


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_start_time(text: str, timezone: str | None) -> datetime | None:
    """Read a start time the way Zoom does.

    `2026-05-04T09:00:00Z` (or with an offset) is absolute; `2026-05-04T09:00:00` is local
    time in `timezone`, or UTC when no usable timezone is given. None when unreadable.
    """
    raw = text.strip()
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(timezone) or UTC)
    return parsed.astimezone(UTC)
