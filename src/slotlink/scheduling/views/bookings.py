"""Bookings for hosts: the list (filtered, a row per group session) and its CSV export;
one booking's details, and cancelling it (or, from a group booking, a link to cancelling
its whole session); starting its event as its host (a webinar). Hosts see each booking's
link as its host may (`BookingLink.for_host`): never an invitee's personal link."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.conferencing import calendars, seam
from slotlink.scheduling.booking_csv import bookings_csv_write
from slotlink.scheduling.booking_filters import STATUS_CHOICES, BookingFilterForm
from slotlink.scheduling.booking_forms import CancelForm
from slotlink.scheduling.booking_list import booking_rows_page, filtered_bookings
from slotlink.scheduling.limits.refusals import KEPT as REFUSALS_KEPT
from slotlink.scheduling.limits.selectors import refusal_summary, refusals_seen_by
from slotlink.scheduling.locations import booking_link_for, booking_ref
from slotlink.scheduling.models import Booking
from slotlink.scheduling.questions.answers import answered
from slotlink.scheduling.reminders.selectors import reminders_sent
from slotlink.scheduling.selectors import (
    bookings_visible_to,
    event_types_for,
    session_bookings,
)
from slotlink.scheduling.services.bookings import BookingError, booking_cancel


def _filter_form(request: MemberRequest) -> BookingFilterForm:
    return BookingFilterForm(
        request.GET,
        membership=request.membership,
        time_zone=request.user.time_zone,
        event_types=event_types_for(membership=request.membership),
    )


@member_required
@require_GET
def booking_list(request: MemberRequest) -> HttpResponse:
    """The bookings the viewer may see that the filters in the URL keep: a row per booking,
    a row per group session with its seats. A bad filter is shown with its words (400) and
    filters nothing."""
    form = _filter_form(request)
    valid = form.is_valid()
    now = timezone.now()
    bookings = filtered_bookings(membership=request.membership, filters=form.filters(), now=now)
    page, rows = booking_rows_page(
        bookings=bookings, filters=form.filters(), page_number=request.GET.get("page")
    )
    refused = refusals_seen_by(membership=request.membership, since=now - REFUSALS_KEPT)
    query = request.GET.copy()
    query.pop("page", None)
    tabs = []
    for value, label in STATUS_CHOICES:  # each status with the other filters kept
        tab = query.copy()
        tab["status"] = value
        tabs.append((value, label, tab.urlencode()))
    return render(
        request,
        "scheduling/booking_list.html",
        {
            "form": form,
            "status": form.filters().status,
            "tabs": tabs,
            "filtered": any(form.data.get(name) for name in form.fields if name != "status"),
            "rows": rows,
            "now": now,  # a session ahead with seats taken offers to move or cancel it
            "page": page,
            # The filters, for the pages' and the export's links (the page number apart).
            "query": query.urlencode(),
            # A flood the booking limits held back, with a way to block who sent it.
            "refusals": refusal_summary(refused),
        },
        status=200 if valid else 400,
    )


@member_required
@require_GET
def booking_export(request: MemberRequest) -> HttpResponse:
    """The list's bookings as CSV (booking_csv.py): every booking the filters keep, on every
    page. Bad filters export nothing: the file would hold rows nobody asked for."""
    form = _filter_form(request)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else name}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponse(
            "Nothing exported: fix the filters first.\n" + "\n".join(problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    bookings = filtered_bookings(
        membership=request.membership, filters=form.filters(), now=timezone.now()
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    today = timezone.localdate(timezone=ZoneInfo(request.user.time_zone))
    response["Content-Disposition"] = f'attachment; filename="bookings-{today:%Y-%m-%d}.csv"'
    bookings_csv_write(response, bookings.select_related("event_type", "host"))
    return response


def _booking_or_404(request: MemberRequest, booking_id: int) -> Booking:
    return get_object_or_404(bookings_visible_to(membership=request.membership), pk=booking_id)


@member_required
def booking_detail(
    request: MemberRequest, booking_id: int, form: CancelForm | None = None
) -> HttpResponse:
    booking = _booking_or_404(request, booking_id)
    others = list(session_bookings(booking=booking))
    now = timezone.now()
    link = booking_link_for(booking).for_host()
    return render(
        request,
        "scheduling/booking_detail.html",
        {
            "booking": booking,
            # The host's page: the link, or why there is none and the action that fixes it.
            "link": link,
            # Only its host starts the event as host (an admin sees the page, not the button).
            "can_start": bool(link.host_start_label)
            and request.user.id == booking.host_id
            and not booking.is_cancelled,
            # The booking's event in the host's own calendar, when there is news of it.
            "calendar_notes": calendars.event_notes(
                booking_id=booking.id, session_id=booking.session_id
            ),
            "history": booking.history.select_related("actor"),
            "reminders_sent": reminders_sent(booking=booking),
            "answers": answered(booking.answers),
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
            messages.success(
                request,
                format_html("Cancelled. <bdi>{}</bdi> is told by email.", booking.invitee_name),
            )
            return redirect("booking-detail", booking_id=booking.id)
    return booking_detail(request, booking_id, form=form)


@member_required
@require_POST
@never_cache
def booking_host_start(request: MemberRequest, booking_id: int) -> HttpResponse:
    """Start the booking's event as its host: a start link asked of the provider now (it is
    short-lived and signs its bearer in as the host), sent to the host's browser only."""
    booking = _booking_or_404(request, booking_id)
    if request.user.id != booking.host_id:
        raise PermissionDenied("Only the booking's host can start it as host.")
    if booking.is_cancelled:
        messages.error(request, "This booking was cancelled: start the session from a live one.")
        return redirect("booking-detail", booking_id=booking.id)
    try:
        start_url = seam.host_start_url(booking.location_kind, booking_ref(booking))
    except seam.HostStartUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect("booking-detail", booking_id=booking.id)
    response = redirect(start_url)
    response.status_code = 303
    response["Referrer-Policy"] = "no-referrer"
    return response
