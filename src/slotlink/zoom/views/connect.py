"""Connecting and disconnecting Zoom accounts: Connect buttons, Zoom's return, confirmations."""

import logging
from collections.abc import Callable, Mapping
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from slotlink.accounts.access import ACCESS_ATTRIBUTE, MemberRequest, member_required
from slotlink.zoom import selectors
from slotlink.zoom.authorization import (
    AuthorizationProblem,
    NeedsConfirmation,
    authorization_begin,
    authorization_complete,
    authorization_confirm,
    authorization_declined,
    marketplace_install_receive,
    pending_authorization,
)
from slotlink.zoom.authorization_refusals import WrongZoomAccount
from slotlink.zoom.callbacks import (
    CALLBACK_PARAMETERS,
    callback_hold,
    callback_take,
    code_arrival_claim,
)
from slotlink.zoom.connections import zoom_connection_disconnect
from slotlink.zoom.models import ZoomConnection
from slotlink.zoom.views.pages import zoom_enabled_required, zoom_sign_out_url

log = logging.getLogger("slotlink.zoom")
Role = ZoomConnection.Role
CONNECTED = "Zoom connected successfully!"
DECLINED = "access_denied"  # Zoom's answer when the person chose Decline (RFC 6749 §4.1.2.1)
ZOOM_WORDS_LIMIT = 200  # of Zoom's error text, in the log


