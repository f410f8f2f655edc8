"""The event type editor's Reminders tab: the event type's reminders, added and removed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.reminders.forms import ReminderForm
from slotlink.scheduling.reminders.selectors import reminders_of
from slotlink.scheduling.reminders.services import reminder_add, reminder_remove
from slotlink.scheduling.reminders.words import lead_words
from slotlink.scheduling.views.event_types import _event_type_or_404, _public_url


@member_required
def event_type_reminders(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    form = ReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        minutes = int(form.cleaned_data["minutes_before"])
        try:
            reminder_add(
                event_type=event_type,
                minutes_before=minutes,
                to_host=form.cleaned_data["to_host"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Added: a reminder {lead_words(minutes)} before.")
            return redirect("event-reminders", event_type_id=event_type.id)
    reminders = [
        (reminder, lead_words(reminder.minutes_before))
        for reminder in reminders_of(event_type=event_type)
    ]
    return render(
        request,
        "scheduling/event_type_reminders.html",
        {
            "form": form,
            "event_type": event_type,
            "reminders": reminders,
            "public_url": _public_url(request, event_type),
            "tab": "reminders",
        },
    )


@member_required
@require_POST
def event_type_reminder_remove(
    request: MemberRequest, event_type_id: int, reminder_id: int
) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    if reminder_remove(event_type=event_type, reminder_id=reminder_id):
        messages.success(request, "Removed. Bookings get no more emails from that reminder.")
    return redirect("event-reminders", event_type_id=event_type.id)
