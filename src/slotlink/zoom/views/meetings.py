"""A booking's Zoom meeting actions, from its details page: Recreate, Move it back, Try again."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.zoom.meetings.fixes import meeting_fix
from slotlink.zoom.models import ZoomMeeting


@member_required
@require_POST
def meeting_fix_view(request: MemberRequest, meeting_id: int) -> HttpResponse:
    """The booking's host, or an admin of its organization, may act on its meeting."""
    membership = request.membership
    meeting = ZoomMeeting.objects.filter(
        pk=meeting_id, organization_id=membership.organization_id
    ).first()
    if meeting is None or not (membership.is_admin or meeting.host_id == request.user.id):
        raise Http404("No such Zoom meeting.")
    messages.success(request, meeting_fix(meeting_id=meeting.id))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("bookings")
