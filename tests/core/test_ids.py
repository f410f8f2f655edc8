"""Ids read from requests: ASCII digits that fit a bigint, or no id at all."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slotlink.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (7, 7),
    ],
)
def test_an_id_is_read_from_ascii_digits(value, expected):
    """A positive number of ASCII digits that fits a bigint column is an id."""
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "²",
        "\u0661\u0662",  # Arabic-Indic digits: isdigit() says yes, int() reads them
        "\uff11",  # a fullwidth one
        "99999999999999999999",
        str(MAX_ID + 1),
        "9" * 5000,
        "1\x00",
        "0x10",
        None,
        True,
        0,
        -5,
        MAX_ID + 1,
        1.0,
    ],
)
def test_anything_else_is_no_id(value):
    """Signs, spaces, non-ASCII digits, numbers past a bigint and non-strings are no id."""
    assert parse_id(value) is None


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_a_bigint_holds_is_read_back(number):
    """Any id a bigint column can hold reads back from its digits."""
    assert parse_id(str(number)) == number


@given(st.text())
def test_no_text_makes_reading_an_id_fail(text):
    """Any text at all is either ASCII digits naming an id in range, or no id; reading it
    never raises."""
    number = parse_id(text)
    if number is not None:
        assert text.isascii()
        assert text.isdigit()
        assert 0 < number <= MAX_ID
