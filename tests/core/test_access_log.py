"""gunicorn's access log, as slotlink configures it: tokens out, and JSON when the logs are."""

import json
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from gunicorn.config import Config

from slotlink.core.access_log import RedactingLogger
from tests.fixtures.workers import database_url
from tests.web_process import WebProcess

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

TOKEN = "Tq1-a-reschedule-token-that-must-stay-out-of-the-log_0123456789"


def one_request_logged(path: str, referer: str) -> tuple[int, str, list[dict[str, Any]]]:
    """A JSON-logging web process's answer to GET `path` with the Referer `referer` (both
    after its URL), and what it wrote: all of it, and its JSON lines."""
    with WebProcess({"SLOTLINK_LOG_FORMAT": "json", "DATABASE_URL": database_url()}) as web:
        answer = httpx.get(f"{web.url}{path}", headers={"Referer": f"{web.url}{referer}"})
    logged = "".join(web.output)
    entries = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    return answer.status_code, logged, entries


def test_json_access_lines_carry_the_request_without_its_token():
    """With SLOTLINK_LOG_FORMAT=json every line a web process writes is a JSON object: the
    access line an `http.request` event with method, path, status and duration, Django's
    404 line with its status; the token is in neither, nor in the Referer."""
    status, logged, entries = one_request_logged(
        f"/booking/{TOKEN}/reschedule", f"/booking/{TOKEN}/cancel"
    )
    assert status == 404
    assert TOKEN not in logged
    requests = [e for e in entries if e.get("event") == "http.request"]
    (visit,) = [e for e in requests if e["path"].startswith("/booking/")]
    assert visit["path"] == "/booking/[redacted]/reschedule"
    assert (visit["method"], visit["status"]) == ("GET", 404)
    assert visit["referer"].endswith("/booking/[redacted]/cancel")
    assert isinstance(visit["duration_ms"], int)
    (not_found,) = [e for e in entries if e.get("logger") == "django.request"]
    assert not_found["status"] == 404
    assert not_found["message"] == "Not Found: /booking/[redacted]/reschedule"


def test_json_access_lines_redact_the_query_and_referer_at_every_depth():
    """A query that starts with a secret parameter (gunicorn's query atom has no `?`), a
    `next=` holding a callback encoded once, and a Referer holding it encoded twice: the
    code is in no line a web process writes, even once each line is fully decoded."""
    code = "Zc0de-that-must-not-be-logged_0123456789"
    callback = quote(f"/360/integrations/zoom/callback?code={code}&state={code}", safe="")
    status, logged, entries = one_request_logged(
        f"/signin?code={code}&next={callback}", f"/signin?next={quote(callback, safe='')}"
    )
    assert status == 200
    for line in logged.splitlines():
        while unquote(line) != line:
            line = unquote(line)
        assert code not in line
    (visit,) = [e for e in entries if e.get("event") == "http.request" and "/signin" in e["path"]]
    assert visit["path"].startswith("/signin?code=[redacted]&next=")


def test_gunicorns_error_log_redacts_the_url_of_a_failed_request(capsys):
    """gunicorn names a request that failed in its error log: the code in it is redacted
    like the access log's."""
    config = Config()
    config.set("accesslog", "-")
    logger = RedactingLogger(config)
    logger.error("Error handling request %s", "/360/integrations/zoom/callback?code=Zc0de")
    logged = capsys.readouterr().err
    assert "Error handling request /360/integrations/zoom/callback?code=[redacted]" in logged
    assert "Zc0de" not in logged
