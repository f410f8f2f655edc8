"""Event Types: the list and the editor (General and Limits tabs)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.accounts.models import User
from slotlink.scheduling.forms import EventTypeForm, EventTypeLimitsForm
from slotlink.scheduling.locations import editor_location_problem
from slotlink.scheduling.messages import absolute_url
from slotlink.scheduling.models import EventType, LocationKind
from slotlink.scheduling.selectors import event_types_for
from slotlink.scheduling.services.event_types import (
    GENERAL_FIELDS,
    LIMIT_FIELDS,
    event_type_create,
    event_type_update,
)

DETAIL_LABELS: dict[str, str] = {
    LocationKind.IN_PERSON: "Address",
    LocationKind.CUSTOM_URL: "Meeting link",
}


def _hosts(request: MemberRequest) -> QuerySet[User] | None:
    """Whom an admin may make host: anyone in the organization. Members host their own."""
    if not request.membership.is_admin:
        return None
    return User.objects.filter(
        memberships__organization_id=request.membership.organization_id
    ).order_by("full_name", "email")


def _location_context(request: MemberRequest, form: EventTypeForm) -> dict[str, Any]:
    kind, location = form.chosen_location_kind, form.chosen_location
    # The provider's words: an existing event to attach to (or a new one), a fallback, and
    # a rule that the location needs a group event type.
    existing_events = location.existing_events if location is not None else None
    needs_group = location.requires_group if location is not None else ""
    return {
        "detail_label": existing_events.field_label
        if existing_events
        else DETAIL_LABELS.get(kind, ""),
        "existing_events": existing_events,
        "offers_fallback": location is not None and bool(location.fallback_label),
        # Said as soon as the location is picked; a posted form says it as the field's error.
        "needs_group": needs_group
        if form["kind"].value() != EventType.Kind.GROUP and "location_kind" not in form.errors
        else "",
        "location_problem": editor_location_problem(
            location_kind=kind,
            organization_id=request.membership.organization_id,
            host_id=form.chosen_host_id,
        ),
    }


def _public_url(request: MemberRequest, event_type: EventType) -> str:
    return absolute_url(
        reverse("book", args=[request.membership.organization.slug, event_type.slug])
    )


@member_required
def event_type_list(request: MemberRequest) -> HttpResponse:
    event_types = [
        (event_type, _public_url(request, event_type))
        for event_type in event_types_for(membership=request.membership)
    ]
    organization_url = absolute_url(
        reverse("book-organization", args=[request.membership.organization.slug])
    )
    return render(
        request,
        "scheduling/event_type_list.html",
        {"event_types": event_types, "organization_url": organization_url},
    )


@member_required
def event_type_new(request: MemberRequest) -> HttpResponse:
    hosts = _hosts(request)
    form = EventTypeForm(
        request.POST or None,
        organization_id=request.membership.organization_id,
        hosts=hosts,
        default_host_id=request.user.pk,
        initial={"duration_minutes": 30, "kind": EventType.Kind.ONE_ON_ONE, "host": request.user},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event_type = event_type_create(
            organization=request.membership.organization,
            host=data.get("host") or request.user,
            schedule=data.get("schedule"),
            **{name: data[name] for name in GENERAL_FIELDS},
        )
        if event_type.schedule.confirmed:
            messages.success(
                request, format_html("<bdi>{}</bdi> is ready to be booked.", event_type.title)
            )
        else:
            messages.success(
                request,
                format_html(
                    "<bdi>{}</bdi> is ready to be booked during the suggested hours, weekdays "
                    "9:00 to 17:00 in {}. Confirm or change them on Availability.",
                    event_type.title,
                    event_type.host.time_zone,
                ),
            )
        _say_if_slug_was_taken(request, form, event_type)
        return redirect("event-edit", event_type_id=event_type.id)
    return render(
        request,
        "scheduling/event_type_edit.html",
        {"form": form, "tab": "general", **_location_context(request, form)},
    )


def _say_if_slug_was_taken(
    request: MemberRequest, form: EventTypeForm, event_type: EventType
) -> None:
    """A link name made from a title another event type's link has: say which it got."""
    if form.slug_taken:
        messages.info(
            request,
            format_html(
                "The link name “{}” was taken, so its link is {}.",
                form.slug_taken,
                _public_url(request, event_type),
            ),
        )


def _event_type_or_404(request: MemberRequest, event_type_id: int) -> EventType:
    return get_object_or_404(event_types_for(membership=request.membership), pk=event_type_id)


@member_required
def event_type_edit(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    form = EventTypeForm(
        request.POST or None,
        organization_id=request.membership.organization_id,
        hosts=_hosts(request),
        default_host_id=event_type.host_id,
        event_type=event_type,
        initial={name: getattr(event_type, name) for name in GENERAL_FIELDS}
        | {"host": event_type.host, "schedule": event_type.schedule_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event_type_update(
            event_type=event_type,
            host=data.get("host") or event_type.host,
            schedule=data.get("schedule"),
            **{name: data[name] for name in GENERAL_FIELDS},
        )
        messages.success(request, "Saved. New bookings use these settings.")
        _say_if_slug_was_taken(request, form, event_type)
        return redirect("event-edit", event_type_id=event_type.id)
    return render(
        request,
        "scheduling/event_type_edit.html",
        {
            "form": form,
            "event_type": event_type,
            "public_url": _public_url(request, event_type),
            "tab": "general",
            **_location_context(request, form),
        },
    )


@member_required
def event_type_limits(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    form = EventTypeLimitsForm(
        request.POST or None,
        initial={name: getattr(event_type, name) for name in LIMIT_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_type_update(
                event_type=event_type, **{name: form.cleaned_data[name] for name in LIMIT_FIELDS}
            )
        except ValidationError as error:  # e.g. bookable again while its host has left
            form.add_error(None, error.messages)
            event_type.refresh_from_db()
        else:
            messages.success(request, "Saved. New bookings use these limits.")
            return redirect("event-limits", event_type_id=event_type.id)
    return render(
        request,
        "scheduling/event_type_limits.html",
        {
            "form": form,
            "event_type": event_type,
            "public_url": _public_url(request, event_type),
            "tab": "limits",
        },
    )


@member_required
def event_type_location(request: MemberRequest) -> HttpResponse:
    """The editor's location details, redrawn (htmx) when the Location dropdown changes."""
    form = EventTypeForm(  # unbound: nothing was submitted yet, so no errors to show
        initial=request.GET.dict(),
        organization_id=request.membership.organization_id,
        hosts=_hosts(request),
        default_host_id=request.user.pk,
    )
    return render(
        request,
        "scheduling/_location_details.html",
        {"form": form, **_location_context(request, form)},
    )
