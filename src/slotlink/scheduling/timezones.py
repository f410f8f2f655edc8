"""The time zones people can pick: current IANA names, not the legacy aliases."""

import zoneinfo
from functools import lru_cache

LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(LEGACY_PREFIXES)
    }
    return tuple(sorted(names | {"UTC"}))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def is_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()
