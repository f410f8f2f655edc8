"""Helpers for the OAuth tests: the authorize URL, a code, a token request."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from zoom_sandbox.testing import ZoomSandbox

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback/"


def authorize_url(zoom_sandbox: ZoomSandbox, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": zoom_sandbox.client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "opaque-state",
        **extra,
    }
    return f"{zoom_sandbox.authorize_url}?{urlencode(params)}"


def code_from(location: str) -> str:
    assert location.startswith(REDIRECT_URI)
    return parse_qs(urlsplit(location).query)["code"][0]


def exchange(zoom_sandbox: ZoomSandbox, **form: str) -> httpx.Response:
    return httpx.post(
        zoom_sandbox.token_url,
        data=form,
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )


def exchange_with_form_credentials(zoom_sandbox: ZoomSandbox, **form: str) -> httpx.Response:
    """A token request carrying the client's id and secret as form fields
    (client_secret_post) rather than HTTP Basic."""
    client = {"client_id": zoom_sandbox.client_id, "client_secret": zoom_sandbox.client_secret}
    return httpx.post(zoom_sandbox.token_url, data={**client, **form})


def get_code(zoom_sandbox: ZoomSandbox, user: dict, **extra: str) -> str:
    with zoom_sandbox.browser() as browser:
        location = zoom_sandbox.authorize(
            browser,
            authorize_url(zoom_sandbox, **extra),
            email=user["email"],
            password=user["password"],
        )
    return code_from(location)
