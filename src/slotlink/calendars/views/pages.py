"""Integrations → Calendars: the host's own connections, their calendars, and removing
one. Every page is the owner's only: another's connection is a 404, for admins too."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.calendars import selectors
from slotlink.calendars.forms import ChooseForm
from slotlink.calendars.models import CalendarConnection
from slotlink.calendars.services.choices import ChoiceRefused, calendar_choices_save
from slotlink.calendars.services.removal import calendar_connection_remove


def own_connection(request: MemberRequest, connection_id: int) -> CalendarConnection:
    connection = selectors.connection_of(
        organization_id=request.membership.organization_id,
        owner_id=request.user.id,
        connection_id=connection_id,
    )
    if connection is None:
        raise Http404("No such calendar connection.")
    return connection


@member_required
@require_GET
def calendars_page(request: MemberRequest) -> HttpResponse:
    connections = selectors.connections_of(
        organization_id=request.membership.organization_id, owner_id=request.user.id
    )
    return render(request, "calendars/calendars_page.html", {"connections": connections})


@member_required
@require_http_methods(["GET", "POST"])
def choose(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = own_connection(request, connection_id)
    calendars = list(connection.calendars.all())
    target_elsewhere = selectors.target_calendar_of(host_id=request.user.id)
    if target_elsewhere is not None and target_elsewhere.connection_id == connection.id:
        target_elsewhere = None
    initial = {
        "busy": [c.id for c in calendars if c.is_busy],
        "target": next((c.id for c in calendars if c.is_target), ""),
    }
    form = ChooseForm(request.POST or None, calendars=calendars, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_choices_save(
                connection=connection,
                busy_ids=form.cleaned_data["busy"],
                target_id=form.cleaned_data["target"],
            )
        except ChoiceRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your calendar choices are saved.")
            return redirect("calendars")
    status = 400 if form.is_bound else 200
    context = {"connection": connection, "form": form, "target_elsewhere": target_elsewhere}
    return render(request, "calendars/choose.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def remove(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = own_connection(request, connection_id)
    if request.method == "GET":
        return render(request, "calendars/remove.html", {"connection": connection})
    calendar_connection_remove(connection=connection)
    messages.success(
        request,
        format_html(
            "<bdi>{}</bdi> is removed: slotlink no longer reads its calendars, and its password "
            "is deleted here.",
            connection.label or connection.username,
        ),
    )
    return redirect("calendars")
