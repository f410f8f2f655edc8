"""Group sessions for hosts: cancelling a whole session at once, after a confirmation, or
moving it: the whole session to another free time, or (through each booking's own page)
one seat."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.booking_forms import CancelForm, HostRescheduleForm
from slotlink.scheduling.models import GroupSession
from slotlink.scheduling.picker import picker_for_request
from slotlink.scheduling.selectors import group_sessions_visible_to, live_session_bookings
from slotlink.scheduling.services.bookings import BookingError
from slotlink.scheduling.services.session_cancels import (
    SESSION_STARTED_MESSAGE,
    group_session_cancel,
)
from slotlink.scheduling.services.session_moves import (
    SESSION_MOVE_STARTED_MESSAGE,
    group_session_reschedule,
)


def _session_or_404(request: MemberRequest, session_id: int) -> GroupSession:
    return get_object_or_404(
        group_sessions_visible_to(membership=request.membership), pk=session_id
    )


@member_required
@require_http_methods(["GET", "POST"])  # GET asks to confirm; POST cancels
def session_cancel(request: MemberRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(request, session_id)
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


@member_required
@require_http_methods(["GET", "POST"])  # GET shows the free times; POST moves the session
def session_reschedule(request: MemberRequest, session_id: int) -> HttpResponse:
    """Move every seat of the session to a free time, each invitee told once; or follow a
    seat's link to move that booking alone. Who may is who may cancel the session."""
    session = _session_or_404(request, session_id)
    now = timezone.now()
    posted = request.method == "POST"
    form = HostRescheduleForm(request.POST if posted else None)
    form.fields["message"].label = "Message to the invitees (optional)"
    refused: BookingError | None = None
    if posted and form.is_valid():
        try:
            moved = group_session_reschedule(
                session=session,
                start=form.cleaned_data["start"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except BookingError as error:
            form.add_error(None, error.message)
            refused = error
        else:
            count = len(moved)
            messages.success(
                request,
                f"Moved the session: {count} booking{pluralize(count)}, each invitee told.",
            )
            return redirect("booking-detail", booking_id=moved[0].id)
    bookings = list(live_session_bookings(session=session).select_related("host"))
    host = bookings[0].host if bookings else session.event_type.host
    return render(
        request,
        "scheduling/session_reschedule.html",
        {
            "session": session,
            "host": host,
            "bookings": bookings,
            "started": session.start <= now,
            "started_message": SESSION_MOVE_STARTED_MESSAGE,
            "form": form,
            **picker_for_request(
                request,
                event_type=session.event_type,
                now=now,
                default_time_zone=host.time_zone,
                refused=refused is not None,
                moving_session=session,
            ),
        },
        status=409 if refused and refused.taken else 200,
    )
