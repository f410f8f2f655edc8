"""The forms of questions: the host's editor (a question, and the guests setting), and the
fields the booking form gets for the event type's questions and guests."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from slotlink.core.bidi import MixedText
from slotlink.core.text import HiddenControlsRefused, validate_multiline_text, validate_plain_text
from slotlink.scheduling.questions.answers import Answer, AnswerValue, answer_for
from slotlink.scheduling.questions.models import (
    LABEL_LIMIT,
    LONG_ANSWER_LIMIT,
    SHORT_ANSWER_LIMIT,
    Question,
)

# A guest list is short; ten is what Calendly allows.
MAX_GUESTS = 10
GUEST_SEPARATORS = re.compile(r"[\s,;]+")
ANSWER_NEEDED = "Please answer this question."
TICK_NEEDED = "Tick this box to book."
PICK_ONE = "Pick one of the options shown."


class QuestionForm(HiddenControlsRefused, forms.Form):
    label = forms.CharField(
        label="Question",
        # Checked by the service with the count in its words; the browser's own limit
        # would cut a pasted question silently.
        widget=forms.TextInput(attrs={"data-limit": LABEL_LIMIT}),
    )
    kind = forms.ChoiceField(label="Answer", choices=Question.Kind.choices)
    options = forms.CharField(
        label="Options (for a choice question)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, in the order invitees see them.",
    )
    required = forms.BooleanField(label="Invitees must answer", required=False)

    def option_list(self) -> list[str]:
        return str(self.cleaned_data.get("options") or "").splitlines()

    @classmethod
    def for_question(cls, question: Question) -> "QuestionForm":
        return cls(
            initial={
                "label": question.label,
                "kind": question.kind,
                "options": "\n".join(question.options),
                "required": question.required,
            }
        )


class GuestsSettingForm(forms.Form):
    allow_guests = forms.BooleanField(
        label=f"Invitees may add up to {MAX_GUESTS} guests' emails",
        required=False,
        help_text="Guests get the invite with the join link, but no links to change or "
        "cancel the booking.",
    )


def _answer_field(question: Question) -> forms.Field:
    required = {"required": ANSWER_NEEDED}
    kind = question.kind
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_ANSWER_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
            validators=[validate_multiline_text],
            error_messages=required,
        )
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(option, option) for option in question.options],
            widget=forms.RadioSelect,
            error_messages={**required, "invalid_choice": PICK_ONE},
        )
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(option, option) for option in question.options],
            widget=forms.CheckboxSelectMultiple,
            error_messages={**required, "invalid_choice": PICK_ONE},
        )
    if kind == Question.Kind.CHECKBOX:
        return forms.BooleanField(error_messages={"required": TICK_NEEDED})
    return forms.CharField(
        max_length=SHORT_ANSWER_LIMIT, validators=[validate_plain_text], error_messages=required
    )


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


class AnswersMixin:
    """The booking form's fields for the event type's questions (in the host's order) and,
    when the event type allows them, the invitee's guests."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_questions(self, questions: list[Question], *, allow_guests: bool) -> None:
        self.questions = questions
        for question in questions:
            field = _answer_field(question)
            field.label = question.label
            field.required = question.required
            self.fields[field_name(question)] = field
        if allow_guests:
            self.fields["guests"] = forms.CharField(
                label="Guests' emails (optional)",
                required=False,
                max_length=MAX_GUESTS * 260,
                widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
                help_text=f"Up to {MAX_GUESTS}, separated by commas or one per line. They "
                "get the invite too.",
            )

    def question_fields(self) -> list[forms.BoundField]:
        form: Any = self
        return [form[field_name(question)] for question in self.questions]

    def answers(self) -> list[Answer]:
        """The answers as cleaned, one per question in the form's order."""
        answers = []
        for question in self.questions:
            cleaned = self.cleaned_data.get(field_name(question))
            value: AnswerValue
            if question.kind == Question.Kind.CHECKBOX:
                value = bool(cleaned)
            elif question.kind == Question.Kind.MULTIPLE_CHOICE:
                value = [str(option) for option in cleaned or []]
            else:
                # Browsers send a textarea's line breaks as CR LF: kept as plain ones.
                value = str(cleaned or "").replace("\r\n", "\n")
            answers.append(answer_for(question, value))
        return answers

    def clean_guests(self) -> list[str]:
        return guest_emails_parse(str(self.cleaned_data.get("guests") or ""))


def guest_emails_parse(text: str) -> list[str]:
    """The guests' addresses in `text` (separated by commas, semicolons, spaces or lines),
    each once; ValidationError naming one that isn't an address, or too many."""
    guests: list[str] = []
    seen: set[str] = set()
    for address in GUEST_SEPARATORS.split(text.strip()):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                MixedText(
                    "“{address}” isn't an email address. Write each guest's like name@example.com.",
                    address=address[:60],
                ),
                code="invalid",
            ) from None
        if address.casefold() not in seen:
            seen.add(address.casefold())
            guests.append(address)
    if len(guests) > MAX_GUESTS:
        raise ValidationError(
            f"Add at most {MAX_GUESTS} guests; this lists {len(guests)}.", code="too_many"
        )
    return guests
