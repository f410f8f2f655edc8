"""CSV files people open in a spreadsheet, with no cell that the spreadsheet runs.

Excel, LibreOffice and Google Sheets evaluate a cell that starts like a formula (`=`, `+`,
`-`, `@`), and some also after leading blanks or when it starts with a tab or a carriage
return (OWASP's "CSV injection"). A name, an email or a title an invitee typed could then
run `=HYPERLINK(...)` in the host's spreadsheet. Every cell of every CSV the product writes
goes through `csv_cell`, which keeps such text as text by putting an apostrophe in front,
as OWASP recommends; numbers and dates we write ourselves pass unchanged.
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@")
# Characters that start a formula in some spreadsheet when they come first, blank or not.
CONTROL_STARTS = ("\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_cell(value: object) -> str:
    """The cell as text a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text  # a number we wrote: "-5" is a value, not a formula
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


class SafeCsvWriter:
    """`csv.writer` whose every cell has been through `csv_cell`."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])
