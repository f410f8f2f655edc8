"""Times as a person reads them: on their clock (12-hour or 24-hour) in their zone, with the
zone written one way. Every page, email and picker formats times here, so one viewer never
reads "18:00" in one place and "6:00 PM" in another.

A viewer's clock is their own choice when they made one (a host's profile), else what their
locale says (the browser's Accept-Language, or the one recorded when an invitee booked),
else `DEFAULT_CLOCK`: the 24-hour clock, read the same way everywhere, when nothing says
which clock a person reads.
"""

import zoneinfo
from datetime import datetime, tzinfo
from enum import StrEnum

from django.http import HttpRequest
from django.utils import dateformat

from slotlink.core.zones import is_lived_in_zone


class Clock(StrEnum):
    TWELVE_HOUR = "12"
    TWENTY_FOUR_HOUR = "24"


DEFAULT_CLOCK = Clock.TWENTY_FOUR_HOUR
# A person's choice on their profile; "" follows their language.
TIME_FORMAT_CHOICES = [
    ("", "Automatic"),
    (Clock.TWELVE_HOUR.value, "12-hour (2:30 PM)"),
    (Clock.TWENTY_FOUR_HOUR.value, "24-hour (14:30)"),
]

# Where the locale's own time format (CLDR's short time pattern) is on a 12-hour dial;
# every other locale reads a 24-hour clock. Languages whose every region reads 12-hour:
_TWELVE_HOUR_LANGUAGES = frozenset(
    {"ar", "bn", "el", "fil", "gu", "hi", "kn", "ko", "ml", "mr", "ms", "pa", "sq", "ta", "te"}
    | {"ur", "tl", "ne", "or", "as"}
)
# Languages read on a 12-hour dial in some regions only (English everywhere but most of
# Europe and Africa; Spanish in the US; Chinese in Taiwan and Hong Kong).
_TWELVE_HOUR_REGIONS = {
    "en": frozenset(
        {"", "us", "ca", "au", "nz", "in", "ph", "pk", "sg", "hk", "my", "bd", "eg", "sa"}
        | {"ae", "jm", "tt", "bs", "bz", "gu", "pr", "vi", "as", "mp", "um", "001"}
    ),
    "es": frozenset({"us", "pr", "co", "ve", "hn", "sv", "ni", "pa", "do"}),
    "zh": frozenset({"tw", "hk", "mo", "hant"}),
}
_LANGUAGE_LIMIT = 35  # the longest tag a browser sends for one language, with room


def clock_for_language(tag: str) -> Clock | None:
    """The clock of one language tag ("en-US", "de", "zh-Hant-TW"), or None for none."""
    parts = [part for part in tag.strip().lower().replace("_", "-").split("-") if part]
    if not parts or parts[0] == "*" or not parts[0].isalpha() or len(tag) > _LANGUAGE_LIMIT:
        return None
    language, subtags = parts[0], parts[1:]
    if language in _TWELVE_HOUR_LANGUAGES:
        return Clock.TWELVE_HOUR
    regions = _TWELVE_HOUR_REGIONS.get(language)
    if regions is None:
        return Clock.TWENTY_FOUR_HOUR
    if language == "en" and not subtags:
        return Clock.TWELVE_HOUR  # plain "en" is American English, as in CLDR
    return Clock.TWELVE_HOUR if regions & set(subtags) else Clock.TWENTY_FOUR_HOUR


def clock_for_accept_language(header: str) -> Clock | None:
    """The clock of the language a browser likes best (the highest q), or None when the
    header names none."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header[:1000].split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        clock = clock_for_language(tag)
        if clock is not None:
            return clock
    return None


def viewer_clock(*, choice: str = "", locale_clock: str = "") -> Clock:
    """The clock a person reads: their own choice, else their locale's, else the default."""
    for value in (choice, locale_clock):
        if value in Clock._value2member_map_:
            return Clock(value)
    return DEFAULT_CLOCK


def language_clock(request: HttpRequest) -> str:
    """The clock ("12", "24") the browser's language reads, or "" when it names none."""
    return clock_for_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or ""


def request_clock(request: HttpRequest, *, known_clock: str = "") -> Clock:
    """The clock of whoever views this page: a signed-in person's profile choice, else
    their browser's language, else `known_clock` (an invitee's, kept with their booking),
    else the default."""
    user = getattr(request, "user", None)
    choice = getattr(user, "time_format", "") if user is not None and user.is_authenticated else ""
    return viewer_clock(choice=choice, locale_clock=language_clock(request) or known_clock)


def zone_for(name: str) -> tuple[tzinfo, str]:
    """The zone and the name to show for it; an unknown name falls back to UTC, said so."""
    if name == "UTC" or is_lived_in_zone(name):
        try:
            return zoneinfo.ZoneInfo(name), name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return zoneinfo.ZoneInfo("UTC"), "UTC"


def zone_label(name: str) -> str:
    """How a zone is written wherever a time names it: its IANA name ("Europe/Berlin")."""
    return zone_for(name)[1]


def require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, not {value!r}.")
    return value


def clock_time(local: datetime, clock: Clock | str, *, seconds: bool = False) -> str:
    """'14:05' or '2:05 PM' ('14:05:09', '2:05:09 PM' with seconds), of a time already in
    the reader's zone. strftime, as Django's date filter costs ten times more (a picker
    shows many)."""
    minutes = "%M:%S" if seconds else "%M"
    if clock == Clock.TWELVE_HOUR:
        return local.strftime(f"%I:{minutes} %p").removeprefix("0")
    return local.strftime(f"%H:{minutes}")


def day_and_time(
    local: datetime, clock: Clock | str, *, day_format: str = "D j M Y", seconds: bool = False
) -> str:
    """'Tue 3 Dec 2024, 18:05': the day as `day_format` (Django's date format), then the
    time on the reader's clock."""
    return f"{dateformat.format(local, day_format)}, {clock_time(local, clock, seconds=seconds)}"


def _local(moment: datetime, time_zone: str) -> tuple[datetime, str]:
    zone, name = zone_for(time_zone)
    return require_aware(moment, "A time").astimezone(zone), name


def short_when(
    moment: datetime, *, time_zone: str, clock: Clock | str = DEFAULT_CLOCK, year: bool = False
) -> str:
    """For subjects and lists, e.g. "Tue 3 Dec, 10:00 (Europe/Berlin)" ("Tue 3 Dec 2024,
    10:00 (Europe/Berlin)" with the year)."""
    local, name = _local(moment, time_zone)
    return f"{day_and_time(local, clock, day_format='D j M Y' if year else 'D j M')} ({name})"


def long_when(
    start: datetime,
    end: datetime | None,
    *,
    time_zone: str,
    clock: Clock | str = DEFAULT_CLOCK,
    show_zone: bool = True,
) -> str:
    """For bodies, e.g. "Tuesday 3 December 2024, 10:00 - 10:30 (Europe/Berlin)".

    A meeting that ends on another local day names both days.
    """
    local_start, name = _local(start, time_zone)
    text = day_and_time(local_start, clock, day_format="l j F Y")
    if end is not None:
        local_end, _ = _local(end, time_zone)
        if local_end.date() == local_start.date():
            text += " - " + clock_time(local_end, clock)
        else:
            text += " - " + day_and_time(local_end, clock, day_format="l j F Y")
    return f"{text} ({name})" if show_zone else text
