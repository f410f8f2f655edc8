"""Every CSV cell that a spreadsheet would run as a formula is kept as text."""

import csv
import io

import pytest

from slotlink.core.spreadsheets import SafeCsvWriter, csv_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+2",
        "+1+2",
        "-1+2",
        "@SUM(A1:A2)",
        " =1+2",  # a blank in front still runs in some spreadsheets
        "   @cmd",
        "\t=1+2",
        "\tplain",  # a leading tab or carriage return alone starts a formula in some
        "\rplain",
        '=HYPERLINK("http://evil.test","click")',
    ],
)
def test_a_cell_that_starts_like_a_formula_is_kept_as_text(text):
    """OWASP's CSV injection: the first non-blank character `= + - @`, or a leading tab or
    carriage return, get an apostrophe in front."""
    assert csv_cell(text) == f"'{text}"


@pytest.mark.parametrize("text", ["Ada Lovelace", "ada@example.test", "2026-12-07 10:00", ""])
def test_ordinary_text_is_unchanged(text):
    assert csv_cell(text) == text


def test_numbers_we_write_stay_numbers():
    """A negative number is a value, not a formula typed by someone."""
    assert [csv_cell(value) for value in (-5, 3, 2.5, None)] == ["-5", "3", "2.5", ""]


def test_the_writer_escapes_every_cell_of_every_row():
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["title", "name"])
    writer.writerow(["=cmd|' /C calc'!A0", " -2+3"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["title", "name"],
        ["'=cmd|' /C calc'!A0", "' -2+3"],
    ]
