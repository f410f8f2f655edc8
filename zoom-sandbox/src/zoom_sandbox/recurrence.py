"""Occurrences of recurring meetings and webinars (types 8 and 9).

Zoom's recurrence: daily (type 1) every `repeat_interval` days, weekly (2) on
`weekly_days` ("1" = Sunday … "7" = Saturday), monthly (3) on `monthly_day` or on
`monthly_week` + `monthly_week_day`; ending after `end_times` occurrences (default 7 here,
at most 60) or at `end_date_time`.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any

from zoom_sandbox import times

MAX_OCCURRENCES = 60


def occurrences(start: datetime, duration: int, recurrence: dict[str, Any]) -> list[dict[str, Any]]:
    end_times = min(int(recurrence.get("end_times") or 7), MAX_OCCURRENCES)
    end_raw = recurrence.get("end_date_time")
    end = times.parse_start_time(end_raw, "UTC") if end_raw else None
    starts: list[datetime] = []
    for moment in _candidates(start, recurrence):
        if end is not None and moment > end:
            break
        if end is None and len(starts) >= end_times:
            break
        if len(starts) >= MAX_OCCURRENCES:
            break
        starts.append(moment)
    return [
        {
            "occurrence_id": str(int(moment.timestamp() * 1000)),
            "start_time": times.iso(moment),
            "duration": duration,
            "status": "available",
        }
        for moment in starts
    ]


def _candidates(start: datetime, recurrence: dict[str, Any]) -> Any:
    interval = max(1, int(recurrence.get("repeat_interval") or 1))
    kind = recurrence.get("type")
    if kind == 1:
        for step in range(MAX_OCCURRENCES * interval):
            yield start + timedelta(days=step * interval)
    elif kind == 2:
        days = {int(d) for d in str(recurrence.get("weekly_days") or "").split(",") if d.strip()}
        # Zoom numbers days from Sunday = 1; Python from Monday = 0.
        wanted = {(d - 2) % 7 for d in days} or {start.weekday()}
        week_start = start - timedelta(days=start.weekday())
        for week in range(0, MAX_OCCURRENCES * interval, interval):
            for offset in range(7):
                moment = week_start + timedelta(weeks=week, days=offset)
                if moment >= start and moment.weekday() in wanted:
                    yield moment
    else:
        for step in range(0, MAX_OCCURRENCES * interval, interval):
            year = start.year + (start.month - 1 + step) // 12
            month = (start.month - 1 + step) % 12 + 1
            monthly = _monthly(start, year, month, recurrence)
            if monthly is not None and monthly >= start:
                yield monthly


def _monthly(start: datetime, year: int, month: int, rule: dict[str, Any]) -> datetime | None:
    last_day = calendar.monthrange(year, month)[1]
    if rule.get("monthly_day"):
        day = int(rule["monthly_day"])
        return start.replace(year=year, month=month, day=day) if day <= last_day else None
    week, weekday = rule.get("monthly_week"), rule.get("monthly_week_day")
    if week is None or weekday is None:
        return start.replace(year=year, month=month, day=min(start.day, last_day))
    target = (int(weekday) - 2) % 7
    days = [d for d in range(1, last_day + 1) if calendar.weekday(year, month, d) == target]
    day = days[-1] if int(week) == -1 else days[int(week) - 1]
    return start.replace(year=year, month=month, day=day)
