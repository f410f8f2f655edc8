"""What a running `slotlink run` writes to its logs: never an invitee's link token, a
signed confirmation or an OAuth code, whichever process logs the request (gunicorn's
access log, Django's request log); an expected refusal in one line. And the banner names
the database in use."""

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from slotlink.shell.processes import database_description
from tests.ports import free_port
from tests.test_processes import PASSWORD, Demo, sign_in

pytestmark = pytest.mark.processes

OAUTH_CODE = "oauth-code-that-must-not-be-logged"
OAUTH_STATE = "oauth-state-that-must-not-be-logged"
BOGUS_TOKEN = "a-mistyped-token-that-must-not-be-logged-either"


def book_a_seat(client: httpx.Client) -> str:
    """Book the demo's group event type over HTTP as an invitee; the confirmation's path."""
    page_url = "/book/acme/product-tour"
    for days in range(1, 21):
        day = (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
        page = client.get(page_url, params={"date": day, "time_zone": "UTC"})
        slot = re.search(r'name="start" value="([^"]+)"', page.text)
        if slot:
            break
    else:
        raise AssertionError("no free slot in three weeks")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf
    booked = client.post(
        page_url,
        data={
            "csrfmiddlewaretoken": csrf.group(1),
            "start": slot.group(1),
            "time_zone": "UTC",
            "date": day,
            "name": "Ivy Invitee",
            "email": "ivy@example.test",
        },
        headers={"Referer": f"{client.base_url}{page_url}"},
    )
    assert booked.status_code == 302, booked.text
    return booked.headers["Location"]


def emailed_links(database: str, timeout: float = 60) -> tuple[str, str]:
    """The reschedule and cancel paths from the invitee's confirmation in the demo outbox."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as db:
            texts = [row[0] for row in db.execute("SELECT text FROM notifications_outboxemail")]
        for text in texts:
            reschedule = re.search(r"(/booking/[^/\s]+/reschedule)", text)
            cancel = re.search(r"(/booking/[^/\s]+/cancel)", text)
            if reschedule and cancel:
                return reschedule.group(1), cancel.group(1)
        time.sleep(0.2)
    raise AssertionError("the confirmation email never reached the outbox")


def test_no_token_reaches_any_log_of_slotlink_run(tmp_path):
    """Book a seat, open its confirmation, reschedule and cancel links, a mistyped link,
    Zoom's OAuth callback with a code, and an admin page as a member: every line every
    process printed is free of each secret, and the 403 is one line without a traceback."""
    with Demo(tmp_path, free_port(), free_port()) as demo:
        demo.wait_for(r"Press Ctrl-C to stop")
        database = str((tmp_path / "slotlink.sqlite3").resolve())
        assert f"demo data, SQLite {database})" in "".join(demo.output)

        invitee = httpx.Client(base_url=demo.url, timeout=10)
        confirmation = book_a_seat(invitee)
        assert invitee.get(confirmation).status_code == 200
        reschedule, cancel = emailed_links(database)
        assert invitee.get(reschedule).status_code == 200
        # The next request's Referer repeats the link: it must not be logged either.
        assert invitee.get("/book/acme", headers={"Referer": demo.url + cancel}).status_code == 200
        assert invitee.get(cancel).status_code == 200
        assert invitee.get(f"/booking/{BOGUS_TOKEN}/reschedule").status_code == 404

        admin = sign_in(demo.url, "admin@acme.test", PASSWORD)
        admin.get(
            "/360/integrations/zoom/callback", params={"code": OAUTH_CODE, "state": OAUTH_STATE}
        )
        member = sign_in(demo.url, "member@acme.test", PASSWORD)
        assert member.get("/360/members").status_code == 403
        assert demo.interrupt() == 0

    logged = "".join(demo.output)
    secrets = [
        confirmation.rsplit("/", 1)[1],
        reschedule.split("/")[2],
        cancel.split("/")[2],
        BOGUS_TOKEN,
        OAUTH_CODE,
        OAUTH_STATE,
    ]
    for secret in secrets:
        assert secret not in logged, secret
    assert '"GET /booking/[redacted]/reschedule HTTP/1.1" 200' in logged
    assert "code=[redacted]&state=[redacted]" in logged
    assert "Forbidden (Permission denied): /360/members" in logged
    assert "Traceback" not in logged


def test_the_banner_names_the_database_in_use():
    """PostgreSQL from DATABASE_URL is named as such (with its host, never its password);
    SQLite by its file."""
    postgres = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "slotlink",
        "USER": "slotlink",
        "PASSWORD": "hunter2",
        "HOST": "db.internal",
        "PORT": 5432,
    }
    assert database_description(postgres) == "PostgreSQL slotlink on db.internal:5432"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/slotlink/slotlink.sqlite3"}
    assert database_description(sqlite) == "SQLite /srv/slotlink/slotlink.sqlite3"
