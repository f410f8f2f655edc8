"""Writes of questions: a host adds, edits, removes and reorders an event type's questions,
and lets invitees add guests or not. A bad definition raises ValidationError, by field, and
nothing changes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from slotlink.core.text import validate_plain_text
from slotlink.scheduling.models import EventType
from slotlink.scheduling.questions.models import (
    CHOICE_KINDS,
    LABEL_LIMIT,
    MAX_OPTIONS,
    MAX_PER_EVENT_TYPE,
    OPTION_LIMIT,
    Question,
)

KIND_WORDS = {
    Question.Kind.SINGLE_CHOICE: "A single choice question",
    Question.Kind.MULTIPLE_CHOICE: "A multiple choice question",
}


def _definition_problems(*, kind: str, label: str, options: list[str]) -> dict[str, list[str]]:
    """What is wrong with a question as defined, by field; empty when nothing is."""
    problems: dict[str, list[str]] = {}
    if kind not in Question.Kind.values:
        problems["kind"] = ["Pick what kind of answer the question takes."]
    if not label.strip():
        problems["label"] = ["Write the question invitees answer."]
    elif len(label) > LABEL_LIMIT:
        problems["label"] = [
            f"A question can be at most {LABEL_LIMIT} characters; this one has {len(label)}."
        ]
    else:
        try:
            validate_plain_text(label)
        except ValidationError as hidden:
            problems["label"] = hidden.messages
    if kind in CHOICE_KINDS:
        problems.update(_options_problems(kind, options))
    return problems


def _options_problems(kind: str, options: list[str]) -> dict[str, list[str]]:
    words = KIND_WORDS[Question.Kind(kind)]
    if len(options) < 2:
        return {"options": [f"{words} needs at least two options, one per line."]}
    if len(options) > MAX_OPTIONS:
        return {"options": [f"{words} has at most {MAX_OPTIONS} options; this has {len(options)}."]}
    problems = []
    seen: set[str] = set()
    for option in options:
        if len(option) > OPTION_LIMIT:
            problems.append(
                f"An option can be at most {OPTION_LIMIT} characters; “{option[:40]}…” has "
                f"{len(option)}."
            )
        key = option.casefold()
        if key in seen:
            problems.append(f"“{option}” is there twice. List each option once.")
        seen.add(key)
        try:
            validate_plain_text(option)
        except ValidationError as hidden:
            problems += hidden.messages
    return {"options": problems} if problems else {}


def _checked(*, kind: str, label: str, options: list[str]) -> tuple[str, list[str]]:
    """The label and options to store, or ValidationError by field."""
    label = label.strip()
    options = [option.strip() for option in options if option.strip()]
    problems = _definition_problems(kind=kind, label=label, options=options)
    if problems:
        raise ValidationError(problems)
    return label, options if kind in CHOICE_KINDS else []


def _lock(event_type: EventType) -> None:
    """Under the event type's row lock: two edits at once can't pass the count together or
    give two questions one place."""
    EventType.objects.select_for_update().filter(pk=event_type.pk).first()


def _asks(event_type: EventType, asks: bool) -> None:
    EventType.objects.filter(pk=event_type.pk).update(asks_questions=asks)
    event_type.asks_questions = asks


@transaction.atomic
def question_add(
    *, event_type: EventType, kind: str, label: str, required: bool, options: list[str]
) -> Question:
    """A question at the end of the event type's booking form."""
    label, options = _checked(kind=kind, label=label, options=options)
    _lock(event_type)
    existing = Question.objects.filter(event_type=event_type)
    if existing.count() >= MAX_PER_EVENT_TYPE:
        raise ValidationError(
            f"An event type asks at most {MAX_PER_EVENT_TYPE} questions. Remove one first."
        )
    last = existing.aggregate(last=Max("position"))["last"]
    _asks(event_type, True)
    return Question.objects.create(
        event_type=event_type,
        kind=kind,
        label=label,
        required=required,
        options=options,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def question_update(
    *,
    event_type: EventType,
    question_id: int,
    kind: str,
    label: str,
    required: bool,
    options: list[str],
) -> Question | None:
    """The question as now defined (None when the event type has no such question).
    Bookings keep their answers with the question as it was asked."""
    label, options = _checked(kind=kind, label=label, options=options)
    _lock(event_type)
    question = Question.objects.filter(event_type=event_type, pk=question_id).first()
    if question is None:
        return None
    question.kind, question.label, question.required, question.options = (
        kind,
        label,
        required,
        options,
    )
    question.save(update_fields=["kind", "label", "required", "options"])
    return question


@transaction.atomic
def question_remove(*, event_type: EventType, question_id: int) -> bool:
    """Remove one of the event type's questions; whether there was one. Bookings keep
    their answers to it."""
    _lock(event_type)
    deleted, _ = Question.objects.filter(event_type=event_type, pk=question_id).delete()
    _asks(event_type, Question.objects.filter(event_type=event_type).exists())
    return bool(deleted)


@transaction.atomic
def question_move(*, event_type: EventType, question_id: int, up: bool) -> bool:
    """Move a question one place up or down the form; whether it moved (the first can't go
    up, the last can't go down)."""
    _lock(event_type)
    questions = list(Question.objects.filter(event_type=event_type))
    index = next((i for i, q in enumerate(questions) if q.pk == question_id), None)
    if index is None:
        return False
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return False
    questions[index], questions[other] = questions[other], questions[index]
    for position, question in enumerate(questions):
        question.position = position
    Question.objects.bulk_update(questions, ["position"])
    return True


def guests_allow(*, event_type: EventType, allowed: bool) -> None:
    """Whether invitees of the event type may add guests, who get the invite too."""
    EventType.objects.filter(pk=event_type.pk).update(allow_guests=allowed)
    event_type.allow_guests = allowed
