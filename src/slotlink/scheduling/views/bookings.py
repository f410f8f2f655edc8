"""Bookings for hosts: upcoming and past, one booking's details, and cancelling it (or,
from a group booking, a link to cancelling its whole session)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.booking_forms import CancelForm
from slotlink.scheduling.locations import booking_link_for, booking_links
from slotlink.scheduling.models import Booking
from slotlink.scheduling.selectors import bookings_for, bookings_visible_to, session_bookings
from slotlink.scheduling.services.bookings import BookingError, booking_cancel

LIST_LIMIT = 200


@member_required
def booking_list(request: MemberRequest) -> HttpResponse:
    past = request.GET.get("show") == "past"
    bookings = list(
        bookings_for(membership=request.membership, upcoming=not past, now=timezone.now())[
            :LIST_LIMIT
        ]
    )
    links = booking_links(bookings)  # one conferencing lookup for the whole page
    return render(
        request,
        "scheduling/booking_list.html",
        {"rows": [(booking, links[booking.id]) for booking in bookings], "past": past},
    )


def _booking_or_404(request: MemberRequest, booking_id: int) -> Booking:
    return get_object_or_404(bookings_visible_to(membership=request.membership), pk=booking_id)


@member_required
def booking_detail(
    request: MemberRequest, booking_id: int, form: CancelForm | None = None
) -> HttpResponse:
    booking = _booking_or_404(request, booking_id)
    others = list(session_bookings(booking=booking))
    now = timezone.now()
    return render(
        request,
        "scheduling/booking_detail.html",
        {
            "booking": booking,
            # The host's page: the link, or why there is none and the action that fixes it.
            "link": booking_link_for(booking),
            "history": booking.history.select_related("actor"),
            "others": others,
            "can_cancel": not booking.is_cancelled and booking.start > now,
            # The whole session, while it is ahead and anyone is still booked into it.
            "can_cancel_session": booking.session_id is not None
            and booking.start > now
            and (not booking.is_cancelled or bool(others)),
            "form": form or CancelForm(),
        },
    )


@member_required
@require_POST
def booking_host_cancel(request: MemberRequest, booking_id: int) -> HttpResponse:
    booking = _booking_or_404(request, booking_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            booking_cancel(booking=booking, reason=form.cleaned_data["reason"], by=request.user)
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Cancelled. {booking.invitee_name} is told by email.")
            return redirect("booking-detail", booking_id=booking.id)
    return booking_detail(request, booking_id, form=form)
