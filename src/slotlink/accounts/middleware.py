"""Puts the signed-in user's current organization membership on every request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from slotlink.accounts.selectors import membership_for

CURRENT_ORGANIZATION_SESSION_KEY = "current_organization_id"


class CurrentMembershipMiddleware:
    """Sets `request.membership`: the membership in the organization the user switched to
    (kept in the session), else their first; None for visitors and users without one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.membership = membership_for(  # type: ignore[attr-defined]
                user=request.user,
                organization_id=request.session.get(CURRENT_ORGANIZATION_SESSION_KEY),
            )
        return self.get_response(request)
