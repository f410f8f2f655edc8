"""Names people type, kept free of invisible characters that change how text reads.

Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) and other invisible
formatting characters can make a name or a title display as something else than it is
("Invoice<U+202E>fdp.exe" shows as "Invoiceexe.pdf"), in the app, in an email subject or
in a calendar. Names are typed by people who can type them again, so such characters are
refused with a clear error in every text field people type in (`HiddenControlsRefused`,
on every form), and stripped where text is formatted for an email or an invite (in case
one got in another way). Zero-width joiner and
non-joiner stay: Persian and Indic names and emoji need them, and they can't reorder text.

The same fields show what is typed in its own direction (`dir="auto"`), and text longer
than a field allows is refused with a count, never cut (`LengthLimit`).
"""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

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


def validate_multiline_text(value: str) -> None:
    """As `validate_plain_text`, for text that may run over lines (a description, a
    reason): line breaks and tabs are kept, every other control is refused."""
    if any(
        is_hidden_control(char) or (unicodedata.category(char) == "Cc" and char not in "\n\r\t")
        for char in value
    ):
        raise ValidationError(HIDDEN_CONTROLS_MESSAGE, code="hidden_controls")


@deconstructible
class LengthLimit:
    """Text longer than its field allows is refused, saying by how much ("82 characters
    over the limit: 202 / 120"), so the person shortens it themselves. The browser isn't
    told the limit as `maxlength`, which cuts pasted text without a word; the page's
    script may show the count as it is typed (`data-limit`)."""

    code = "max_length"

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: str) -> None:
        length = len(value)
        if length > self.limit:
            over = length - self.limit
            raise ValidationError(
                f"{over} character{'s' if over != 1 else ''} over the limit: "
                f"{length} / {self.limit}. Nothing was cut: shorten it.",
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LengthLimit) and other.limit == self.limit


def _count_length(field: forms.CharField) -> None:
    """Replace the field's maximum length check (and the `maxlength` the browser would cut
    at) by `LengthLimit`."""
    if field.max_length is None:
        return
    limit = int(field.max_length)
    field.validators = [
        validator for validator in field.validators if not isinstance(validator, MaxLengthValidator)
    ]
    if LengthLimit(limit) not in field.validators:
        field.validators.append(LengthLimit(limit))
    field.error_messages.pop("max_length", None)
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-limit"] = str(limit)


class HiddenControlsRefused:
    """A form mixin: every text field people type in follows the one rule above (single
    line, or multi-line for a textarea), so a field added later can't forget it. Passwords
    are not text anyone reads, and hidden inputs are checked where they are parsed. Its
    length limit is counted, not cut at (`LengthLimit`)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._follow_text_rules()

    def full_clean(self) -> None:
        self._follow_text_rules()  # again, for fields a form added after its __init__
        super().full_clean()  # type: ignore[misc]

    def _follow_text_rules(self) -> None:
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput | forms.HiddenInput
            ):
                continue
            # What people type may be in a right-to-left script: the field shows it in
            # its own direction, whatever the page's.
            field.widget.attrs.setdefault("dir", "auto")
            rule = (
                validate_multiline_text
                if isinstance(field.widget, forms.Textarea)
                else validate_plain_text
            )
            if rule not in field.validators:
                field.validators.append(rule)
            _count_length(field)


ELLIPSIS = "…"
# Code points that continue the character before them (Unicode's extended grapheme
# clusters, UAX #29, for the cases text typed in a form has): a cut before one would leave
# a base letter without its accent, or an emoji without its skin tone or its second half.
_ZERO_WIDTH_JOINER = "\u200d"


def _continues(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks
        or char == _ZERO_WIDTH_JOINER
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _character_boundary(text: str, cut: int) -> int:
    """The nearest place at or before `cut` that ends a whole character as a reader sees
    it: never inside a letter with its marks, an emoji sequence, a flag or a CR LF."""
    while 0 < cut < len(text):
        before, after = text[cut - 1], text[cut]
        if _continues(after) or before == _ZERO_WIDTH_JOINER or (before, after) == ("\r", "\n"):
            cut -= 1
            continue
        if _is_regional_indicator(before) and _is_regional_indicator(after):
            # Flags are pairs: an odd run of indicators before the cut splits one.
            run = 0
            while run < cut and _is_regional_indicator(text[cut - 1 - run]):
                run += 1
            if run % 2:
                cut -= 1
                continue
        break
    return cut


def text_cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters (code points, as JSON Schema's `maxLength`
    counts them): whole, or cut between two characters as a reader sees them and ended with
    an ellipsis."""
    if len(text) <= limit:
        return text
    kept = text[: _character_boundary(text, limit - len(ELLIPSIS))].rstrip()
    return kept + ELLIPSIS
