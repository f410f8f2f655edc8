"""Forms invitees fill in: booking a time, moving it, cancelling it; and a host's move of a
booking, with a message to its invitee."""

import re
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from slotlink.core.text import HiddenControlsRefused, validate_plain_text
from slotlink.scheduling.models import LocationKind
from slotlink.scheduling.questions.forms import AnswersMixin
from slotlink.scheduling.questions.models import Question
from slotlink.scheduling.services.bookings import RESCHEDULE_MESSAGE_LIMIT
from slotlink.scheduling.timezones import is_time_zone

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]+$")
BAD_START = "That time isn't valid. Please pick one of the times shown."
# Far outside any time a booking page offers, and far enough inside what a datetime holds
# that the slot arithmetic (a meeting's length, buffers, a day's margin) can't overflow.
EARLIEST_START = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_START = datetime(9000, 1, 1, tzinfo=UTC)


class SlotField(forms.Field):
    """A slot's start as sent by the booking page: an ISO 8601 instant with its offset."""

    widget = forms.HiddenInput
    MAX_LENGTH = 40

    def to_python(self, value: Any) -> datetime | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > self.MAX_LENGTH:
            raise ValidationError(BAD_START)
        try:
            start = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(BAD_START) from None
        if start.tzinfo is None:
            raise ValidationError(BAD_START)
        try:
            start = start.astimezone(UTC)
        except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is past the last datetime
            raise ValidationError(BAD_START) from None
        if not EARLIEST_START <= start < LATEST_START:
            raise ValidationError(BAD_START)
        return start


class RescheduleForm(HiddenControlsRefused, forms.Form):
    start = SlotField(error_messages={"required": BAD_START})
    time_zone = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        if not is_time_zone(value):
            raise ValidationError("Pick your time zone from the list.")
        return value


class BookingForm(AnswersMixin, RescheduleForm):
    name = forms.CharField(
        label="Your name",
        max_length=100,
        validators=[validate_plain_text],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text="The number your host should call.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="Where should we meet?",
        max_length=300,
        help_text="An address, or a link to your own meeting room.",
    )

    def __init__(
        self,
        *args: Any,
        location_kind: str,
        questions: list[Question] | None = None,
        allow_guests: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if location_kind != LocationKind.PHONE:
            del self.fields["phone"]
        if location_kind != LocationKind.ASK_INVITEE:
            del self.fields["address"]
        self.add_questions(questions or [], allow_guests=allow_guests)

    def guest_list(self) -> list[str]:
        """The guests to invite: the invitee's own address is no guest."""
        own = str(self.cleaned_data.get("email", "")).casefold()
        return [guest for guest in self.cleaned_data.get("guests", []) if guest.casefold() != own]

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        if not PHONE_PATTERN.match(value) or sum(c.isdigit() for c in value) < 6:
            raise ValidationError(
                "Enter a phone number with its country code, like +49 30 1234567."
            )
        return value


class CancelForm(HiddenControlsRefused, forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HostRescheduleForm(RescheduleForm):
    """The host's move: a free time from the picker, and words for the invitee's email."""

    message = forms.CharField(
        label="Message to the invitee (optional)",
        max_length=RESCHEDULE_MESSAGE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Goes into their email with the new time, for example why it moved.",
    )
