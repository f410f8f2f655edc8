"""Host pages for event types (the editor and bookings arrive with the scheduling issue)."""

from django.http import HttpResponse
from django.shortcuts import render

from slotlink.accounts.access import MemberRequest, member_required


@member_required
def event_type_list(request: MemberRequest) -> HttpResponse:
    return render(request, "scheduling/event_type_list.html")
