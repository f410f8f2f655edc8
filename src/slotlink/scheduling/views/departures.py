"""Removing a member (admins): a confirmation page that lists what it does, with a choice
for each of their bookings that hasn't started (another host, or cancel)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from slotlink.accounts.access import MemberRequest, admin_required
from slotlink.accounts.models import Membership
from slotlink.core.bidi import MixedText, isolated_plain
from slotlink.core.text import HiddenControlsRefused
from slotlink.scheduling.services.departures import (
    CANCEL,
    Departure,
    member_departure,
    member_remove,
)


class DepartureForm(HiddenControlsRefused, forms.Form):
    """One choice per booking that hasn't started: a host to take it, or cancel it."""

    def __init__(self, *args: object, departure: Departure, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose…"), (CANCEL, "Cancel it (the invitee is told)")] + [
            (str(host.id), f"Give it to {isolated_plain(host.get_full_name())}")
            for host in departure.hosts
        ]
        self.rows = []
        for booking in departure.future_bookings:
            name = f"booking_{booking.id}"
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                label=MixedText(
                    "{title} with {invitee}",
                    title=booking.event_type.title,
                    invitee=booking.invitee_name,
                ),
                error_messages={"required": "Choose a new host or cancel this booking."},
            )
            self.rows.append((booking, name))

    def decisions(self) -> dict[int, str]:
        return {booking.id: self.cleaned_data[name] for booking, name in self.rows}


@admin_required
@require_http_methods(["GET", "POST"])  # GET shows what it does; POST does it
def member_remove_view(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        id=membership_id,
        organization=request.membership.organization,
    )
    departure = member_departure(membership=membership)
    form = DepartureForm(request.POST if request.method == "POST" else None, departure=departure)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = member_remove(
                membership=membership, by=request.user, decisions=form.decisions()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = membership.user.get_full_name()
            count = len(cancelled)
            done = format_html(
                "<bdi>{}</bdi> is no longer a member of <bdi>{}</bdi>.{}",
                name,
                membership.organization.name,
                f" {count} booking{pluralize(count)} cancelled, each invitee told."
                if count
                else "",
            )
            messages.success(request, done)
            if membership.user_id == request.user.id:
                return redirect("home")
            return redirect("members")
    rows = [(booking, form[name]) for booking, name in form.rows]
    return render(
        request,
        "scheduling/member_remove.html",
        {"departure": departure, "member": membership, "form": form, "rows": rows},
    )
