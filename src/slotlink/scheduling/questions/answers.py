"""An invitee's answers as a booking keeps them, and in words for the host.

A booking stores each answer with the question as it was asked (its label and kind), so
what the host reads never changes when the question is edited or removed later.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from slotlink.scheduling.questions.models import Question

AnswerValue = str | list[str] | bool


@dataclass(frozen=True)
class Answer:
    label: str
    kind: str  # a Question.Kind
    value: AnswerValue  # text or the option chosen; the options chosen; ticked or not

    @property
    def text(self) -> str:
        """The answer in words; "" when the invitee left it empty."""
        if isinstance(self.value, bool):
            return "Yes" if self.value else "No"
        if isinstance(self.value, list):
            return ", ".join(self.value)
        return self.value

    def as_stored(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "value": self.value}


def answers_of(stored: Iterable[dict[str, Any]]) -> list[Answer]:
    """A booking's answers (`Booking.answers`), in the order they were asked."""
    return [Answer(label=a["label"], kind=a["kind"], value=a["value"]) for a in stored]


def answered(stored: Iterable[dict[str, Any]]) -> list[Answer]:
    """The answers the invitee gave: an empty text or no option chosen is left out; a
    checkbox always says Yes or No."""
    return [answer for answer in answers_of(stored) if answer.text]


def answers_lines(stored: Iterable[dict[str, Any]]) -> str:
    """The answers given, one question and its answer after another, for plain text."""
    return "\n\n".join(f"{answer.label}\n{answer.text}" for answer in answered(stored))


def answer_for(question: Question, value: AnswerValue) -> Answer:
    return Answer(label=question.label, kind=question.kind, value=value)
