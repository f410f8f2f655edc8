"""The host's webinar sessions: registrants and attendance, Refresh from Zoom, CSV export."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.core.ids import parse_id
from slotlink.core.spreadsheets import SafeCsvWriter
from slotlink.zoom.models import ZoomRegistrant, ZoomWebinar
from slotlink.zoom.webinars.attendance import attendance_read


def _visible(request: MemberRequest) -> "Q":
    """Admins see every session of their organization; hosts see their own."""
    mine = Q(organization_id=request.membership.organization_id)
    return mine if request.membership.is_admin else mine & Q(host_id=request.user.id)


@member_required
@require_GET
def webinar_list(request: MemberRequest) -> HttpResponse:
    webinars = (
        ZoomWebinar.objects.filter(_visible(request))
        .annotate(
            seats=Count("registrants", filter=Q(registrants__live=True)),
            attended=Count(
                "registrants",
                filter=Q(registrants__live=True, registrants__attendance="attended"),
            ),
            no_shows=Count(
                "registrants", filter=Q(registrants__live=True, registrants__attendance="no_show")
            ),
        )
        .order_by("-start")[:200]
    )
    return render(request, "zoom/webinars.html", {"webinars": webinars})


@member_required
@require_POST
def webinar_attendance_refresh(request: MemberRequest, webinar_id: int) -> HttpResponse:
    webinar = ZoomWebinar.objects.filter(_visible(request), pk=webinar_id).first()
    if webinar is None:
        raise Http404("No such webinar.")
    messages.info(request, attendance_read(webinar_id=webinar.id))
    return redirect("zoom-webinars")


@member_required
@require_GET
def webinar_export(request: MemberRequest) -> HttpResponse:
    """Registrants with attendance, for one session (`session`) or one event type
    (`event_type`), as CSV."""
    session = parse_id(request.GET.get("session", ""))
    event_type = parse_id(request.GET.get("event_type", ""))
    webinars = ZoomWebinar.objects.filter(_visible(request))
    if session is not None:
        webinars = webinars.filter(group_session_id=session)
        name = f"zoom-webinar-session-{session}.csv"
    elif event_type is not None:
        webinars = webinars.filter(event_type_id=event_type)
        name = f"zoom-webinar-event-type-{event_type}.csv"
    else:
        return HttpResponse(
            "Say which session (?session=<id>) or event type (?event_type=<id>) to export.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = SafeCsvWriter(response)
    writer.writerow(
        [
            "session start (UTC)",
            "webinar",
            "booking",
            "first name",
            "last name",
            "email",
            "registration",
            "attendance",
            "minutes attended",
        ]
    )
    registrants = ZoomRegistrant.objects.select_related("webinar").filter(webinar__in=webinars)
    for registrant in registrants.order_by("webinar__start", "id"):
        writer.writerow(
            [
                f"{registrant.webinar.start:%Y-%m-%d %H:%M}",
                registrant.webinar.topic,
                registrant.booking_id,
                registrant.first_name,
                registrant.last_name,
                registrant.email,
                "registered" if registrant.live else "cancelled",
                registrant.get_attendance_display() if registrant.attendance else "",
                registrant.minutes_attended or "",
            ]
        )
    return response
