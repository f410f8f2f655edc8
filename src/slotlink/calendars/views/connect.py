"""Connecting a CalDAV account, and Reconnect with a new app password. A server that
refuses re-shows the form with its reason, and nothing is written."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.calendars.client import CalendarError
from slotlink.calendars.forms import ConnectForm, ReconnectForm
from slotlink.calendars.services.connections import (
    AlreadyConnected,
    calendar_connection_create,
    calendar_connection_reconnect,
)
from slotlink.calendars.views.pages import own_connection


@member_required
@require_http_methods(["GET", "POST"])
def connect(request: MemberRequest) -> HttpResponse:
    form = ConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection = calendar_connection_create(
                organization=request.membership.organization,
                owner=request.user,
                address=data["address"],
                username=data["username"],
                password=data["password"],
                label=data["label"],
            )
        except (CalendarError, AlreadyConnected) as refused:
            form.add_error(None, refused.words)
        else:
            messages.success(
                request,
                "Calendar connected. Untick any calendar that should not count as busy, "
                "and pick the one your bookings are added to.",
            )
            return redirect("calendars-choose", connection.id)
    status = 400 if form.is_bound else 200
    return render(request, "calendars/connect.html", {"form": form}, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def reconnect(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = own_connection(request, connection_id)
    form = ReconnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_connection_reconnect(
                connection=connection, password=form.cleaned_data["password"]
            )
        except CalendarError as refused:
            form.add_error(None, refused.words)
        else:
            messages.success(request, "Calendar reconnected. Your calendar choices are kept.")
            return redirect("calendars")
    status = 400 if form.is_bound else 200
    context = {"connection": connection, "form": form}
    return render(request, "calendars/reconnect.html", context, status=status)
