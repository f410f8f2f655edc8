"""The human view and Marketplace pages, driven with plain form posts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from sandbox_helpers import Connected, WebhookReceiver, connect
from zoom_sandbox.testing import ZoomSandbox, form_token

MEETING = {"topic": "Demo call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


@contextmanager
def signed_in(zoom_sandbox: ZoomSandbox, user: dict[str, Any]) -> Iterator[httpx.Client]:
    """A browser signed in to the sandbox as `user`."""
    with zoom_sandbox.browser() as browser:
        answer = zoom_sandbox.sign_in(browser, email=user["email"], password=user["password"])
        assert answer.status_code == 303, answer.text
        yield browser


def test_home_lists_the_sandbox_users(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """The home page shows the app and every sandbox Zoom user."""
    with zoom_sandbox.browser() as browser:
        page = browser.get("/")
    assert page.status_code == 200
    assert host.user["email"] in page.text
    assert f"/u/{host.user['id']}" in page.text
    assert zoom_sandbox.client_id in page.text


def test_user_page_shows_meetings_with_join_links(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A person can see the meeting exists "in Zoom", with its join link."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    with zoom_sandbox.browser() as browser:
        page = browser.get(f"/u/{host.user['id']}")
    assert "Demo call" in page.text
    assert meeting["join_url"].replace("&", "&amp;") in page.text
    assert str(meeting["id"]) in page.text


def test_delete_button_deletes_and_notifies(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Delete on the user page removes the meeting and sends meeting.deleted."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    with signed_in(zoom_sandbox, host.user) as browser:
        token = form_token(browser.get(f"/u/{host.user['id']}"))
        answer = browser.post(
            f"/u/{host.user['id']}/meetings/{meeting['id']}/delete", data={"csrf_token": token}
        )
    assert answer.status_code == 303
    assert zoom_sandbox.meetings() == []
    assert zoom_sandbox.wait_for_webhooks(1, event="meeting.deleted")[0]["state"] == "delivered"


def test_move_button_moves_and_notifies(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Move on the user page changes the time and sends meeting.updated."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    with signed_in(zoom_sandbox, host.user) as browser:
        token = form_token(browser.get(f"/u/{host.user['id']}"))
        answer = browser.post(
            f"/u/{host.user['id']}/meetings/{meeting['id']}/move",
            data={"start_time": "2030-01-03T08:30:00Z", "duration": "50", "csrf_token": token},
        )
        assert answer.status_code == 303
        bad = browser.post(
            f"/u/{host.user['id']}/meetings/{meeting['id']}/move",
            data={"start_time": "soon", "csrf_token": token},
        )
        assert bad.status_code == 400
    moved = zoom_sandbox.meetings()[0]
    assert (moved["start_time"], moved["duration"]) == ("2030-01-03T08:30:00Z", 50)
    delivery = zoom_sandbox.wait_for_webhooks(1, event="meeting.updated")[0]
    assert delivery["payload"]["payload"]["object"]["duration"] == 50


def test_join_link_opens_the_meeting_and_records_attendance(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """The join_url works; joining marks the meeting held and lists the participant."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    with zoom_sandbox.browser() as browser:
        page = browser.get(meeting["join_url"])
        assert "Join meeting" in page.text
        locked = browser.get(f"/j/{meeting['id']}")
        assert "Enter meeting passcode" in locked.text
        wrong = browser.get(f"/j/{meeting['id']}", params={"passcode": "nope"})
        assert "Wrong passcode." in wrong.text
        joined = browser.post(
            meeting["join_url"], data={"name": "Guest One", "email": "g@example.com"}
        )
        assert "You joined Demo call" in joined.text
    participants = host.api.get(f"/past_meetings/{meeting['id']}/participants").json()
    assert participants["participants"][0]["name"] == "Guest One"


