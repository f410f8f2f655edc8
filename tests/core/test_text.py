"""Names are refused when they hold invisible characters that change how they read."""

import pytest
from django.core.exceptions import ValidationError

from slotlink.core.text import validate_plain_text, without_hidden_controls

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
