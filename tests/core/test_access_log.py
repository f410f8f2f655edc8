"""gunicorn's access log, as slotlink configures it: tokens out, and JSON when the logs are."""

import json

import httpx
import pytest

from tests.fixtures.workers import database_url
from tests.web_process import WebProcess

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

TOKEN = "Tq1-a-reschedule-token-that-must-stay-out-of-the-log_0123456789"


def test_json_access_lines_carry_the_request_without_its_token():
    """With SLOTLINK_LOG_FORMAT=json every line a web process writes is a JSON object: the
    access line an `http.request` event with method, path, status and duration, Django's
    404 line with its status; the token is in neither, nor in the Referer."""
    with WebProcess({"SLOTLINK_LOG_FORMAT": "json", "DATABASE_URL": database_url()}) as web:
        answer = httpx.get(
            f"{web.url}/booking/{TOKEN}/reschedule",
            headers={"Referer": f"{web.url}/booking/{TOKEN}/cancel"},
        )
    assert answer.status_code == 404
    logged = "".join(web.output)
    assert TOKEN not in logged
    entries = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    requests = [e for e in entries if e.get("event") == "http.request"]
    (visit,) = [e for e in requests if e["path"].startswith("/booking/")]
    assert visit["path"] == "/booking/[redacted]/reschedule"
    assert (visit["method"], visit["status"]) == ("GET", 404)
    assert visit["referer"].endswith("/booking/[redacted]/cancel")
    assert isinstance(visit["duration_ms"], int)
    (not_found,) = [e for e in entries if e.get("logger") == "django.request"]
    assert not_found["status"] == 404
    assert not_found["message"] == "Not Found: /booking/[redacted]/reschedule"
