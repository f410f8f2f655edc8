"""The human view: what a person running the demo sees "in Zoom".

The home page lists the sandbox's Zoom users; each user's page lists their meetings and
webinars with join links, and Delete / Move buttons that act as the host would on
zoom.us (so the app gets `meeting.deleted` / `meeting.updated`). As on zoom.us, those
need the host (or an admin of the host's account) signed in, and the page's CSRF token:
anyone may look, but a passer-by or another site cannot change a meeting. Join, start
and registration pages stand behind the links the API hands out.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zoom_sandbox.errors import ZoomError
from zoom_sandbox.forms import form_fields
from zoom_sandbox.ids import parse_number
from zoom_sandbox.lifecycle import scheduled_delete, scheduled_update
from zoom_sandbox.meetings import entry_settings
from zoom_sandbox.participants import attendance_record
from zoom_sandbox.render import Safe, escape, fragment, join, message_page, page
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.scheduling import join_url, start_token_valid
from zoom_sandbox.sessions import (
    csrf_ok,
    csrf_token,
    form_out_of_date,
    signed_in_user,
    to_sign_in,
)
from zoom_sandbox.state import Meeting, Scheduled, User, Webinar
from zoom_sandbox.webinars import (
    registered_count,
    registrant_add,
    registrant_join_url,
    registration_open,
)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _empty(span: int, text: str) -> Safe:
    return fragment("empty_row.html", span=span, text=text)


async def home(request: Request) -> Response:
    sandbox = sandbox_of(request)
    rows = [
        fragment(
            "home_user.html",
            id=u.id,
            name=u.display_name,
            email=u.email,
            plan=sandbox.state.accounts[u.account_id].plan,
            webinar=_yes(u.webinar),
            admin=_yes(u.account_admin),
        )
        for u in sandbox.state.users.values()
    ]
    app = sandbox.app
    body = fragment(
        "home.html",
        app_name=app.name,
        client_id=app.client_id,
        redirect_uri=app.redirect_uri,
        webhook_url=app.webhook_url or "(none)",
        users=join(rows)
        if rows
        else _empty(6, "No users yet: create some with POST /_sandbox/users."),
    )
    user = signed_in_user(sandbox, request)
    return page("Home", body, signed_in_as=user.email if user else "")


def _page_user(sandbox: Sandbox, request: Request) -> User | None:
    return sandbox.state.users.get(request.path_params["user_id"])


def can_manage(viewer: User | None, owner: User) -> bool:
    """The host, or an admin of the host's account, may change the host's meetings."""
    return viewer is not None and (
        viewer.id == owner.id or (viewer.account_admin and viewer.account_id == owner.account_id)
    )


def _access_note(viewer: User | None, owner: User, manage: bool) -> Safe:
    page_path = f"/u/{owner.id}"
    if viewer is None:
        return fragment(
            "sign_in_to_manage.html", next=quote(page_path, safe=""), name=owner.display_name
        )
    if not manage:
        sign_in_again = f"/signin?next={quote(page_path, safe='')}"
        return fragment(
            "cannot_manage.html",
            email=viewer.email,
            name=owner.display_name,
            again=quote(sign_in_again, safe=""),
        )
    return Safe("")


def _cells(*texts: str) -> Safe:
    return join([fragment("cell.html", text=text) for text in texts])


def _meeting_cells(meeting: Meeting) -> Safe:
    return _cells(meeting.password, *entry_settings(meeting))


def _entry(item: Scheduled) -> Safe:
    """A meeting's join pages say how people get in; a webinar's have no such settings."""
    if not isinstance(item, Meeting):
        return Safe("")
    waiting_room, early = entry_settings(item)
    return fragment("entry_settings.html", waiting_room=waiting_room, early=early)


def _item_row(user: User, item: Scheduled, kind: str, extra: Safe, csrf: str) -> Safe:
    start, duration = item.start_time or "", item.duration or ""
    actions = (
        fragment(
            "item_actions.html",
            user_id=user.id,
            kind=kind,
            id=item.id,
            start=start,
            duration=duration,
            csrf=csrf,
        )
        if csrf
        else Safe("")
    )
    return fragment(
        "user_item.html",
        id=item.id,
        topic=item.topic,
        start=start,
        duration=duration,
        extra=extra,
        join_url=join_url(item),
        actions=actions,
    )


async def user_page(request: Request) -> Response:
    sandbox = sandbox_of(request)
    user = _page_user(sandbox, request)
    if user is None:
        return message_page("No such user", "There is no sandbox user with that id.", status=404)
    state = sandbox.state
    viewer = signed_in_user(sandbox, request)
    manage = can_manage(viewer, user)
    # Only a browser that may use the buttons gets them (and the token they need).
    csrf = csrf_token(request) if manage else ""
    meetings = sorted(
        (m for m in state.meetings.values() if m.host_id == user.id),
        key=lambda m: m.start_time or "",
    )
    webinars = sorted(
        (w for w in state.webinars.values() if w.host_id == user.id),
        key=lambda w: w.start_time or "",
    )
    body = fragment(
        "user.html",
        name=user.display_name,
        email=user.email,
        account_id=user.account_id,
        id=user.id,
        access=_access_note(viewer, user, manage),
        meetings=join([_item_row(user, m, "meetings", _meeting_cells(m), csrf) for m in meetings])
        or _empty(9, "No meetings."),
        webinars=join(
            [_item_row(user, w, "webinars", _cells(registered_count(w)), csrf) for w in webinars]
        )
        or _empty(7, "No webinars."),
    )
    return page(user.display_name, body, signed_in_as=viewer.email if viewer else "")


def _owned_item(sandbox: Sandbox, user: User, kind: str, raw: str) -> Scheduled | None:
    items: dict[int, Meeting] | dict[int, Webinar]
    if kind == "meetings":
        items = sandbox.state.meetings
    elif kind == "webinars":
        items = sandbox.state.webinars
    else:
        return None
    number = parse_number(raw)
    item = items.get(number) if number is not None else None
    return item if item is not None and item.host_id == user.id else None


async def _change_request(
    sandbox: Sandbox, request: Request
) -> tuple[User, Scheduled, dict[str, str]] | Response:
    """Who changes which meeting with what form; or the answer saying why they cannot."""
    owner = _page_user(sandbox, request)
    kind, raw_id = request.path_params["kind"], request.path_params["item_id"]
    item = _owned_item(sandbox, owner, kind, raw_id) if owner else None
    if owner is None or item is None:
        return message_page("Not found", "That meeting or webinar is gone.", status=404)
    page_path = f"/u/{owner.id}"
    viewer = signed_in_user(sandbox, request)
    if viewer is None:
        return to_sign_in(page_path)
    if not can_manage(viewer, owner):
        return message_page(
            "Not yours to change",
            f"Only {owner.display_name} or an admin of their Zoom account can change their "
            f"meetings and webinars; you are signed in as {viewer.email}.",
            status=403,
            link=page_path,
        )
    form = await form_fields(request)
    if not csrf_ok(request, form):
        return form_out_of_date(page_path)
    return viewer, item, form


async def delete_item(request: Request) -> Response:
    sandbox = sandbox_of(request)
    checked = await _change_request(sandbox, request)
    if isinstance(checked, Response):
        return checked
    viewer, item, _ = checked
    scheduled_delete(sandbox, item, operator=viewer, notify=True)
    return RedirectResponse(f"/u/{item.host_id}", status_code=303)


async def move_item(request: Request) -> Response:
    sandbox = sandbox_of(request)
    checked = await _change_request(sandbox, request)
    if isinstance(checked, Response):
        return checked
    viewer, item, form = checked
    changes: dict[str, object] = {}
    if form.get("start_time"):
        changes["start_time"] = form["start_time"]
    if (duration := parse_number(form.get("duration", ""))) is not None:
        changes["duration"] = duration
    try:
        scheduled_update(sandbox, item, changes, operator=viewer, notify=True)
    except ZoomError as exc:
        return message_page("Not moved", exc.message, status=400, link=f"/u/{item.host_id}")
    return RedirectResponse(f"/u/{item.host_id}", status_code=303)


def _find_any(sandbox: Sandbox, raw: str) -> Scheduled | None:
    number = parse_number(raw)
    if number is None:
        return None
    return sandbox.state.meetings.get(number) or sandbox.state.webinars.get(number)


def _join_page(
    sandbox: Sandbox, item: Scheduled, title: str, body: Safe, status: int = 200
) -> Response:
    host = sandbox.state.users.get(item.host_id)
    return page(
        title,
        fragment(
            "join.html",
            title=title,
            topic=item.topic,
            host=host.display_name if host else "",
            start=item.start_time or "any time",
            duration=item.duration or "",
            id=item.id,
            entry=_entry(item),
            body=body,
        ),
        status=status,
    )


async def join_meeting(request: Request) -> Response:
    """`/j/{id}?pwd=...`: the link a meeting's (or webinar's) `join_url` points at."""
    sandbox = sandbox_of(request)
    item = _find_any(sandbox, request.path_params["item_id"])
    if item is None:
        return message_page("Meeting not found", "This meeting ID is not valid.", status=404)
    params = request.query_params
    unlocked = (
        not item.password
        or params.get("pwd") == item.encrypted_password
        or (params.get("passcode") == item.password)
    )
    if not unlocked:
        error = "Wrong passcode." if "passcode" in params else ""
        form = fragment("passcode_form.html", id=item.id, error=error)
        return _join_page(sandbox, item, "Enter meeting passcode", form)
    if request.method == "POST":
        form_data = await form_fields(request)
        attendance_record(
            sandbox, item, [{"name": form_data.get("name"), "email": form_data.get("email")}]
        )
        return message_page("You joined", f"You joined {item.topic}.")
    query = f"?{request.url.query}" if request.url.query else ""
    form = fragment("join_form.html", action=f"/j/{item.id}{query}", name="", email="")
    return _join_page(sandbox, item, "Join meeting", form)


async def join_webinar(request: Request) -> Response:
    """`/w/{id}?tk=...`: a webinar registrant's own join link."""
    sandbox = sandbox_of(request)
    number = parse_number(request.path_params["item_id"])
    webinar = sandbox.state.webinars.get(number) if number is not None else None
    token = request.query_params.get("tk", "")
    registrant = (
        next((r for r in webinar.registrants.values() if r.token == token), None)
        if webinar
        else None
    )
    if webinar is None or registrant is None:
        return message_page("Invalid link", "This webinar link is not valid.", status=404)
    if registrant.status != "approved":
        text = (
            "Your registration is waiting for the host's approval."
            if registrant.status == "pending"
            else "Your registration was cancelled or denied."
        )
        return _join_page(
            sandbox, webinar, "You cannot join yet", Safe(f"<p>{escape(text)}</p>"), 403
        )
    if request.method == "POST":
        attendance_record(sandbox, webinar, [{"registrant_id": registrant.id}])
        return message_page("You joined", f"You joined {webinar.topic}.")
    form = fragment(
        "join_form.html",
        action=f"/w/{webinar.id}?{request.url.query}",
        name=f"{registrant.first_name} {registrant.last_name}".strip(),
        email=registrant.email,
    )
    return _join_page(sandbox, webinar, "Join webinar", form)


