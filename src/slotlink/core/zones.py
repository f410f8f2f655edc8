"""Time zones a person can live in: the IANA names, less those that name no place.

The zone database ships entries that are no one's zone: "Factory" (a placeholder whose
abbreviation reads "-00"), "localtime" (whatever the server's own zone is), "posixrules",
and the "posix/" and "right/" copies (the latter counting leap seconds, which no calendar
does). A person's or an invitee's zone is one of the rest, so times shown to them, and in
their emails and invites, are times somewhere.
"""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError

NOT_PLACES = frozenset({"Factory", "localtime", "posixrules", "Etc/Unknown"})
NOT_PLACE_PREFIXES = ("posix/", "right/")
UNKNOWN_ZONE_MESSAGE = "{value} is not a known time zone. Pick one such as Europe/Berlin."


@cache
def lived_in_zone_names() -> frozenset[str]:
    # Reading the zone database means walking its directory: do it once per process.
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in NOT_PLACES and not name.startswith(NOT_PLACE_PREFIXES)
    )


def is_lived_in_zone(name: str) -> bool:
    return name in lived_in_zone_names()


def validate_lived_in_zone(value: str) -> None:
    if not is_lived_in_zone(value):
        shown = repr(value if len(value) <= 64 else value[:63] + "…")
        raise ValidationError(UNKNOWN_ZONE_MESSAGE.format(value=shown), code="unknown_time_zone")
