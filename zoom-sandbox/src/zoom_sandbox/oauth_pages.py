"""The browser side of Zoom OAuth: sign-in, pre-approval, consent, and the redirect back.

`GET /oauth/authorize` checks the app's parameters (an unregistered `redirect_uri` never
gets a redirect, only an error page), then walks the signed-in user through:
pre-approval when their account requires it ("You cannot authorize <app>" with
"Request pre-approve"), consent the first time, and finally a redirect to the app with
a 5-minute, single-use `code` and the `state` it was given. Every form here carries the
browser's CSRF token (sessions.py), sign-in's included, and a post without it is refused.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zoom_sandbox.forms import form_fields
from zoom_sandbox.grants import code_issue
from zoom_sandbox.passwords import password_matches
from zoom_sandbox.preapproval import (
    cannot_authorize_page,
    needs_preapproval,
    preapproval_request,
)
from zoom_sandbox.render import fragment, join, message_page, page
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.sessions import (
    CSRF_FIELD,
    csrf_ok,
    csrf_token,
    form_out_of_date,
    local_path,
    set_browser_id,
    sign_in,
    sign_in_csrf_token,
    sign_out,
    signed_in_user,
    to_sign_in,
)
from zoom_sandbox.state import User, grant_key

log = logging.getLogger("zoom_sandbox")


@dataclass(frozen=True)
class AuthorizeRequest:
    redirect_uri: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str
    query: str  # the original query string, carried through the pages

    @property
    def again(self) -> str:
        return "/oauth/authorize?" + self.query


class AuthorizeRefused(Exception):
    def __init__(self, title: str, text: str, detail: dict[str, object]) -> None:
        super().__init__(text)
        self.title, self.text, self.detail = title, text, detail

    def response(self) -> Response:
        body = fragment(
            "oauth_error.html", title=self.title, text=self.text, detail=json.dumps(self.detail)
        )
        return page(self.title, body, status=400)


def read_authorize_request(sandbox: Sandbox, query: str) -> AuthorizeRequest:
    params = dict(parse_qsl(query, keep_blank_values=True))
    app = sandbox.app
    if params.get("client_id") != app.client_id:
        raise AuthorizeRefused(
            "Invalid client_id",
            "This app is not registered with Zoom.",
            {"status": False, "errorCode": 4702, "errorMessage": "Invalid client_id"},
        )
    if params.get("redirect_uri") != app.redirect_uri:
        raise AuthorizeRefused(
            "Invalid redirect",
            f"The redirect URL {params.get('redirect_uri')!r} is not the one registered "
            "for this app.",
            {"status": False, "errorCode": 4700, "errorMessage": "Invalid redirect url"},
        )
    if params.get("response_type") != "code":
        raise AuthorizeRefused(
            "Unsupported response type",
            "response_type must be code.",
            {"status": False, "errorCode": 4703, "errorMessage": "Unsupported response type"},
        )
    method = params.get("code_challenge_method") or "plain"
    if method not in ("S256", "plain"):
        raise AuthorizeRefused(
            "Invalid code challenge method",
            "code_challenge_method must be S256 or plain.",
            {"status": False, "errorCode": 4700, "errorMessage": "Invalid code_challenge_method"},
        )
    return AuthorizeRequest(
        redirect_uri=params["redirect_uri"],
        state=params.get("state"),
        code_challenge=params.get("code_challenge") or None,
        code_challenge_method=method,
        query=query,
    )


def redirect_with(uri: str, params: dict[str, str | None]) -> RedirectResponse:
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(f"{uri}{separator}{extra}", status_code=302)


def issue_code(sandbox: Sandbox, user: User, auth: AuthorizeRequest) -> RedirectResponse:
    code = code_issue(
        sandbox,
        user=user,
        redirect_uri=auth.redirect_uri,
        code_challenge=auth.code_challenge,
        code_challenge_method=auth.code_challenge_method,
    )
    return redirect_with(auth.redirect_uri, {"code": code, "state": auth.state})


def _authorizing_user(
    sandbox: Sandbox, request: Request, query: str
) -> tuple[AuthorizeRequest, User] | Response:
    """The authorize request and the signed-in Zoom user behind it, or the page to show
    instead: the refusal of a bad request, or sign-in (which comes back here after)."""
    try:
        auth = read_authorize_request(sandbox, query)
    except AuthorizeRefused as refused:
        return refused.response()
    user = signed_in_user(sandbox, request)
    if user is None:
        return to_sign_in(auth.again)
    return auth, user


async def authorize(request: Request) -> Response:
    sandbox = sandbox_of(request)
    found = _authorizing_user(sandbox, request, request.url.query)
    if isinstance(found, Response):
        return found
    auth, user = found
    if needs_preapproval(sandbox, user):
        return cannot_authorize(sandbox, request, user, auth)
    if grant_key(user.id, sandbox.app.client_id) in sandbox.state.grants:
        # Zoom does not ask again for an app the user has already added.
        return issue_code(sandbox, user, auth)
    scopes = join([fragment("scope_item.html", scope=s) for s in sandbox.app.scopes.split()])
    body = fragment(
        "consent.html",
        app_name=sandbox.app.name,
        email=user.email,
        name=user.display_name,
        again=auth.again,
        scopes=scopes,
        query=auth.query,
        csrf=csrf_token(request),
    )
    return page(f"Authorize {sandbox.app.name}", body, signed_in_as=user.email)


def cannot_authorize(
    sandbox: Sandbox, request: Request, user: User, auth: AuthorizeRequest
) -> Response:
    return cannot_authorize_page(
        sandbox,
        user,
        action="/oauth/authorize/request-preapproval",
        fields={"authorize": auth.query, CSRF_FIELD: csrf_token(request)},
        again=auth.again,
    )


async def consent(request: Request) -> Response:
    sandbox = sandbox_of(request)
    form = await form_fields(request)
    found = _authorizing_user(sandbox, request, form.get("authorize", ""))
    if isinstance(found, Response):
        return found
    auth, user = found
    if not csrf_ok(request, form):
        return form_out_of_date(auth.again)
    if needs_preapproval(sandbox, user):
        return cannot_authorize(sandbox, request, user, auth)
    if form.get("decision") != "allow":
        log.info("sandbox.oauth.declined user=%s", user.id)
        return redirect_with(
            auth.redirect_uri,
            {
                "error": "access_denied",
                "error_description": "The user declined to authorize the app.",
                "state": auth.state,
            },
        )
    return issue_code(sandbox, user, auth)


async def request_preapproval(request: Request) -> Response:
    sandbox = sandbox_of(request)
    form = await form_fields(request)
    found = _authorizing_user(sandbox, request, form.get("authorize", ""))
    if isinstance(found, Response):
        return found
    auth, user = found
    if not csrf_ok(request, form):
        return form_out_of_date(auth.again)
    preapproval_request(sandbox, user)
    return cannot_authorize(sandbox, request, user, auth)


async def signin_form(request: Request) -> Response:
    next_path = local_path(request.query_params.get("next"))
    token, new_browser = sign_in_csrf_token(request)
    body = fragment("signin.html", next=next_path, email="", error="", csrf=token)
    response = page("Sign in", body)
    set_browser_id(response, new_browser)
    return response


async def signin(request: Request) -> Response:
    sandbox = sandbox_of(request)
    form = await form_fields(request)
    next_path = local_path(form.get("next"))
    if not csrf_ok(request, form):
        # Another site's form, or one from before a restart: nobody is signed in.
        log.info("sandbox.signin.csrf-refused")
        return form_out_of_date(f"/signin?next={quote(next_path, safe='')}")
    user = sandbox.state.user_by_email(form.get("email", ""))
    if user is None or not password_matches(form.get("password", ""), user.password_hash):
        body = fragment(
            "signin.html",
            next=next_path,
            email=form.get("email", ""),
            error="Incorrect email or password.",
            csrf=csrf_token(request),
        )
        return page("Sign in", body, status=401)
    response = RedirectResponse(next_path, status_code=303)
    sign_in(sandbox, response, user)
    return response


async def signout(request: Request) -> Response:
    sandbox = sandbox_of(request)
    next_path = request.query_params.get("next")
    response: Response
    if next_path:
        response = RedirectResponse(local_path(next_path), status_code=302)
    else:
        response = message_page("Signed out", "You are signed out of the Zoom sandbox.")
    sign_out(sandbox, request, response)
    return response
