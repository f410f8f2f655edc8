"""Zoom's times, as aware datetimes: `2026-05-04T09:00:00Z`, with an offset, or naive UTC."""

from datetime import UTC, datetime


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
