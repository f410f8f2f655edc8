"""A host's weekly hours, in their own time zone."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.availability_forms import WEEKDAYS, AvailabilityForm
from slotlink.scheduling.hours_text import format_hours
from slotlink.scheduling.selectors import availability_of
from slotlink.scheduling.services.event_types import availability_replace


@member_required
def availability(request: MemberRequest) -> HttpResponse:
    intervals = list(availability_of(host=request.user))
    initial: dict[str, str] = {"time_zone": request.user.time_zone}
    for weekday, name, _ in WEEKDAYS:
        initial[name] = format_hours(
            [(row.start, row.end) for row in intervals if row.weekday == weekday]
        )
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        availability_replace(
            host=request.user,
            intervals=form.weekly_intervals(),
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Saved. Your booking pages show these hours from now on.")
        return redirect("availability")
    return render(request, "scheduling/availability.html", {"form": form})
