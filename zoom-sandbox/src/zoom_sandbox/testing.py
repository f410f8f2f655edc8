"""Run the Zoom sandbox inside a test process and drive it, for any app's tests.

`SandboxServer` runs one sandbox in a background thread on a free local port (uvicorn,
state in memory); `ZoomSandbox` is a test's handle on it: its URLs, the app's credentials,
its control API (`/_sandbox/...`) and a person's steps through its pages. Tests talk to it
over real HTTP, as an app does. The pytest fixtures built on them are in `pytest_plugin`.
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import uvicorn

from zoom_sandbox.app import create_app
from zoom_sandbox.config import SandboxConfig

_emails = itertools.count(1)


def form_token(page: httpx.Response) -> str:
    """The CSRF token of a sandbox page's form, which a browser posts back with it."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


class SandboxServer:
    """One sandbox in a background thread, listening on a free local port."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.app = create_app(config)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=1,
            )
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The Zoom sandbox did not start.")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


class ZoomSandbox:
    """A test's handle on the sandbox: its URLs, the app's credentials, the control API."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.base_url = server.base_url
        # Every control call says it is JSON, bodiless ones too: the sandbox refuses
        # changes without it (so that web pages cannot make them).
        self.control = httpx.Client(
            base_url=f"{self.base_url}/_sandbox",
            headers={"Content-Type": "application/json"},
            timeout=10,
        )

    # Where an app's two Zoom base URLs point when it uses this sandbox.
    @property
    def oauth_base_url(self) -> str:
        return self.base_url

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/v2"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/oauth/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.base_url}/oauth/revoke"

    def app(self) -> dict[str, Any]:
        return self._ok(self.control.get("/app"))

    @property
    def client_id(self) -> str:
        return str(self.app()["client_id"])

    @property
    def client_secret(self) -> str:
        return str(self.app()["client_secret"])

    @property
    def webhook_secret_token(self) -> str:
        return str(self.app()["webhook_secret_token"])

    def env(self) -> dict[str, str]:
        """The environment variables slotlink (and an app configured alike) reads to talk to
        this sandbox."""
        app = self.app()
        return {
            "ZOOM_OAUTH_BASE_URL": self.oauth_base_url,
            "ZOOM_API_BASE_URL": self.api_base_url,
            "ZOOM_CLIENT_ID": app["client_id"],
            "ZOOM_CLIENT_SECRET": app["client_secret"],
            "ZOOM_REDIRECT_URI": app["redirect_uri"],
            "ZOOM_WEBHOOK_SECRET_TOKEN": app["webhook_secret_token"],
        }

    def reset(self) -> None:
        self._ok(self.control.post("/reset"))

    def configure_app(self, **changes: Any) -> dict[str, Any]:
        """Change the registered app: redirect_uri, webhook_url, secrets, token TTLs..."""
        return self._ok(self.control.put("/app", json=changes))

    def create_user(self, **fields: Any) -> dict[str, Any]:
        """A sandbox Zoom user (a new account unless `account_id` is given)."""
        number = next(_emails)
        body = {
            "email": f"zoom-user-{number}@example.com",
            "password": "zoom-password",
            "first_name": "Zoe",
            "last_name": f"User{number}",
            **fields,
        }
        user = self._ok(self.control.post("/users", json=body), 201)
        user["password"] = body["password"]
        return user

    def update_account(self, account_id: str, **changes: Any) -> dict[str, Any]:
        return self._ok(self.control.put(f"/accounts/{account_id}", json=changes))

    def tokens_for(self, user_id: str, scopes: str | None = None) -> dict[str, Any]:
        """Authorize the app for a user without the browser pages (the app's scopes, or
        `scopes`)."""
        body = {"scopes": scopes} if scopes else {}
        return self._ok(self.control.post(f"/users/{user_id}/tokens", json=body), 201)

    def marketplace_install(self, user_id: str) -> str:
        """The user adds the app from its Marketplace listing; returns where Zoom sends the
        browser: the redirect URL with `?code=` only (no state, no PKCE)."""
        return str(
            self._ok(self.control.post(f"/users/{user_id}/marketplace-install"), 201)["redirect"]
        )

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        return self._ok(self.control.put("/faults", json=faults))

    def clear_faults(self) -> dict[str, Any]:
        return self.set_faults()

    def set_limits(self, **limits: Any) -> dict[str, Any]:
        return self._ok(self.control.put("/limits", json=limits))

    def requests(self, **filters: str) -> list[dict[str, Any]]:
        """The request log; filter with method=, path= or path_prefix=."""
        return self._ok(self.control.get("/requests", params=filters))

    def authorized_apps(self, user_id: str) -> list[str]:
        """The client ids of the apps the Zoom user has authorized (their Added Apps)."""
        return list(self._ok(self.control.get(f"/users/{user_id}"))["authorized_apps"])

    def meetings(self, host_id: str | None = None) -> list[dict[str, Any]]:
        params = {"host_id": host_id} if host_id else {}
        return self._ok(self.control.get("/meetings", params=params))

    def webinars(self, host_id: str | None = None) -> list[dict[str, Any]]:
        params = {"host_id": host_id} if host_id else {}
        return self._ok(self.control.get("/webinars", params=params))

    def registrants(self, webinar_id: int) -> list[dict[str, Any]]:
        return self._ok(self.control.get(f"/webinars/{webinar_id}/registrants"))

    def delete_meeting_in_zoom(self, meeting_id: int) -> None:
        """The host deletes the meeting on Zoom: the app gets `meeting.deleted`."""
        self._ok(self.control.delete(f"/meetings/{meeting_id}"), 204)

    def move_meeting_in_zoom(self, meeting_id: int, **changes: Any) -> dict[str, Any]:
        """The host moves the meeting on Zoom: the app gets `meeting.updated`."""
        return self._ok(self.control.patch(f"/meetings/{meeting_id}", json=changes))

    def delete_webinar_in_zoom(self, webinar_id: int) -> None:
        """The host deletes the webinar on Zoom: the app gets `webinar.deleted`."""
        self._ok(self.control.delete(f"/webinars/{webinar_id}"), 204)

    def move_webinar_in_zoom(self, webinar_id: int, **changes: Any) -> dict[str, Any]:
        """The host moves the webinar on Zoom: the app gets `webinar.updated`."""
        return self._ok(self.control.patch(f"/webinars/{webinar_id}", json=changes))

    def record_attendance(
        self, webinar_id: int, participants: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        response = self.control.post(
            f"/webinars/{webinar_id}/participants", json={"participants": participants}
        )
        return self._ok(response, 201)

    def remove_app(self, user_id: str) -> dict[str, Any]:
        return self._ok(self.control.post(f"/users/{user_id}/remove-app"))

    def revoke_tokens(self, user_id: str) -> dict[str, Any]:
        return self._ok(self.control.post(f"/users/{user_id}/revoke-tokens"))

    def expire_tokens(self, user_id: str) -> dict[str, Any]:
        return self._ok(self.control.post(f"/users/{user_id}/expire-tokens"))

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move on the sandbox's clock, by which codes and tokens expire (a reset puts it
        back to the real time)."""
        return self._ok(self.control.post("/clock", json={"advance_seconds": seconds}))

    def webhooks(self, event: str | None = None) -> list[dict[str, Any]]:
        params = {"event": event} if event else {}
        return self._ok(self.control.get("/webhooks", params=params))

    def subscription(self) -> dict[str, Any]:
        """The event subscription: its URL, last endpoint check, failures, enabled."""
        return self._ok(self.control.get("/webhooks/subscription"))

    def wait_for_webhooks(
        self, count: int = 1, *, event: str | None = None, settled: bool = True, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """Wait until `count` deliveries exist (and, if `settled`, none is still pending)."""
        deadline = time.monotonic() + timeout
        while True:
            deliveries = self.webhooks(event)
            done = len(deliveries) >= count and (
                not settled or all(d["state"] != "pending" for d in deliveries)
            )
            if done:
                return deliveries
            if time.monotonic() > deadline:
                raise AssertionError(f"Expected {count} webhook deliveries, got {deliveries}")
            time.sleep(0.02)

    def browser(self) -> httpx.Client:
        """An HTTP client with its own cookie jar, standing in for a person's browser."""
        return httpx.Client(base_url=self.base_url, timeout=10, follow_redirects=False)

    def sign_in(
        self, browser: httpx.Client, *, email: str, password: str, next_path: str | None = None
    ) -> httpx.Response:
        """Open the sign-in page and send its form, token and all, as a person does; returns
        the answer (303 to `next_path` when signed in)."""
        query = f"?{urlencode({'next': next_path})}" if next_path else ""
        form = browser.get(f"/signin{query}")
        fields = {"email": email, "password": password, "csrf_token": form_token(form)}
        return browser.post("/signin", data={**fields, "next": next_path or "/"})

    def authorize(
        self, browser: httpx.Client, authorize_url: str, *, email: str, password: str
    ) -> str:
        """Sign in (if needed) and allow the app, as a person would; returns the redirect."""
        response = browser.get(authorize_url)
        if response.status_code == 302 and response.headers["location"].startswith("/signin"):
            next_path = parse_qs(urlsplit(response.headers["location"]).query)["next"][0]
            signed_in = self.sign_in(browser, email=email, password=password, next_path=next_path)
            assert signed_in.status_code == 303, signed_in.text
            response = browser.get(signed_in.headers["location"])
        if response.status_code == 200 and 'name="decision"' in response.text:
            query = urlsplit(authorize_url).query
            response = browser.post(
                "/oauth/authorize/consent",
                data={"authorize": query, "decision": "allow", "csrf_token": form_token(response)},
            )
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def close(self) -> None:
        self.control.close()

    @staticmethod
    def _ok(response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, f"{response.status_code}: {response.text}"
        return response.json() if response.content else None
