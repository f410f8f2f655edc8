"""The time zones people can pick: current IANA names, not the legacy aliases."""

from functools import cache, lru_cache

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

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


@lru_cache(maxsize=64)
def time_zone_options(selected: str) -> SafeString:
    """The <option>s of a time zone select, rendered once per selected zone: ~400 options
    would otherwise be most of a booking page's rendering time."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == selected else "", label)
            for value, label in time_zone_choices()
        ),
    )
