"""The time zones people can pick: current IANA names, not the legacy aliases; on the
booking pages grouped by region, each with its offset and time now, and words to find it
by (its country, its abbreviations) for the searchable picker (scheduling/zone-picker.js)."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from slotlink.core.times import DEFAULT_CLOCK, Clock, clock_time
from slotlink.core.zones import is_lived_in_zone, lived_in_zone_names

LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def time_zone_names() -> tuple[str, ...]:
    names = {
        name
        for name in lived_in_zone_names()
        if "/" in name and not name.startswith(LEGACY_PREFIXES)
    }
    return tuple(sorted(names | {"UTC"}))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def is_time_zone(name: str) -> bool:
    """A zone people live in: legacy aliases are accepted (a browser may still say
    "Asia/Calcutta"), "Factory" and "localtime" are not."""
    return is_lived_in_zone(name)


def _zone_tables() -> tuple[str, str]:
    """zone1970.tab and iso3166.tab: the Python tzdata package's, else the system's."""
    for folder in (resources.files("tzdata") / "zoneinfo", Path("/usr/share/zoneinfo")):
        try:
            return (
                (folder / "zone1970.tab").read_text(encoding="utf-8"),
                (folder / "iso3166.tab").read_text(encoding="utf-8"),
            )
        except (OSError, ModuleNotFoundError):
            continue
    return "", ""


@cache
def zone_countries() -> dict[str, str]:
    """Zone name -> the names of the countries that use it ("Germany, Denmark, ...")."""
    zones, countries = _zone_tables()
    country_names = dict(
        line.split("\t", 1) for line in countries.splitlines() if line and line[0] != "#"
    )
    found: dict[str, list[str]] = defaultdict(list)
    for line in zones.splitlines():
        if not line or line[0] == "#":
            continue
        codes, _, name = line.split("\t")[:3]
        for code in codes.split(","):
            found[name].append(country_names.get(code, code).strip())
    return {name: ", ".join(names) for name, names in found.items()}


def offset_text(offset: timedelta) -> str:
    """'UTC+05:30', 'UTC-08:00', 'UTC+00:00'."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _abbreviations(zone: ZoneInfo, year: int) -> list[str]:
    """The zone's letter abbreviations this year (PST and PDT), not numeric ones (+0530)."""
    names = {
        datetime(year, month, 1, 12, tzinfo=UTC).astimezone(zone).tzname() or "" for month in (1, 7)
    }
    return sorted(name for name in names if name.isalpha())


def _region(name: str) -> str:
    return "UTC" if "/" not in name else name.split("/", 1)[0]


@lru_cache(maxsize=1024)
def _zone_words(name: str, year: int) -> tuple[str, str]:
    """A zone's place ('Buenos Aires') and the words to find it by, escaped: the same all
    year, so worked out once per zone (the offsets and times are per minute)."""
    place = name.split("/", 1)[-1].replace("_", " ").replace("/", " / ")
    words = [name.replace("_", " "), zone_countries().get(name, "")]
    words += _abbreviations(ZoneInfo(name), year)
    return escape(place), escape(" ".join(words).lower())


def _option(name: str, now: datetime, reading: Clock) -> str:
    local = now.astimezone(ZoneInfo(name))
    offset = offset_text(local.utcoffset() or timedelta(0))
    clock = clock_time(local, reading)
    place, words = _zone_words(name, now.year)
    numbers = f"{offset} {offset[3:]} {offset[3:].replace(':', '')}".lower()
    # Every piece is escaped here or above (zone names and offsets have nothing to escape).
    return (
        f'<option value="{escape(name)}" data-search="{words} {numbers}" data-offset="{offset}"'
        f' data-time="{clock}">{place} ({offset}, {clock})</option>'
    )


@lru_cache(maxsize=4)
def _grouped_options(minute: datetime, clock: Clock) -> str:
    by_region: dict[str, list[str]] = defaultdict(list)
    for name in time_zone_names():
        by_region[_region(name)].append(name)
    return "".join(
        f'<optgroup label="{escape(region)}">'
        + "".join(_option(name, minute, clock) for name in names)
        + "</optgroup>"
        for region, names in sorted(by_region.items())
    )


def time_zone_options(
    selected: str, now: datetime | None = None, clock: Clock = DEFAULT_CLOCK
) -> SafeString:
    """The <option>s of a time zone select, in an <optgroup> per region, each saying its
    offset and time now on the viewer's clock: 'Berlin (UTC+01:00, 4:04 PM)' or 'Berlin
    (UTC+01:00, 16:04)'. Rendered once a minute for every page and clock (and the selected
    one marked): ~400 options would otherwise be most of a booking page's rendering time."""
    moment = (now or timezone.now()).replace(second=0, microsecond=0)
    html = _grouped_options(moment, Clock(clock))
    mark = f'<option value="{escape(selected)}" '
    return mark_safe(html.replace(mark, mark + "selected ", 1))  # noqa: S308 (escaped above)
