"""A booking's event in the host's calendar: putting it back after the host changed or
removed it there. Only the event's host may; for anyone else it is a 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.calendars import selectors
from slotlink.calendars.services.events import calendar_event_put_back


@member_required
@require_POST
def put_back(request: MemberRequest, event_id: int) -> HttpResponse:
    row = selectors.own_event(
        organization_id=request.membership.organization_id,
        host_id=request.user.id,
        event_id=event_id,
    )
    if row is None:
        raise Http404("No such event.")
    calendar_event_put_back(row)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/360/bookings/"
    return redirect(back)
