"""A host's availability: their schedules' weekly hours and other hours on given dates, in
their own time zone, and their time off. Only ever the signed-in host's own: another host's
schedule or time off is a 404 here. One schedule shows at a time (`?schedule=<id>`, else the
default); time off is the person's, on every schedule's page."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.accounts.models import User
from slotlink.core.ids import parse_id
from slotlink.scheduling.availability_forms import WEEKDAYS, AvailabilityForm
from slotlink.scheduling.availability_selectors import (
    other_hours_of,
    schedules_of,
    time_off_of,
    weekly_hours_of,
)
from slotlink.scheduling.date_forms import DateOverrideForm, ScheduleForm, TimeOffForm
from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.hours_text import format_hours
from slotlink.scheduling.services.dates import (
    date_override_remove,
    date_override_set,
    time_off_add,
    time_off_remove,
)
from slotlink.scheduling.services.schedules import (
    DEFAULT_WEEKLY_HOURS,
    default_schedule_of,
    weekly_hours_replace,
)


def _today(host: User) -> date:
    return timezone.now().astimezone(ZoneInfo(host.time_zone)).date()


def _schedule(request: MemberRequest) -> Schedule | None:
    """The schedule asked for (`?schedule=`), which must be the host's own, else their
    default; None for a host who has none yet (nothing is written to show the page)."""
    asked = request.GET.get("schedule")
    if asked is None:
        return schedules_of(host=request.user).filter(is_default=True).first()
    schedule_id = parse_id(asked)
    if schedule_id is None:
        raise Http404("No such schedule.")
    return get_object_or_404(schedules_of(host=request.user), pk=schedule_id)


def _written_to(request: MemberRequest) -> Schedule:
    """The schedule a POST writes to: the one asked for, or the default (made if need be)."""
    return _schedule(request) or default_schedule_of(host=request.user)


def _back(schedule: Schedule) -> HttpResponse:
    url = reverse("availability")
    return redirect(url if schedule.is_default else f"{url}?schedule={schedule.id}")


def availability_page(request: MemberRequest, **forms: Form) -> HttpResponse:
    """The page, with the forms given (bound, with their errors) and fresh ones otherwise."""
    host = request.user
    today = _today(host)
    schedule = _schedule(request)
    # A host with no schedule yet is shown the suggested hours to confirm (nothing is
    # written until they do); one whose first event type was given them, those hours.
    suggested = schedule is None or not schedule.confirmed
    if "form" not in forms:
        intervals = (
            [(row.weekday, row.start, row.end) for row in weekly_hours_of(schedule=schedule)]
            if schedule
            else DEFAULT_WEEKLY_HOURS
        )
        initial: dict[str, str] = {"time_zone": host.time_zone}
        for weekday, name, _ in WEEKDAYS:
            initial[name] = format_hours(
                [(start, end) for day, start, end in intervals if day == weekday]
            )
        forms["form"] = AvailabilityForm(initial=initial)
    forms.setdefault("time_off_form", TimeOffForm(today=today))
    forms.setdefault("override_form", DateOverrideForm(today=today))
    forms.setdefault("schedule_form", ScheduleForm())
    forms.setdefault(
        "rename_form", ScheduleForm(initial={"name": schedule.name} if schedule else None)
    )
    query = f"?schedule={schedule.id}" if schedule and not schedule.is_default else ""
    context: dict[str, Any] = {
        **forms,
        "schedule": schedule,
        "suggested": suggested,
        "schedules": schedules_of(host=host),
        "query": query,
        "time_off": time_off_of(host=host, today=today),
        "other_hours": [
            (entry.day, format_hours(list(entry.hours)))
            for entry in (other_hours_of(schedule=schedule, today=today) if schedule else [])
        ],
    }
    invalid = any(form.is_bound and form.errors for form in forms.values())
    return render(request, "scheduling/availability.html", context, status=400 if invalid else 200)


def add_validation_error(form: Form, error: ValidationError) -> None:
    """A service's refusal, shown on the form: on its field when it names one of the form's."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@member_required
def availability(request: MemberRequest) -> HttpResponse:
    if request.method != "POST":
        return availability_page(request)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        schedule = _written_to(request)
        weekly_hours_replace(
            schedule=schedule,
            intervals=form.weekly_intervals(),
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Saved. Your booking pages show these hours from now on.")
        return _back(schedule)
    return availability_page(request, form=form)


@member_required
@require_POST
def time_off_add_view(request: MemberRequest) -> HttpResponse:
    form = TimeOffForm(request.POST, today=_today(request.user))
    if form.is_valid():
        try:
            time_off = time_off_add(
                host=request.user,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                format_html(
                    "Added time off: <bdi>{}</bdi>. Invitees can't book you then.", time_off
                ),
            )
            return redirect(reverse("availability") + "#time-off")
    return availability_page(request, time_off_form=form)


@member_required
@require_POST
def time_off_remove_view(request: MemberRequest, time_off_id: int) -> HttpResponse:
    time_off = get_object_or_404(time_off_of(host=request.user, today=date.min), pk=time_off_id)
    time_off_remove(time_off=time_off)
    messages.success(
        request,
        format_html("Removed time off: <bdi>{}</bdi>. Your weekly hours apply again.", time_off),
    )
    return redirect(reverse("availability") + "#time-off")


@member_required
@require_POST
def date_override_add_view(request: MemberRequest) -> HttpResponse:
    form = DateOverrideForm(request.POST, today=_today(request.user))
    if form.is_valid():
        day = form.cleaned_data["day"]
        schedule = _written_to(request)
        try:
            date_override_set(
                host=request.user, day=day, hours=form.cleaned_data["hours"], schedule=schedule
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            hours = format_hours(form.cleaned_data["hours"])
            messages.success(
                request, f"On {day:%a} {day.day} {day:%b %Y} you take meetings {hours}."
            )
            return _back(schedule)
    return availability_page(request, override_form=form)


@member_required
@require_POST
def date_override_remove_view(request: MemberRequest, day: str) -> HttpResponse:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    schedule = _written_to(request)
    date_override_remove(host=request.user, day=parsed, schedule=schedule)
    messages.success(
        request, f"On {parsed:%a} {parsed.day} {parsed:%b %Y} your weekly hours apply again."
    )
    return _back(schedule)