async def start_meeting(request: Request) -> Response:
    """`/s/{id}?zak=...`: the host's start link; starting and ending change the status."""
    sandbox = sandbox_of(request)
    item = _find_any(sandbox, request.path_params["item_id"])
    token = request.query_params.get("zak")
    if item is None or token != item.start_token:
        return message_page("Invalid link", "This start link is not valid.", status=404)
    if not start_token_valid(item, token, now=sandbox.clock.now()):
        return message_page(
            "Start link expired",
            "This start link has expired. Ask Zoom for the current one (GET the meeting or "
            "webinar).",
            status=403,
        )
    action = request.path_params.get("action")
    if action == "start":
        item.status = "started"
    elif action == "end":
        item.status = "waiting"
        item.held = True
    if action:
        sandbox.changed()
        return RedirectResponse(f"/s/{item.id}?zak={item.start_token}", status_code=303)
    # Zoom's start_url signs its bearer in as the host, for meetings and webinars alike
    # (REFERENCE §2.1, §3.1); the page says whose it is.
    kind = "webinar" if isinstance(item, Webinar) else "meeting"
    host = sandbox.state.users.get(item.host_id)
    form = fragment(
        "start_form.html",
        id=item.id,
        zak=item.start_token,
        status=item.status,
        kind=kind,
        host=f"{host.display_name} ({host.email})" if host else "the host",
    )
    return _join_page(sandbox, item, f"Start {kind}", form)


async def register_webinar(request: Request) -> Response:
    """A webinar's `registration_url`: people register themselves here."""
    sandbox = sandbox_of(request)
    raw = request.path_params["code"].removeprefix("WN_")
    number = parse_number(raw)
    webinar = sandbox.state.webinars.get(number) if number is not None else None
    if webinar is None or not registration_open(webinar):
        return message_page(
            "Registration closed", "This webinar does not take registrations.", status=404
        )
    if request.method == "POST":
        form = await form_fields(request)
        try:
            registrant = registrant_add(
                sandbox,
                webinar,
                {
                    "email": form.get("email", ""),
                    "first_name": form.get("first_name", ""),
                    "last_name": form.get("last_name", ""),
                },
            )
        except ZoomError as exc:
            return message_page("Not registered", exc.message, status=400)
        link = registrant_join_url(webinar, registrant)
        return page(
            "Registered",
            Safe(f'<h1>You are registered</h1><p><a href="{escape(link)}">Your join link</a></p>'),
        )
    form_html = fragment("register_form.html", id=webinar.id)
    return _join_page(sandbox, webinar, "Register", form_html)
