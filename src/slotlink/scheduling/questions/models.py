"""What questions keep: the questions a host asks on an event type's booking form."""

from django.db import models

# A label reads as one question on one line of a form; an option as one choice of it.
LABEL_LIMIT = 200
OPTION_LIMIT = 100
MAX_OPTIONS = 20
MAX_PER_EVENT_TYPE = 10
# What an invitee may type: a line, or a few paragraphs.
SHORT_ANSWER_LIMIT = 300
LONG_ANSWER_LIMIT = 2000


class Question(models.Model):
    """One question of an event type's booking form, at its place (`position`, the host's
    order). A choice question has its options, in the host's order; others have none."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        CHECKBOX = "checkbox", "Checkbox"

    event_type = models.ForeignKey(
        "scheduling.EventType", on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    label = models.CharField(max_length=LABEL_LIMIT)
    required = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


CHOICE_KINDS = frozenset({Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE})
