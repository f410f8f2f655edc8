"""The Integrations page: one section per kind of integration, cards from providers."""

from django.http import HttpResponse
from django.shortcuts import render

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.conferencing.calendars import calendar_providers
from slotlink.conferencing.seam import providers


@member_required
def integrations(request: MemberRequest) -> HttpResponse:
    cards = [
        card
        for provider in providers()
        if (
            card := provider.integration_card(
                organization_id=request.membership.organization_id,
                user_id=request.user.id,
                is_admin=request.membership.is_admin,
            )
        )
    ]
    calendar_cards = [
        card
        for provider in calendar_providers()
        if (
            card := provider.integration_card(
                organization_id=request.membership.organization_id, user_id=request.user.id
            )
        )
    ]
    return render(
        request,
        "conferencing/integrations.html",
        {"video_cards": cards, "calendar_cards": calendar_cards},
    )
