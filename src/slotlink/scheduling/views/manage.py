"""The invitee's links from the emails: reschedule (pick a new time) and cancel.

A link that was tampered with, replaced by a newer email, or already used gets the same
page: it says the link doesn't work and what to do instead, and changes nothing. A link
that was ours once (revoked, not tampered) also says what became of its booking since, and
leads to the booking's own page while the booking stands: its holder got that booking's
email, so they learn of that booking, and never of another. The lookup
here only shows the page; the change itself checks the link again under the booking's lock,
so a link used twice at once still acts once.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from slotlink.accounts.access import public
from slotlink.core.times import request_clock
from slotlink.scheduling.booking_forms import CancelForm, RescheduleForm
from slotlink.scheduling.models import Booking, BookingEvent, BookingToken
from slotlink.scheduling.picker import picker_for_request
from slotlink.scheduling.services.bookings import (
    BookingError,
    LinkExpired,
    booking_cancel,
    booking_reschedule,
)
from slotlink.scheduling.tokens import booking_for_token, revoked_token
from slotlink.scheduling.views.public import confirmation_url


def _invalid_link(request: HttpRequest, token: str) -> HttpResponse:
    context: dict[str, object] = {}
    if (old := revoked_token(token=token)) is not None:
        booking = old.booking
        moved = booking.history.filter(
            kind=BookingEvent.Kind.RESCHEDULED, at__gte=old.created_at
        ).exists()
        context = {
            "old_booking": booking,
            "moved": moved and not booking.is_cancelled,
            "newest_url": "" if booking.is_cancelled else confirmation_url(booking),
        }
    return render(request, "scheduling/link_invalid.html", context, status=404)


def _closed(request: HttpRequest, booking: Booking, message: str) -> HttpResponse:
    return render(
        request,
        "scheduling/booking_closed.html",
        {"booking": booking, "message": message},
        status=400,
    )


@public
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token=token, purpose=BookingToken.Purpose.RESCHEDULE)
    if booking is None:
        return _invalid_link(request, token)
    now = timezone.now()
    if booking.start <= now:
        return _closed(request, booking, "This booking has already started, so it can't be moved.")
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    refused: BookingError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            booking_reschedule(booking=booking, start=form.cleaned_data["start"], link_token=token)
        except LinkExpired:  # used (or replaced) since it was looked up above
            return _invalid_link(request, token)
        except BookingError as error:
            form.add_error(None, error.message)
            refused = error
        else:
            return redirect(confirmation_url(booking))
    # A browser naming no language reads the clock the invitee's did when they booked.
    clock = request_clock(request, known_clock=booking.invitee_clock)
    return render(
        request,
        "scheduling/reschedule.html",
        {
            "booking": booking,
            "event_type": booking.event_type,
            "form": form,
            "clock": clock,
            **picker_for_request(
                request,
                event_type=booking.event_type,
                now=now,
                default_time_zone=booking.invitee_time_zone,
                refused=refused is not None,
                excluding=booking,
                clock=clock,
            ),
        },
        status=409 if refused and refused.taken else 200,
    )


@public
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token=token, purpose=BookingToken.Purpose.CANCEL)
    if booking is None:
        return _invalid_link(request, token)
    if booking.start <= timezone.now():
        return _closed(
            request, booking, "This booking has already started, so it can't be cancelled."
        )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(booking=booking, reason=form.cleaned_data["reason"], link_token=token)
        except LinkExpired:
            return _invalid_link(request, token)
        except BookingError as error:
            return _closed(request, booking, error.message)
        return redirect(confirmation_url(booking))
    clock = request_clock(request, known_clock=booking.invitee_clock)
    return render(
        request, "scheduling/cancel.html", {"booking": booking, "form": form, "clock": clock}
    )
