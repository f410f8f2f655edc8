"""The event type editor's Share tab: its link to copy, the embed snippets, its QR code."""

from django.http import HttpResponse
from django.shortcuts import render

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.embed import inline_snippet, popup_snippet
from slotlink.scheduling.qr import qr_svg
from slotlink.scheduling.views.event_types import _event_type_or_404, _public_url


@member_required
def event_type_share(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    public_url = _public_url(request, event_type)
    return render(
        request,
        "scheduling/event_type_share.html",
        {
            "event_type": event_type,
            "public_url": public_url,
            "inline_snippet": inline_snippet(public_url, event_type.title),
            "popup_snippet": popup_snippet(public_url, event_type.title),
            "tab": "share",
        },
    )


@member_required
def event_type_qr(request: MemberRequest, event_type_id: int) -> HttpResponse:
    """The QR code of the event type's booking link, as an SVG the host can download."""
    event_type = _event_type_or_404(request, event_type_id)
    response = HttpResponse(qr_svg(_public_url(request, event_type)), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{event_type.slug}-qr.svg"'
    return response
