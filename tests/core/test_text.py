"""Names are refused when they hold invisible characters that change how they read."""

import pytest
from django.core.exceptions import ValidationError

from slotlink.core.text import text_cut, validate_plain_text, without_hidden_controls

SPOOFING = [
    "\u202a",  # left-to-right embedding
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # right-to-left override
    "\u2066",  # isolates
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",  # marks
    "\u200f",
    "\u061c",
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\U000e0041",  # a tag character
    "\x00",
    "\n",
    "\x1b",
]


@pytest.mark.parametrize("char", SPOOFING)
def test_a_name_with_an_invisible_control_is_refused(char):
    """A bidi control, an invisible formatting character or a control character anywhere in
    a name is refused with words to act on."""
    with pytest.raises(ValidationError, match="invisible control characters"):
        validate_plain_text(f"Ann{char}Lee")


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Müller-Lüdenscheidt",
        "\u0645\u06cc\u200c\u0646\u0627",  # Persian, with a zero-width non-joiner
        "\U0001f469\u200d\U0001f4bb Ada",  # an emoji sequence with a zero-width joiner
        "李小龍",
        "עדה לאבלייס",  # right-to-left script needs no control characters
    ],
)
def test_names_in_every_script_are_kept(name):
    """Names in any script, with the joiners some of them need, are names."""
    validate_plain_text(name)
    assert without_hidden_controls(name) == name


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("a sentence too long", 10, "a sentenc…"),
        ("trailing space kept out", 10, "trailing…"),
        # A letter with its combining accent stays whole, or goes whole.
        ("abcde\u0301fgh", 6, "abcd…"),
        ("abcde\u0301fgh", 7, "abcde\u0301…"),
        # An emoji with its skin tone, and a family joined by zero-width joiners.
        ("ab\U0001f44d\U0001f3fdcd", 4, "ab…"),
        ("ab\U0001f469\u200d\U0001f469\u200d\U0001f467xyz", 6, "ab…"),
        # Flags are two regional indicators: never one alone.
        ("ab\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7cd", 6, "ab\U0001f1e9\U0001f1ea…"),
        ("ab\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7cd", 4, "ab…"),
        # Astral characters count one each, as JSON Schema's maxLength counts them.
        ("\U0001f600" * 5, 4, "\U0001f600" * 3 + "…"),
        ("line\r\nnext", 6, "line…"),
    ],
)
def test_text_cut_ends_between_two_characters_with_an_ellipsis(text, limit, cut):
    """Text over the limit is cut to fit, ellipsis included, never inside a character as
    a reader sees it (a letter and its accent, an emoji sequence, a flag, CR LF)."""
    assert text_cut(text, limit) == cut
    assert len(text_cut(text, limit)) <= limit
