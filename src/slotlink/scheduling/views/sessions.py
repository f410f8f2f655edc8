"""Group sessions for hosts: cancelling a whole session at once, after a confirmation."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.booking_forms import CancelForm
from slotlink.scheduling.selectors import group_sessions_visible_to, live_session_bookings
from slotlink.scheduling.services.bookings import (
    SESSION_STARTED_MESSAGE,
    BookingError,
    group_session_cancel,
)


@member_required
@require_http_methods(["GET", "POST"])  # GET asks to confirm; POST cancels
def session_cancel(request: MemberRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        group_sessions_visible_to(membership=request.membership), pk=session_id
    )
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            cancelled = group_session_cancel(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            count = len(cancelled)
            messages.success(
                request,
                f"Cancelled the session: {count} booking{pluralize(count)}, each invitee told.",
            )
            return redirect("bookings")
    bookings = list(live_session_bookings(session=session).select_related("host"))
    return render(
        request,
        "scheduling/session_cancel.html",
        {
            "session": session,
            # Its times in the zone of the host of its bookings, as on their pages.
            "host": bookings[0].host if bookings else session.event_type.host,
            "bookings": bookings,
            "started": session.start <= timezone.now(),
            "started_message": SESSION_STARTED_MESSAGE,
            "form": form,
        },
    )
