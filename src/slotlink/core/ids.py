"""Reading a row's id from what a person (or a script) sent.

`str.isdigit()` says yes to "²" and to 5,000 digits, which `int()` or the database then
refuses with an exception, and a 20-digit number overflows SQLite's and PostgreSQL's 64-bit
integers. Every view or form that reads an id from a request goes through `parse_id`: ASCII
digits only, no sign, no spaces, and small enough for a bigint column. Anything else is no
id at all, so the caller answers as it does for an id that names nothing.
"""

from typing import Any

MAX_ID = 2**63 - 1  # the largest value of a signed 64-bit (bigint) column
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value: Any) -> int | None:
    """The id `value` spells, or None if it spells none (also for ints out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    if not value or len(value) > _MAX_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