def _session_key(request: MemberRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return str(request.session.session_key)


def _problem(request: MemberRequest, message: str) -> HttpResponse:
    return render(
        request,
        "zoom/problem.html",
        {"message": message, "zoom_sign_out_url": zoom_sign_out_url()},
        status=400,
    )


def _go_to_zoom(
    request: MemberRequest, role: str, reconnection: ZoomConnection | None = None
) -> HttpResponse:
    url = authorization_begin(
        user=request.user,
        organization=request.membership.organization,
        role=role,
        session_key=_session_key(request),
        reconnection=reconnection,
    )
    return HttpResponseRedirect(url)


@member_required
@require_POST
@zoom_enabled_required
def connect(request: MemberRequest) -> HttpResponse:
    """Connect Zoom / Connect my Zoom (personal) and Add shared org account (admins)."""
    role = request.POST.get("role", Role.PERSONAL)
    if role not in Role.values:
        return _problem(request, "Choose Connect my Zoom or Add shared org account.")
    if role == Role.ORG and not request.membership.is_admin:
        return _problem(request, "Only admins can add shared org accounts.")
    return _go_to_zoom(request, role)


@member_required
@require_POST
@zoom_enabled_required
def reconnect(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = selectors.connection_visible_to(
        membership=request.membership, connection_id=connection_id
    )
    if connection is None:
        raise Http404("No such Zoom connection.")
    if not connection.is_org_account and connection.owner_id != request.user.id:
        return _problem(
            request,
            f"Only {connection.owner.get_full_name()} can reconnect their own Zoom: ask them "
            "to use Reconnect on this page.",
        )
    return _go_to_zoom(request, connection.role, reconnection=connection)


def _held_until_signed_in(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """member_required, except that a signed-out browser's answer from Zoom waits in its
    session, and the browser is sent to sign in with a `next=` that names only where it
    waits: the code and state never travel in a URL again (callbacks.py)."""
    as_member = member_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            return as_member(request)
        params = {k: request.GET[k] for k in CALLBACK_PARAMETERS if k in request.GET}
        if not params:
            return redirect_to_login(reverse("zoom"))
        hold_id = callback_hold(session=request.session, params=params)
        return redirect_to_login(reverse("zoom-callback-resume", args=[hold_id]))

    setattr(wrapped, ACCESS_ATTRIBUTE, "member")
    return wrapped


@_held_until_signed_in
@require_GET
@zoom_enabled_required
def callback(request: MemberRequest) -> HttpResponse:
    """Where Zoom sends the browser back, with `code` (and `state`, unless the install was
    started from the Zoom Marketplace), or with an error."""
    return _zoom_returned(request, request.GET)


@member_required
@require_GET
@zoom_enabled_required
def callback_resume(request: MemberRequest, hold_id: str) -> HttpResponse:
    """After signing in: the answer from Zoom this browser brought while signed out."""
    try:
        params = callback_take(session=request.session, hold_id=hold_id)
    except AuthorizationProblem as problem:
        return _problem(request, problem.message)
    return _zoom_returned(request, params)


def _zoom_returned(request: MemberRequest, params: Mapping[str, str]) -> HttpResponse:
    code = params.get("code", "")
    if params.get("error") or not code:
        return _zoom_said_no(request, params)
    try:
        # Before the state is spent or the code exchanged: another browser's code is
        # refused with neither (a leaked callback URL pasted elsewhere).
        code_arrival_claim(code=code, session=request.session)
        if "state" in params:
            result = authorization_complete(
                state=params["state"],
                code=code,
                membership=request.membership,
                session_key=_session_key(request),
            )
        else:
            result = marketplace_install_receive(
                code=code, membership=request.membership, session_key=_session_key(request)
            )
    except WrongZoomAccount as wrong:
        return render(
            request,
            "zoom/wrong_account.html",
            {"wrong": wrong, "zoom_sign_out_url": zoom_sign_out_url()},
            status=400,
        )
    except AuthorizationProblem as problem:
        return _problem(request, problem.message)
    if isinstance(result, NeedsConfirmation):
        return redirect("zoom-confirm", authorization_id=result.authorization_id)
    messages.success(request, CONNECTED)
    return redirect("integrations")


def _zoom_said_no(request: MemberRequest, params: Mapping[str, str]) -> HttpResponse:
    """Zoom sent the browser back without a code. Its own words (`error_description`) go
    to the log, not the page: the page says what happened in ours, and what to do."""
    error = params.get("error", "")
    log.info(
        "zoom.authorization.refused error=%r description=%r",
        error[:ZOOM_WORDS_LIMIT],
        params.get("error_description", "")[:ZOOM_WORDS_LIMIT],
    )
    if error != DECLINED:
        return render(request, "zoom/cannot_authorize.html", status=400)
    trip = None
    if params.get("state"):
        trip = authorization_declined(
            state=params["state"],
            membership=request.membership,
            session_key=_session_key(request),
        )
    return render(
        request,
        "zoom/declined.html",
        {
            "role": trip.role if trip and trip.role else Role.PERSONAL,
            "reconnection": trip.reconnection if trip else None,
        },
        status=400,
    )


@member_required
@require_http_methods(["GET", "POST"])
@zoom_enabled_required
def confirm(request: MemberRequest, authorization_id: int) -> HttpResponse:
    """Connect this Zoom account? Names it and its role before anything changes."""
    try:
        authorization = pending_authorization(
            authorization_id=authorization_id,
            membership=request.membership,
            session_key=_session_key(request),
        )
    except AuthorizationProblem as problem:
        return _problem(request, problem.message)
    assert authorization.profile is not None
    existing = (
        ZoomConnection.objects.select_related("owner")
        .filter(
            organization_id=request.membership.organization_id,
            zoom_user__zoom_user_id=authorization.profile["zoom_user_id"],
        )
        .first()
    )
    if request.method == "POST":
        role = authorization.role or request.POST.get("role", "")
        try:
            authorization_confirm(
                authorization=authorization, membership=request.membership, role=role
            )
        except AuthorizationProblem as problem:
            return _problem(request, problem.message)
        messages.success(request, CONNECTED)
        return redirect("integrations")
    return render(
        request,
        "zoom/confirm.html",
        {
            "authorization": authorization,
            "profile": authorization.profile,
            "existing": existing,
            "new_role_label": Role(authorization.role).label if authorization.role else "",
            "zoom_sign_out_url": zoom_sign_out_url(),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def disconnect(request: MemberRequest, connection_id: int) -> HttpResponse:
    """Revoke slotlink's access at Zoom and delete the stored tokens, after a confirmation."""
    connection = selectors.connection_visible_to(
        membership=request.membership, connection_id=connection_id
    )
    if connection is None:
        raise Http404("No such Zoom connection.")
    if request.method == "GET":
        return render(request, "zoom/disconnect.html", {"connection": connection})
    done = zoom_connection_disconnect(connection=connection)
    if done.revoke_failed:
        messages.warning(
            request,
            format_html(
                "<bdi>{}</bdi> is disconnected and its tokens are deleted here, but Zoom could "
                "not be told just now. To be sure, remove slotlink in the Zoom App "
                "Marketplace (Manage &gt; Added Apps).",
                done.zoom_email,
            ),
        )
        return redirect("zoom")
    messages.success(
        request,
        format_html(
            "<bdi>{}</bdi> is disconnected. Bookings made before keep their Zoom links.",
            done.zoom_email,
        ),
    )
    return redirect("zoom")
