"""Log lines: JSON on request with the dotted event name and its fields, no secret in any
line, and an expected refusal in one line."""

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from slotlink.core.logs import JsonFormatter, RedactSecrets, RefusalsInOneLine

TOKEN = "Zq8-very-secret-reschedule-token_0123456789abcdefABCDEF"


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("slotlink.zoom", logging.INFO, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_json_lines_carry_the_event_name_and_its_fields():
    line = JsonFormatter().format(record("zoom.meeting.created meeting=%s zoom_id=%s", 4, 8))
    entry = json.loads(line)
    assert entry["event"] == "zoom.meeting.created"
    assert (entry["meeting"], entry["zoom_id"]) == ("4", "8")
    assert (entry["level"], entry["logger"]) == ("info", "slotlink.zoom")
    assert entry["message"] == "zoom.meeting.created meeting=4 zoom_id=8"
    assert entry["time"].endswith("+00:00")


def test_a_message_without_an_event_name_is_still_one_json_line():
    entry = json.loads(JsonFormatter().format(record("Not Found: %s", "/x", status_code=404)))
    assert "event" not in entry
    assert (entry["message"], entry["status"]) == ("Not Found: /x", 404)


def test_tokens_and_oauth_codes_are_redacted_from_messages():
    cases = [
        record("Not Found: %s", f"/booking/{TOKEN}/reschedule"),
        record("Forbidden: %s", f"/booking/{TOKEN}/cancel"),
        record("visited %s", f"/booked/{TOKEN}"),
        record("callback %s", f"/360/integrations/zoom/callback?code={TOKEN}&state={TOKEN}"),
        record("GET %s", f"/invitation/{TOKEN}"),
        record("GET %s", f"/password/reset/MQ/{TOKEN}"),
        record("GET %s", f"/setup?token={TOKEN}"),
    ]
    for case in cases:
        RedactSecrets().filter(case)
        assert TOKEN not in case.getMessage()
        assert "[redacted]" in case.getMessage()
    kept = record("GET %s", "/book/acme/intro-call?date=2030-01-02")
    RedactSecrets().filter(kept)
    assert kept.getMessage() == "GET /book/acme/intro-call?date=2030-01-02"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """The settings' console handler's filters, writing to a buffer for the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RefusalsInOneLine())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_refusal_logs_one_line_without_a_traceback(member_client, console):
    """A member opening an admin page (403), a stale reschedule link (404) and a request
    for another host (400) each log one line; no traceback, no token."""
    assert member_client.get("/360/members").status_code == 403
    assert member_client.get(f"/booking/{TOKEN}/reschedule").status_code == 404
    logged = console.getvalue()
    assert "Forbidden (Permission denied): /360/members" in logged
    assert "Not Found: /booking/[redacted]/reschedule" in logged
    assert member_client.get("/signin", HTTP_HOST="evil.example").status_code == 400
    logged = console.getvalue()
    assert "Invalid HTTP_HOST header: 'evil.example'" in logged
    assert "Traceback" not in logged
    assert "Traceback" not in logged
    assert TOKEN not in logged
    assert len([line for line in logged.splitlines() if "Forbidden" in line]) == 1


@pytest.mark.django_db
def test_the_first_run_link_is_the_one_token_printed(console):
    """A fresh install's web process prints its setup link for the operator in full; the
    same link requested later is redacted like any other."""
    from slotlink.accounts.setup import setup_token_announce

    setup_token_announce()
    printed = console.getvalue()
    token = printed.rsplit("?token=", 1)[1].strip()
    assert len(token) > 20
    later = record("GET %s", f"/setup?token={token}")
    RedactSecrets().filter(later)
    assert token not in later.getMessage()


def test_the_settings_put_the_filters_on_the_console():
    from django.conf import settings

    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["refusals", "redact"]
    assert console["formatter"] == "plain"


def _log_in_a_fresh_process(
    code: str = (
        "import django, logging; django.setup(); "
        "logging.getLogger('slotlink.zoom').info('zoom.meeting.created meeting=%s', 4)"
    ),
    **env: str,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "SLOTLINK_MODE": "test",
            "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_slotlink_log_format_json_makes_every_line_json():
    result = _log_in_a_fresh_process(SLOTLINK_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    entry = json.loads(line)
    assert (entry["event"], entry["meeting"]) == ("zoom.meeting.created", "4")


def test_an_unknown_log_format_is_refused_by_name():
    result = _log_in_a_fresh_process(SLOTLINK_LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "SLOTLINK_LOG_FORMAT must be plain or json, not 'xml'." in result.stderr


LEAKY_LINES = f"""
import django, logging
django.setup()
callback = "/360/integrations/zoom/callback%3Fcode%3D{TOKEN}"
logging.getLogger("django.request").warning("Not Found: /signin?next=%s", callback)
logging.getLogger("django.server").info('"GET /signin?next=%s HTTP/1.1" 302', callback)
logging.getLogger("django_tasks_db").info("task for %s", callback)
try:
    raise ValueError("bad url /x?state={TOKEN}")
except ValueError:
    logging.getLogger("django").exception("Internal Server Error: /x")
handlers = [
    (name, handler)
    for name, logger in [("root", logging.root), *logging.root.manager.loggerDict.items()]
    for handler in getattr(logger, "handlers", [])
]
print("handlers:", len(handlers))
for name, handler in handlers:
    assert any(type(f).__name__ == "RedactSecrets" for f in handler.filters), name
"""


def test_every_handler_of_every_logger_redacts_even_under_debug():
    """With DEBUG on (where Django's defaults add a console of their own), Django's
    request, server and task worker's loggers each write one line, through a handler that
    redacts: the code inside an encoded `next=` and a URL in an exception's message are
    in no line, and no line is written twice."""
    result = _log_in_a_fresh_process(LEAKY_LINES, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "handlers: 1" in result.stdout
    assert TOKEN not in result.stderr
    assert result.stderr.count("Not Found: /signin") == 1
    assert result.stderr.count("302") == 1
    assert "ValueError: bad url /x?state=[redacted]" in result.stderr
