"""Names people type, kept free of invisible characters that change how text reads.

Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) and other invisible
formatting characters can make a name or a title display as something else than it is
("Invoice<U+202E>fdp.exe" shows as "Invoiceexe.pdf"), in the app, in an email subject or
in a calendar. Names are typed by people who can type them again, so such characters are
refused with a clear error where a name is entered, and stripped where text is formatted
for an email or an invite (in case one got in another way). Zero-width joiner and
non-joiner stay: Persian and Indic names and emoji need them, and they can't reorder text.
"""

import unicodedata

from django.core.exceptions import ValidationError

KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})  # zero-width non-joiner, joiner
HIDDEN_CONTROLS_MESSAGE = (
    "This contains invisible control characters (such as right-to-left marks) that change "
    "how it reads. Type it again without them."
)


def is_hidden_control(char: str) -> bool:
    """An invisible formatting character (Cf), bidi controls among them, but the joiners."""
    return unicodedata.category(char) == "Cf" and char not in KEPT_FORMAT_CHARACTERS


def without_hidden_controls(text: str) -> str:
    return "".join(char for char in text if not is_hidden_control(char))


def validate_plain_text(value: str) -> None:
    """Refuse hidden formatting characters and control characters (a line break, a NUL)."""
    if any(is_hidden_control(char) or unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(HIDDEN_CONTROLS_MESSAGE, code="hidden_controls")