def test_start_link_starts_and_ends_the_meeting(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """A started meeting cannot be deleted (3002); ending it makes it past."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    start_path = meeting["start_url"].removeprefix(zoom_sandbox.base_url)
    path, _, query = start_path.partition("?")
    with zoom_sandbox.browser() as browser:
        assert "Start meeting" in browser.get(start_path).text
        browser.post(f"{path}/start?{query}")
        assert host.api.get(f"/meetings/{meeting['id']}").json()["status"] == "started"
        live = host.api.get("/users/me/meetings", params={"type": "live"}).json()
        assert [m["id"] for m in live["meetings"]] == [meeting["id"]]
        refused = host.api.delete(f"/meetings/{meeting['id']}")
        assert (refused.status_code, refused.json()["code"]) == (400, 3002)
        browser.post(f"{path}/end?{query}")
    assert host.api.get(f"/meetings/{meeting['id']}").json()["status"] == "waiting"
    held = host.api.get(f"/past_meetings/{meeting['id']}/participants")
    assert held.status_code == 200


def open_webinar(host: Connected, topic: str) -> dict[str, Any]:
    """A webinar whose registrations are approved automatically."""
    body = {"topic": topic, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 0}}
    return host.api.post("/users/me/webinars", json=body).json()


def test_registration_page_registers_people(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """A webinar's registration_url takes registrations like Zoom's page."""
    webinar = open_webinar(host, "Open")
    path = webinar["registration_url"].removeprefix(zoom_sandbox.base_url)
    with zoom_sandbox.browser() as browser:
        assert "Register" in browser.get(path).text
        done = browser.post(path, data={"email": "p@example.com", "first_name": "Pat"})
    assert "You are registered" in done.text
    assert [r["email"] for r in zoom_sandbox.registrants(webinar["id"])] == ["p@example.com"]


def test_added_apps_remove(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Manage > Added Apps lists the app; Remove revokes it and sends app_deauthorized."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    with zoom_sandbox.browser() as browser:
        assert browser.get("/marketplace/manage/added-apps").status_code == 302
        zoom_sandbox.sign_in(browser, email=host.user["email"], password=host.user["password"])
        listing = browser.get("/marketplace/manage/added-apps")
        assert "slotlink" in listing.text
        assert "Remove" in listing.text
        forged = browser.post(
            "/marketplace/manage/added-apps/remove", data={"client_id": zoom_sandbox.client_id}
        )
        assert forged.status_code == 403
        assert host.api.get("/users/me").status_code == 200
        removed = browser.post(
            "/marketplace/manage/added-apps/remove",
            data={"client_id": zoom_sandbox.client_id, "csrf_token": form_token(listing)},
        )
        assert removed.status_code == 303
        assert "You have not added any apps." in browser.get("/marketplace/manage/added-apps").text
    assert host.api.get("/users/me").status_code == 401
    deadline = time.monotonic() + 5
    while not webhook_receiver.received:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert webhook_receiver.received[0].json["event"] == "app_deauthorized"
    assert webhook_receiver.received[0].signed_by(zoom_sandbox.webhook_secret_token)


def test_changing_a_meeting_in_zoom_needs_its_host_signed_in(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Not signed in: the page offers sign-in and no buttons, and a posted Delete or Move
    goes to sign-in; someone else's account gets 403. The meeting is untouched."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    page_path = f"/u/{host.user['id']}"
    delete = f"{page_path}/meetings/{meeting['id']}/delete"
    move = f"{page_path}/meetings/{meeting['id']}/move"
    with zoom_sandbox.browser() as anonymous:
        page = anonymous.get(page_path)
        assert page.status_code == 200
        assert f'href="/signin?next=%2Fu%2F{host.user["id"]}"' in page.text
        assert "Delete</button>" not in page.text
        assert 'name="csrf_token"' not in page.text
        for path in (delete, move):
            answer = anonymous.post(path, data={"start_time": "2030-02-01T10:00:00Z"})
            assert answer.status_code == 302
            assert answer.headers["location"].startswith("/signin?next=")
    stranger = connect(zoom_sandbox)
    stranger.api.post("/users/me/meetings", json=MEETING)
    stranger.api.close()
    with signed_in(zoom_sandbox, stranger.user) as browser:
        page = browser.get(page_path)
        assert "Delete</button>" not in page.text
        assert "Sign in as someone else" in page.text
        # A real token of the stranger's own session does not open someone else's meeting.
        token = form_token(browser.get(f"/u/{stranger.user['id']}"))
        for path in (delete, move):
            answer = browser.post(path, data={"csrf_token": token, "duration": "5"})
            assert answer.status_code == 403
    assert zoom_sandbox.meetings(host.user["id"]) == [
        host.api.get(f"/meetings/{meeting['id']}").json()
    ]
    assert zoom_sandbox.meetings(host.user["id"])[0]["duration"] == 30


def test_a_change_posted_without_the_pages_token_is_refused(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """A form posted from another site carries the host's cookie but not the page's token:
    403, nothing changes."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    delete = f"/u/{host.user['id']}/meetings/{meeting['id']}/delete"
    with signed_in(zoom_sandbox, host.user) as browser:
        assert browser.post(delete).status_code == 403
        assert browser.post(delete, data={"csrf_token": "guessed"}).status_code == 403
        # Another browser's token is no good either.
        with signed_in(zoom_sandbox, host.user) as other_browser:
            other = form_token(other_browser.get(f"/u/{host.user['id']}"))
        assert browser.post(delete, data={"csrf_token": other}).status_code == 403
    assert len(zoom_sandbox.meetings()) == 1


def test_an_account_admin_can_change_a_members_meeting(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """The account's admin may delete a member's meeting; the event names the admin."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    member = connect(zoom_sandbox, account_id=host.user["account_id"])
    meeting = member.api.post("/users/me/meetings", json=MEETING).json()
    with signed_in(zoom_sandbox, host.user) as admin:
        page = admin.get(f"/u/{member.user['id']}")
        assert "Delete</button>" in page.text
        answer = admin.post(
            f"/u/{member.user['id']}/meetings/{meeting['id']}/delete",
            data={"csrf_token": form_token(page)},
        )
    assert answer.status_code == 303
    assert zoom_sandbox.meetings() == []
    payload = zoom_sandbox.wait_for_webhooks(1, event="meeting.deleted")[0]["payload"]["payload"]
    assert payload["operator_id"] == host.user["id"]
    assert payload["object"]["host_id"] == member.user["id"]
    member.api.close()


def _row_cells(page: httpx.Response, item_id: int) -> list[str]:
    """The cells of the user page's row for meeting or webinar `item_id`, after its ID."""
    found = re.search(rf"<td>{item_id}</td>(.*?)\n<td><a href=", page.text, re.S)
    assert found, page.text
    return re.findall(r"<td>(.*?)</td>", found.group(1))


def test_a_cancelled_registration_no_longer_counts_on_the_users_page(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Zoom leaves a cancelled registrant denied (REFERENCE §3.7): the page counts the
    approved registrants, with those waiting for approval said apart, and not the cancelled
    one."""
    webinar = open_webinar(host, "Seats")
    for email in ("a@example.com", "b@example.com"):
        added = host.api.post(
            f"/webinars/{webinar['id']}/registrants", json={"email": email, "first_name": "P"}
        )
        assert added.status_code == 201
    cancelled = host.api.put(
        f"/webinars/{webinar['id']}/registrants/status",
        json={"action": "cancel", "registrants": [{"email": "a@example.com"}]},
    )
    assert cancelled.status_code == 204
    with zoom_sandbox.browser() as browser:
        assert _row_cells(browser.get(f"/u/{host.user['id']}"), webinar["id"]) == ["1"]
    host.api.patch(f"/webinars/{webinar['id']}", json={"settings": {"approval_type": 1}})
    pending = host.api.post(
        f"/webinars/{webinar['id']}/registrants", json={"email": "c@example.com", "first_name": "P"}
    )
    assert pending.status_code == 201
    with zoom_sandbox.browser() as browser:
        page = browser.get(f"/u/{host.user['id']}")
    assert _row_cells(page, webinar["id"]) == ["1 (+1 pending)"]


def test_meeting_pages_show_the_waiting_room_and_join_before_host(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Beside the passcode, a meeting's row and its join page say whether it has a waiting
    room and whether people may join before the host, and how early (ZoomMeetingAPISpec's
    `jbh_time`: 0 any time, else minutes before the start)."""
    waiting = {"waiting_room": True, "join_before_host": False}
    early = {"waiting_room": False, "join_before_host": True, "jbh_time": 5}
    anytime = {"waiting_room": False, "join_before_host": True, "jbh_time": 0}
    made = [
        host.api.post("/users/me/meetings", json={**MEETING, "settings": settings}).json()
        for settings in (waiting, early, anytime)
    ]
    with zoom_sandbox.browser() as browser:
        page = browser.get(f"/u/{host.user['id']}")
        rows = [_row_cells(page, meeting["id"]) for meeting in made]
        join = browser.get(made[1]["join_url"].removeprefix(zoom_sandbox.base_url))
    assert [row[1:] for row in rows] == [
        ["on", "off"],
        ["off", "5 minutes before the start"],
        ["off", "any time"],
    ]
    assert [row[0] for row in rows] == [meeting["password"] for meeting in made]
    assert "Waiting room: off · Join before host: 5 minutes before the start" in join.text
