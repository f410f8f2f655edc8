"""A host moves a booking from its page: the booking picker's free times (the same rules
as the invitee's, so a host can't overbook themselves), and a message for the invitee.

Who may move it is who may cancel it: the booking's host, or an admin of its organization
(`bookings_visible_to`); anyone else gets 404. A time taken meanwhile shows the picker
again with the refusal, and changes nothing.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.booking_forms import HostRescheduleForm
from slotlink.scheduling.picker import picker_for_request
from slotlink.scheduling.selectors import bookings_visible_to
from slotlink.scheduling.services.bookings import BookingError, booking_reschedule


@member_required
@require_http_methods(["GET", "POST"])  # GET shows the free times; POST moves the booking
def booking_host_reschedule(request: MemberRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(
        bookings_visible_to(membership=request.membership).select_related("organization"),
        pk=booking_id,
    )
    now = timezone.now()
    if booking.is_cancelled or booking.start <= now:
        why = "was cancelled" if booking.is_cancelled else "has already started"
        messages.error(request, f"This booking {why}, so it can't be moved.")
        return redirect("booking-detail", booking_id=booking.id)
    posted = request.method == "POST"
    form = HostRescheduleForm(request.POST if posted else None)
    refused: BookingError | None = None
    if posted and form.is_valid():
        try:
            booking_reschedule(
                booking=booking,
                start=form.cleaned_data["start"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except BookingError as error:
            form.add_error(None, error.message)
            refused = error
        else:
            messages.success(
                request,
                format_html(
                    "Moved. <bdi>{}</bdi> is told by email, with the new time.",
                    booking.invitee_name,
                ),
            )
            return redirect("booking-detail", booking_id=booking.id)
    return render(
        request,
        "scheduling/host_reschedule.html",
        {
            "booking": booking,
            "form": form,
            # The times in the host's zone, as on the booking's page, unless they pick one.
            **picker_for_request(
                request,
                event_type=booking.event_type,
                now=now,
                default_time_zone=booking.host.time_zone,
                refused=refused is not None,
                excluding=booking,
            ),
        },
        status=409 if refused and refused.taken else 200,
    )
