"""Reads of questions: an event type's, in the host's order."""

from slotlink.scheduling.models import EventType
from slotlink.scheduling.questions.models import Question


def questions_of(*, event_type: EventType) -> list[Question]:
    return list(Question.objects.filter(event_type=event_type))


def booking_form_questions(*, event_type: EventType) -> list[Question]:
    """The questions the booking form asks; no query for an event type that has none."""
    return questions_of(event_type=event_type) if event_type.asks_questions else []
