"""Product words with typed text in them ("Phone call: {name} will call you"), which read
right whatever script the typed parts are in.

A title or a name may be Arabic or Hebrew. Set in an English sentence without isolation,
its direction bleeds into the words around it (the sentence's punctuation, a phone number
after it, jump sides), and theirs into it. HTML isolates a part with `<bdi>` (inline) or
`dir="auto"` (a block of its own). Templates do that around the typed values they show;
a sentence built in Python is a `MixedText`: the plain sentence wherever text is plain (a
subject, a text part, a calendar invite), and in an HTML template (which asks for
`__html__`) each typed part in a `<bdi>` of its own.
"""

from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class MixedText(str):
    """A sentence whose typed parts are isolated when it is rendered as HTML. It stays
    the plain sentence for everything else: a filter or `+` gives back a plain str."""

    _html: SafeString

    def __new__(cls, template: str, /, **typed: object) -> Self:
        text = super().__new__(cls, template.format(**typed))
        text._html = format_html(
            template, **{name: format_html("<bdi>{}</bdi>", value) for name, value in typed.items()}
        )
        return text

    def __html__(self) -> SafeString:
        return self._html

    def __str__(self) -> Self:
        # Itself, as SafeString's is: a form's errors and ValidationError.messages pass each
        # message through str() before a template renders it, and would drop the parts.
        return self

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        # A copy or a pickle is the plain sentence (its parts aren't kept).
        return str, (str.__str__(self),)


def isolated_plain(text: str) -> str:
    """One typed value isolated in plain text, where no markup can go (an `<option>`
    with other words): FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, `<bdi>`'s
    equivalent in Unicode."""
    return f"\u2068{text}\u2069"


class TypedOptionsSelect(forms.Select):
    """A select whose options are typed text (people's names, schedules' names): an
    option can't hold a `<bdi>`, so each option is isolated itself (`dir="auto"`)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["dir"] = "auto"
        return option


def refusal_html(error: ValidationError) -> SafeString:
    """A refusal's messages as one sentence for a flash message, each typed part of a
    `MixedText` message in its `<bdi>` (a message store keeps only safe strings' markup)."""
    return format_html_join(" ", "{}", ((message,) for message in error.messages))
