"""Who may see a page: every view says so with one of the decorators here.

Pages in the app shell are for members of an organization (`member_required`) or its
admins (`admin_required`); pages of another organization's objects answer 404 (their
existence is not disclosed); admin-only pages answer 403 with words a member can act on.
Pages for anyone (public booking pages, webhooks, sign-in) are marked `public`, and must
check their own tokens or signatures. A test walks the URL map and fails on any view that
declares none of these.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from slotlink.accounts.models import Membership, User

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class MemberRequest(HttpRequest):
    """The request a view behind `member_required` receives (for type checking)."""

    user: User
    membership: Membership


NO_ORGANIZATION_MESSAGE = (
    "Your account is not a member of any organization yet. "
    "Ask an admin of your organization to add you."
)
ADMIN_ONLY_MESSAGE = (
    "Only organization admins can open this page. Ask an admin if you need a change here."
)


ACCESS_ATTRIBUTE = "slotlink_access"


def public(view: View) -> View:
    """Anyone may open this page; the view checks its own tokens or signatures."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def member_required(view: View) -> View:
    """The user is signed in and belongs to an organization (`request.membership`)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "membership", None) is None:
            raise PermissionDenied(NO_ORGANIZATION_MESSAGE)
        return view(request, *args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "member")
    return wrapped  # type: ignore[return-value]


def admin_required(view: View) -> View:
    """The user is an admin of their current organization."""

    @member_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not cast(MemberRequest, request).membership.is_admin:
            raise PermissionDenied(ADMIN_ONLY_MESSAGE)
        return view(request, *args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "admin")
    return wrapped  # type: ignore[return-value]


PLATFORM_STAFF_MESSAGE = (
    "Only the people who run this slotlink installation (Django staff) can open this page."
)


def platform_staff_required(view: View) -> View:
    """The user runs the installation (`is_staff`), not one organization; in demo mode an
    organization admin too, since the demo's admin is the only operator there is."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = getattr(request, "membership", None)
        demo_admin = settings.DEMO and membership is not None and membership.is_admin
        if not (request.user.is_staff or demo_admin):
            raise PermissionDenied(PLATFORM_STAFF_MESSAGE)
        return view(request, *args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "staff")
    return wrapped  # type: ignore[return-value]


def demo_only(view: View) -> View:
    """The page exists only in demo mode (`make run`); elsewhere it is 404 for everyone."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.DEMO:
            raise Http404("This page exists only in the demo.")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
