"""How a reminder's lead reads: "1 hour", "24 hours", "2 days", "90 minutes"."""

MINUTES_IN_HOUR = 60
MINUTES_IN_DAY = 24 * 60


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def lead_words(minutes: int) -> str:
    """In the largest unit it is a whole number of, days only past 48 hours (people say
    "24 hours" and "48 hours" before)."""
    if minutes % MINUTES_IN_DAY == 0 and minutes > 2 * MINUTES_IN_DAY:
        return _plural(minutes // MINUTES_IN_DAY, "day")
    if minutes % MINUTES_IN_HOUR == 0:
        return _plural(minutes // MINUTES_IN_HOUR, "hour")
    return _plural(minutes, "minute")
