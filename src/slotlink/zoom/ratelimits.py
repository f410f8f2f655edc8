"""Reading Zoom's rate-limit answers, in every shape Zoom has been seen to give.

Zoom's sources disagree (REFERENCE §5): a per-second 429 may carry `Retry-After` in
seconds, `X-RateLimit-Reset` (a Unix time) or nothing; a daily one may carry
`Retry-After` as an ISO date-time, `X-RateLimit-Type: Daily-limit`, only
`X-RateLimit-Limit`/`Remaining`, or nothing but the message ("... You may resume these
requests at GMT 00:00:00."). So every header is read if present, and the message decides
what is left: a daily limit ends at the next 00:00 UTC.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

PER_SECOND_PAUSE = timedelta(seconds=1)


def next_utc_midnight(now: datetime) -> datetime:
    tomorrow = (now.astimezone(UTC) + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC)


def is_daily(response: httpx.Response, message: str) -> bool:
    kind = response.headers.get("x-ratelimit-type", "").lower()
    text = message.lower()
    return kind.startswith("daily") or "daily" in text or "gmt 00:00:00" in text


def retry_at(response: httpx.Response, message: str, *, now: datetime) -> datetime:
    """When Zoom will take the request again, from whatever the answer says."""
    if (after := _retry_after(response.headers.get("retry-after", ""), now)) is not None:
        return after
    reset = response.headers.get("x-ratelimit-reset", "").strip()
    if reset.isdigit():
        return max(now, datetime.fromtimestamp(int(reset), tz=UTC))
    if is_daily(response, message):
        return next_utc_midnight(now)
    return now + PER_SECOND_PAUSE


def _retry_after(value: str, now: datetime) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(now, moment)
