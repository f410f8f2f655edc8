"""Blocked addresses and emails: a host or admin of the organization lists them, blocks
one (from the bookings page's list of refused bookings, or typed in), and unblocks one."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.limits.blocks import booking_block_add, booking_block_remove
from slotlink.scheduling.limits.forms import BookingBlockForm
from slotlink.scheduling.limits.selectors import blocks_of


@member_required
def booking_blocks(request: MemberRequest) -> HttpResponse:
    form = BookingBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        block = booking_block_add(
            organization_id=request.membership.organization_id,
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data["value"],
            by=request.user,
        )
        messages.success(
            request,
            format_html(
                "Blocked <bdi>{}</bdi>: it can't book with <bdi>{}</bdi> anymore. Bookings it made "
                "before stay.",
                block.value,
                request.membership.organization.name,
            ),
        )
        return redirect("booking-blocks")
    return render(
        request,
        "scheduling/booking_blocks.html",
        {"blocks": blocks_of(membership=request.membership), "form": form},
        status=400 if form.errors else 200,
    )


@member_required
@require_POST
def booking_block_remove_view(request: MemberRequest, block_id: int) -> HttpResponse:
    block = get_object_or_404(blocks_of(membership=request.membership), pk=block_id)
    booking_block_remove(block=block, by=request.user)
    messages.success(
        request, format_html("Unblocked <bdi>{}</bdi>: it can book again.", block.value)
    )
    return redirect("booking-blocks")
