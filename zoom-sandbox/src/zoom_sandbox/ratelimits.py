"""Zoom's rate limits: per account and label per second (and per day on the free plan),
and the per-host cap on meeting and webinar creates and updates.

Numbers are Zoom's published ones (REFERENCE §5); every one can be changed at run time
through `PUT /_sandbox/limits`. A refused request gets Zoom's 429 body and headers.

Headers: every answer, errors included, carries `X-RateLimit-Category` (the label),
`X-RateLimit-Type`, `X-RateLimit-Limit` and `X-RateLimit-Remaining`, as Zoom's own
rate-limit notes describe (REFERENCE §5). The type says which budget the two numbers are:
`QPS` for the per-second one, `Daily-limit` where the label has a daily cap (free plans,
Heavy) and the numbers are that cap, as on Zoom's daily 429s. UNCERTAIN: Zoom's current
pages no longer name the headers, and one user on a free plan saw daily numbers with no
type at all; the type is sent anyway so a client never has to guess. Creates and
updates under the per-host cap are the exception, below.

A per-second 429 adds `X-RateLimit-Reset` (epoch seconds) and `Retry-After` in seconds;
a daily one `Retry-After` as a date (REFERENCE §5).

Zoom's answers about the per-host cap differ by source (REFERENCE §5), so the limit
`host_cap_headers` picks one; the product must survive each:
- `none` (the default, and the hardest for a client): the 429 carries Zoom's message
  and no rate-limit header at all, so the client must read the message and wait for
  the next 00:00 UTC. Zoom staff quote only that body (devforum 18928).
- `limit_remaining`: every create and update that happens, and the 429, carry
  `X-RateLimit-Limit` (the cap) and `X-RateLimit-Remaining` (what is left of it today)
  beside the label's category, with no type and no `Retry-After`, as a user saw
  (devforum 59670: "x-ratelimit-remaining ... of the Create/Update meeting is decreased
  from 100").
- `daily_limit`: the 429 carries the former documented example's headers:
  `X-RateLimit-Type: Daily-limit`, the cap, 0 remaining and `Retry-After` as the next
  00:00 UTC in ISO 8601 (quoted in devforum 18928).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from zoom_sandbox import times
from zoom_sandbox.errors import ZoomError

LABELS = ("light", "medium", "heavy")
HOST_CAP_HEADERS = ("none", "limit_remaining", "daily_limit")


def _per_second() -> dict[str, dict[str, int]]:
    return {
        "basic": {"light": 4, "medium": 2, "heavy": 1},
        "pro": {"light": 30, "medium": 20, "heavy": 10},
        "business": {"light": 80, "medium": 60, "heavy": 40},
    }


def _per_day() -> dict[str, dict[str, int]]:
    # Free accounts have daily caps per label; paid ones only on Heavy (shared with
    # Resource-intensive, which the sandbox does not serve).
    return {
        "basic": {"light": 6000, "medium": 2000, "heavy": 1000},
        "pro": {"heavy": 30000},
        "business": {"heavy": 60000},
    }


@dataclass
class Limits:
    enabled: bool = True
    per_second: dict[str, dict[str, int]] = field(default_factory=_per_second)
    per_day: dict[str, dict[str, int]] = field(default_factory=_per_day)
    host_create_update_per_day: int = 100
    host_cap_headers: str = "none"
    registrant_adds_per_day: int = 3
    registrant_status_per_day: int = 10

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def merged(self, changes: dict[str, Any]) -> Limits:
        """A copy with `changes` applied; nested plan tables merge key by key."""
        data = copy.deepcopy(self.as_dict())
        for key, value in changes.items():
            if key not in data:
                raise ValueError(f"Unknown limit {key!r}.")
            if isinstance(data[key], dict) and isinstance(value, dict):
                for plan, labels in value.items():
                    data[key].setdefault(plan, {}).update(labels)
            else:
                data[key] = value
        return Limits(**data)


class RateLimiter:
    def __init__(self) -> None:
        self.limits = Limits()
        self._second: dict[tuple[str, str], list[int]] = {}
        self._daily: dict[tuple[str, ...], int] = {}

    def reset(self) -> None:
        self.limits = Limits()
        self._second.clear()
        self._daily.clear()

    def charge_label(self, account_id: str, plan: str, label: str) -> dict[str, str]:
        """Count one request; return the headers Zoom puts on it, or raise its 429."""
        return self._label(account_id, plan, label, count=True)

    def peek_label(self, account_id: str, plan: str, label: str) -> dict[str, str]:
        """The headers for an answer that is not counted (one refused for its scopes)."""
        return self._label(account_id, plan, label, count=False)

    def _label(self, account_id: str, plan: str, label: str, *, count: bool) -> dict[str, str]:
        limits = self.limits
        category = label.capitalize()
        per_second = limits.per_second.get(plan, {}).get(label)
        now = time.time()
        second = int(now)
        window = self._second.setdefault((account_id, label), [second, 0])
        if window[0] != second:
            window[0], window[1] = second, 0
        if count:
            window[1] += 1
        if count and limits.enabled and per_second is not None and window[1] > per_second:
            raise ZoomError(
                429,
                429,
                "You have reached the maximum per-second rate limit for this API. Try again later.",
                headers={
                    "X-RateLimit-Category": category,
                    "X-RateLimit-Type": "QPS",
                    "X-RateLimit-Limit": str(per_second),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(second + 1),
                    # Seconds, unlike the daily 429's date: the budget is back next second.
                    "Retry-After": "1",
                },
            )
        per_day = limits.per_day.get(plan, {}).get(label)
        if per_day is None:
            return {
                "X-RateLimit-Category": category,
                "X-RateLimit-Type": "QPS",
                "X-RateLimit-Limit": str(per_second or 0),
                "X-RateLimit-Remaining": str(max(0, (per_second or 0) - window[1])),
            }
        day_key = ("label", account_id, label, times.utc_day(now))
        used = self._count(day_key) if count else self._daily.get(day_key, 0)
        if count and limits.enabled and used > per_day:
            raise ZoomError(
                429,
                429,
                "You have reached the maximum daily rate limit for this API. Refer to the "
                "response header for details on when you can make another request.",
                headers=_daily_headers(category, per_day),
            )
        return {
            "X-RateLimit-Category": category,
            "X-RateLimit-Type": "Daily-limit",
            "X-RateLimit-Limit": str(per_day),
            "X-RateLimit-Remaining": str(max(0, per_day - used)),
        }

    @contextmanager
    def host_create_update(self, host_id: str, headers: dict[str, str]) -> Iterator[None]:
        """The per-host daily cap on meeting and webinar creates and updates, around the
        change: 429 once the day's cap is used up; the change counts only if it happens.

        `headers` are the answer's rate-limit headers (the label's); they are rewritten in
        place to show the cap the way `host_cap_headers` says Zoom does (module docstring).

        UNCERTAIN: Zoom says "100 requests per day" without saying whether refused ones
        count. Here they do not, so a client's rejected attempts cannot use up its cap.
        """
        limits = self.limits
        cap, shape = limits.host_create_update_per_day, limits.host_cap_headers
        key = ("host", host_id, times.utc_day())
        if limits.enabled and self._daily.get(key, 0) >= cap:
            _show_host_cap(headers, shape, cap, remaining=0, refused=True)
            raise ZoomError(
                429,
                429,
                f"You have exceeded the daily rate limit ({cap}) of Meeting Create/Update "
                "API requests permitted for this particular user. You may resume these "
                "requests at GMT 00:00:00.",
            )
        yield
        used = self._count(key)
        _show_host_cap(headers, shape, cap, remaining=max(0, cap - used), refused=False)

    def charge_registrant(self, action: str, webinar_id: int, email: str) -> None:
        if action == "add":
            cap, api = self.limits.registrant_adds_per_day, "Add a webinar registrant"
        else:
            cap, api = self.limits.registrant_status_per_day, "Update registrant's status"
        used = self._count(("registrant", action, str(webinar_id), email.lower(), times.utc_day()))
        if self.limits.enabled and used > cap:
            raise ZoomError(
                429,
                429,
                f'You have exceeded the daily rate limit of "{cap}" for {api} API requests '
                f'for the registrant "{email}". You can resume these API requests at GMT '
                "00:00:00.",
                headers=_daily_headers("Light", cap),
            )

    def _count(self, key: tuple[str, ...]) -> int:
        self._daily[key] = self._daily.get(key, 0) + 1
        return self._daily[key]


def _daily_headers(category: str, limit: int) -> dict[str, str]:
    return {
        "X-RateLimit-Category": category,
        "X-RateLimit-Type": "Daily-limit",
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "Retry-After": times.iso(times.next_utc_midnight()),
    }


def _show_host_cap(
    headers: dict[str, str], shape: str, cap: int, *, remaining: int, refused: bool
) -> None:
    """Rewrite an answer's rate-limit `headers` to show the per-host cap in `shape`."""
    category = headers.get("X-RateLimit-Category", "")
    if shape == "limit_remaining":
        headers.clear()
        headers.update(
            {
                "X-RateLimit-Category": category,
                "X-RateLimit-Limit": str(cap),
                "X-RateLimit-Remaining": str(remaining),
            }
        )
    elif refused and shape == "daily_limit":
        headers.update(_daily_headers(category, cap))
    elif refused:
        headers.clear()
