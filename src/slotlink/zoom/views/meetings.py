"""A booking's Zoom actions, from its details page: Recreate, Move it back, Try again,
Create Zoom meeting, for its meeting or its session's webinar."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.zoom.meetings.fixes import FixRefused, meeting_fix
from slotlink.zoom.models import ZoomMeeting, ZoomWebinar
from slotlink.zoom.webinars.fixes import webinar_fix


def _fixed(
    request: MemberRequest,
    model: type[ZoomMeeting] | type[ZoomWebinar],
    pk: int,
    fix: Callable[[int], str],
) -> HttpResponse:
    """The booking's host, or an admin of its organization, may act on its meeting or
    webinar; anyone else is told there is no such thing."""
    membership = request.membership
    row = model.objects.filter(pk=pk, organization_id=membership.organization_id).first()
    if row is None or not (membership.is_admin or row.host_id == request.user.id):
        raise Http404("No such Zoom meeting or webinar.")
    try:
        messages.success(request, fix(row.id))
    except FixRefused as refused:
        messages.error(request, refused.message)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("bookings")


@member_required
@require_POST
def meeting_fix_view(request: MemberRequest, meeting_id: int) -> HttpResponse:
    return _fixed(request, ZoomMeeting, meeting_id, lambda pk: meeting_fix(meeting_id=pk))


@member_required
@require_POST
def webinar_fix_view(request: MemberRequest, webinar_id: int) -> HttpResponse:
    return _fixed(request, ZoomWebinar, webinar_id, lambda pk: webinar_fix(webinar_id=pk))
