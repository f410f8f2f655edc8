"""Access tokens: refreshed once under a lock, retried once after a 401, and a dead grant
marked broken with one email to the owner."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomUnauthorized
from slotlink.zoom.models import SyncLogEntry, ZoomUser
from slotlink.zoom.synclog import CallContext
from slotlink.zoom.tokens import access_token_get, access_token_refresh, with_access_token
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import run_queued_tasks
from tests.zoom.factories import connected


def refreshes(zoom: ZoomSandbox) -> list[dict]:
    return [
        r
        for r in zoom.requests(method="POST", path="/oauth/token")
        if (r["request_body"] or {}).get("grant_type") == "refresh_token"
    ]


def expire_soon(zoom_user_id: int) -> None:
    ZoomUser.objects.filter(id=zoom_user_id).update(
        access_expires_at=timezone.now() + timedelta(minutes=1)
    )


def me(token: str, context: CallContext) -> dict:
    return endpoints.user_me(access_token=token, context=context)


@pytest.mark.django_db
def test_a_token_about_to_expire_is_refreshed_and_saved_before_use(
    zoom: ZoomSandbox, member_membership
):
    """Within five minutes of expiry the token is refreshed first; the new pair is stored
    (Zoom rotates the refresh token) and the call goes out with the new access token."""
    _connection, zoom_user = connected(zoom, member_membership)
    before = ZoomUser.objects.get()
    expire_soon(before.id)
    answer = with_access_token(zoom_user_id=before.id, context=CallContext(), call=me)
    assert answer["id"] == zoom_user["id"]
    after = ZoomUser.objects.get()
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert after.access_expires_at > timezone.now() + timedelta(minutes=30)
    assert len(refreshes(zoom)) == 1
    actions = list(SyncLogEntry.objects.order_by("id").values_list("action", "outcome"))
    assert actions == [("token.refresh", "ok"), ("user.get", "ok")]


@pytest.mark.django_db
def test_a_refused_refresh_breaks_the_connection_and_emails_the_owner_once(
    zoom: ZoomSandbox, member_membership, django_capture_on_commit_callbacks
):
    """Zoom answering invalid_grant purges the tokens, marks the connection broken with the
    reason, and emails its owner once per break, however many calls fail after it."""
    _connection, zoom_user = connected(zoom, member_membership)
    zoom.revoke_tokens(zoom_user["id"])
    stored = ZoomUser.objects.get()
    expire_soon(stored.id)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            with pytest.raises(ZoomUnauthorized):
                with_access_token(zoom_user_id=stored.id, context=CallContext(), call=me)
    stored.refresh_from_db()
    assert stored.status == "broken"
    assert (stored.access_token, stored.refresh_token) == ("", "")
    assert "Reconnect" in stored.last_error
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[member_membership.user.email]]
    assert "Reconnect Zoom" in mail.outbox[0].subject
    assert "/360/integrations/zoom" in mail.outbox[0].body
    assert "Zoom no longer accepts slotlink's authorization" in mail.outbox[0].body
    assert len(refreshes(zoom)) == 1  # the later calls did not even try


@pytest.mark.django_db
def test_a_401_after_another_worker_refreshed_reloads_the_token_and_retries_once(
    zoom: ZoomSandbox, member_membership
):
    """A worker holding the old access token while another refreshed gets 401 code 124
    from Zoom; it reloads the new token and retries once, with no second refresh."""
    _connection, zoom_user = connected(zoom, member_membership)
    stored = ZoomUser.objects.get()
    calls = []

    def racing(token: str, context: CallContext) -> dict:
        if not calls:
            # Meanwhile another worker refreshes, which ends this access token at Zoom.
            expire_soon(stored.id)
            access_token_refresh(zoom_user_id=stored.id, context=CallContext(), stale=token)
        calls.append(token)
        return me(token, context)

    answer = with_access_token(zoom_user_id=stored.id, context=CallContext(), call=racing)
    assert answer["id"] == zoom_user["id"]
    assert len(calls) == 2
    assert calls[0] != calls[1]
    assert len(refreshes(zoom)) == 1
    gets = SyncLogEntry.objects.filter(action="user.get").order_by("id")
    assert [(e.outcome, e.http_status, e.zoom_code, e.attempt) for e in gets] == [
        ("unauthorized", 401, 124, 1),
        ("ok", 200, None, 2),
    ]


@pytest.mark.django_db
def test_a_token_zoom_says_has_expired_is_refreshed_once_and_the_call_retried(
    zoom: ZoomSandbox, member_membership
):
    """Zoom's clock is the one that counts: a token slotlink still holds good after its hour
    at Zoom is over (the sandbox's clock moved on an hour) gets 401 code 124; slotlink
    refreshes once, stores the new pair, the call goes through and the connection stays
    connected."""
    _connection, zoom_user = connected(zoom, member_membership)
    before = ZoomUser.objects.get()
    zoom.advance_clock(3600)
    answer = with_access_token(zoom_user_id=before.id, context=CallContext(), call=me)
    assert answer["id"] == zoom_user["id"]
    after = ZoomUser.objects.get()
    assert after.status == ZoomUser.Status.CONNECTED
    assert (after.access_token, after.refresh_token) != (before.access_token, before.refresh_token)
    assert len(refreshes(zoom)) == 1
    gets = SyncLogEntry.objects.filter(action="user.get").order_by("id")
    assert [(e.outcome, e.http_status, e.zoom_code, e.attempt) for e in gets] == [
        ("unauthorized", 401, 124, 1),
        ("ok", 200, None, 2),
    ]


@pytest.mark.django_db(transaction=True)
def test_many_workers_needing_a_token_at_once_cause_exactly_one_refresh(
    zoom: ZoomSandbox, member_membership
):
    """Twelve threads, each with its own database connection, ask for a token that is about
    to expire: the row lock lets one refresh and the rest use its result."""
    _connection, _ = connected(zoom, member_membership)
    stored = ZoomUser.objects.get()
    expire_soon(stored.id)
    zoom.control.delete("/requests")
    tokens: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def worker() -> None:
        try:
            start.wait()
            tokens.append(access_token_get(zoom_user_id=stored.id, context=CallContext()))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(tokens)) == 1
    assert tokens[0] == ZoomUser.objects.get().access_token
    assert len(refreshes(zoom)) == 1
