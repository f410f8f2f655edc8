"""A host's named schedules, from the Availability page: made, renamed, made the default,
deleted. The host's own only: another host's schedule is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.core.bidi import refusal_html
from slotlink.scheduling.availability_selectors import schedules_of
from slotlink.scheduling.date_forms import ScheduleForm
from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.services.schedules import (
    schedule_create,
    schedule_delete,
    schedule_make_default,
    schedule_rename,
)
from slotlink.scheduling.views.availability import add_validation_error, availability_page


def _own(request: MemberRequest, schedule_id: int) -> Schedule:
    return get_object_or_404(schedules_of(host=request.user), pk=schedule_id)


def _shown(schedule: Schedule) -> HttpResponse:
    return redirect(f"{reverse('availability')}?schedule={schedule.id}")


@member_required
@require_POST
def schedule_new(request: MemberRequest) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule = schedule_create(host=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                format_html(
                    "Made “<bdi>{}</bdi>” with weekdays 9 to 5. Set its hours, then pick it in an "
                    "event type's editor.",
                    schedule.name,
                ),
            )
            return _shown(schedule)
    return availability_page(request, schedule_form=form)


@member_required
@require_POST
def schedule_rename_view(request: MemberRequest, schedule_id: int) -> HttpResponse:
    schedule = _own(request, schedule_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule_rename(schedule=schedule, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, format_html("Renamed it “<bdi>{}</bdi>”.", schedule.name))
            return _shown(schedule)
    return availability_page(request, rename_form=form)


@member_required
@require_POST
def schedule_default_view(request: MemberRequest, schedule_id: int) -> HttpResponse:
    schedule = _own(request, schedule_id)
    schedule_make_default(schedule=schedule)
    messages.success(
        request,
        format_html(
            "“<bdi>{}</bdi>” is your default: new event types follow it. Those you have keep the "
            "schedule they follow.",
            schedule.name,
        ),
    )
    return _shown(schedule)


@member_required
@require_POST
def schedule_delete_view(request: MemberRequest, schedule_id: int) -> HttpResponse:
    schedule = _own(request, schedule_id)
    try:
        schedule_delete(schedule=schedule)
    except ValidationError as error:
        messages.error(request, refusal_html(error))
        return _shown(schedule)
    messages.success(request, format_html("Deleted “<bdi>{}</bdi>”.", schedule.name))
    return redirect("availability")
