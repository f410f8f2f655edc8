"""One function per Zoom REST endpoint slotlink uses, each a thin call of `client.api_call`.

The paths, the sync-log action names and the rate-limit labels live here (Zoom's labels:
REFERENCE §5); the transport, timeouts, typed errors and logging live in client.py, the
only module that talks HTTP to Zoom.
"""

from collections.abc import Callable, Iterator
from typing import Any

from slotlink.zoom.client import api_call
from slotlink.zoom.synclog import CallContext


def user_me(*, access_token: str, context: CallContext) -> dict[str, Any]:
    return api_call(
        "GET", "/users/me", access_token=access_token, action="user.get", context=context
    )


def user_settings(*, access_token: str, context: CallContext) -> dict[str, Any]:
    return api_call(
        "GET",
        "/users/me/settings",
        access_token=access_token,
        action="user.settings",
        context=context,
    )


def meeting_create(
    *, access_token: str, context: CallContext, body: dict[str, Any]
) -> dict[str, Any]:
    return api_call(
        "POST",
        "/users/me/meetings",
        access_token=access_token,
        action="meeting.create",
        context=context,
        json_body=body,
        label="medium",
    )


def meeting_update(
    *, access_token: str, context: CallContext, meeting_id: int, body: dict[str, Any]
) -> None:
    api_call(
        "PATCH",
        f"/meetings/{meeting_id}",
        access_token=access_token,
        action="meeting.update",
        context=context,
        json_body=body,
    )


def meeting_delete(*, access_token: str, context: CallContext, meeting_id: int) -> None:
    api_call(
        "DELETE",
        f"/meetings/{meeting_id}",
        access_token=access_token,
        action="meeting.delete",
        context=context,
    )


def iter_pages(fetch: Callable[[str], dict[str, Any]], key: str) -> Iterator[dict[str, Any]]:
    """Each item under `key` of every page of one list call, as Zoom pages it: `fetch`
    gets the page's `next_page_token` ("" for the first) and returns the page. Pages are
    asked for only as the items are read, so a caller that stops early asks for no more."""
    page_token = ""
    while True:
        page = fetch(page_token)
        yield from page.get(key) or []
        page_token = str(page.get("next_page_token") or "")
        if not page_token:
            return


def meetings_upcoming(
    *, access_token: str, context: CallContext, page_token: str = ""
) -> dict[str, Any]:
    """One page (up to 300) of the user's upcoming meetings, agendas included."""
    params = {"type": "upcoming", "page_size": "300"}
    if page_token:
        params["next_page_token"] = page_token
    return api_call(
        "GET",
        "/users/me/meetings",
        access_token=access_token,
        action="meeting.list",
        context=context,
        params=params,
        label="medium",
    )


def webinars_upcoming(
    *, access_token: str, context: CallContext, page_token: str = ""
) -> dict[str, Any]:
    """One page of the user's webinars that have not ended (Zoom answers 400 code 200 when
    the user has no webinar licence)."""
    params = {"type": "upcoming", "page_size": "300"}
    if page_token:
        params["next_page_token"] = page_token
    return api_call(
        "GET",
        "/users/me/webinars",
        access_token=access_token,
        action="webinar.list",
        context=context,
        params=params,
        label="medium",
    )


def webinar_create(
    *, access_token: str, context: CallContext, body: dict[str, Any]
) -> dict[str, Any]:
    return api_call(
        "POST",
        "/users/me/webinars",
        access_token=access_token,
        action="webinar.create",
        context=context,
        json_body=body,
    )


def webinar_get(*, access_token: str, context: CallContext, webinar_id: int) -> dict[str, Any]:
    """The webinar as Zoom has it now, with a start_url fresh from Zoom (REFERENCE §3.4)."""
    return api_call(
        "GET",
        f"/webinars/{webinar_id}",
        access_token=access_token,
        action="webinar.get",
        context=context,
    )


def webinar_update(
    *, access_token: str, context: CallContext, webinar_id: int, body: dict[str, Any]
) -> None:
    api_call(
        "PATCH",
        f"/webinars/{webinar_id}",
        access_token=access_token,
        action="webinar.update",
        context=context,
        json_body=body,
    )


def webinar_delete(*, access_token: str, context: CallContext, webinar_id: int) -> None:
    api_call(
        "DELETE",
        f"/webinars/{webinar_id}",
        access_token=access_token,
        action="webinar.delete",
        context=context,
    )


def registrant_add(
    *, access_token: str, context: CallContext, webinar_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    return api_call(
        "POST",
        f"/webinars/{webinar_id}/registrants",
        access_token=access_token,
        action="registrant.add",
        context=context,
        json_body=body,
    )


def registrants_approved(
    *, access_token: str, context: CallContext, webinar_id: int, page_token: str = ""
) -> dict[str, Any]:
    params = {"status": "approved", "page_size": "300"}
    if page_token:
        params["next_page_token"] = page_token
    return api_call(
        "GET",
        f"/webinars/{webinar_id}/registrants",
        access_token=access_token,
        action="registrant.list",
        context=context,
        params=params,
        label="medium",
    )


def registrant_cancel(
    *, access_token: str, context: CallContext, webinar_id: int, registrant_id: str, email: str
) -> None:
    """Zoom's registrants can't be deleted, only cancelled (REFERENCE §3.7)."""
    api_call(
        "PUT",
        f"/webinars/{webinar_id}/registrants/status",
        access_token=access_token,
        action="registrant.cancel",
        context=context,
        json_body={"action": "cancel", "registrants": [{"id": registrant_id, "email": email}]},
        label="medium",
    )


def webinar_participants(
    *, access_token: str, context: CallContext, webinar_key: str, page_token: str = ""
) -> dict[str, Any]:
    """Who joined a past webinar (by its id, or the UUID of one instance)."""
    params = {"page_size": "300"}
    if page_token:
        params["next_page_token"] = page_token
    return api_call(
        "GET",
        f"/past_webinars/{webinar_key}/participants",
        access_token=access_token,
        action="webinar.participants",
        context=context,
        params=params,
        label="medium",
    )
