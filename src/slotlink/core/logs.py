"""How slotlink's log lines are written: plain text or JSON, secrets taken out, refusals short.

The settings' LOGGING puts these on the one console handler, the only handler of any
logger (slotlink's, Django's, the task worker's; gunicorn's get `RedactSecrets` from
access_log.py):

- `RedactSecrets` rewrites each record's message through `redaction.redact`: a 404 for a
  mistyped reschedule link must not leave the token in the log. The first-run link is
  the one exception (KEEP_SECRETS): printing it for the operator is its purpose.
- `RefusalsInOneLine` drops the traceback Django attaches to a 403 (PermissionDenied) or
  another refusal below 500: an expected answer is one line; a 500 keeps its traceback.
- `JsonFormatter` (SLOTLINK_LOG_FORMAT=json) writes one JSON object per line. slotlink's
  messages start with a stable dotted event name followed by key=value pairs
  ("zoom.meeting.created meeting=4 zoom_id=8"); those become `event` and fields.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from slotlink.core.redaction import redact

_EVENT = re.compile(r"^([a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+)(?=\s|$)")
_FIELD = re.compile(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=(\S*)")
RESERVED = {"time", "level", "logger", "event", "message", "exception", "status"}


# A record logged with `extra={KEEP_SECRETS: True}` is printed as it is: the one line
# whose secret is meant for the operator's eyes (the first-run link, accounts/setup.py).
KEEP_SECRETS = "slotlink_keep_secrets"


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, KEEP_SECRETS, False):
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A traceback's last line quotes the exception, which may quote a URL; formatters
        # print `exc_text` when it is set, so it is set here, redacted.
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info))
        return True


_TRACEBACKS = logging.Formatter()


class RefusalsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        event = _EVENT.match(message)
        if event:
            entry["event"] = event.group(1)
            for key, value in _FIELD.findall(message[event.end() :]):
                if key not in RESERVED:
                    entry.setdefault(key, value)
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        entry["message"] = message
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: one console handler, plain text or JSON."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": "slotlink.core.logs.RedactSecrets"},
            "refusals": {"()": "slotlink.core.logs.RefusalsInOneLine"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "slotlink.core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["refusals", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # httpx writes a line per request at INFO (every CalDAV PROPFIND, every Zoom
            # call): the calendar and Zoom clients log what matters in their own words.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # Django's defaults (DEFAULT_LOGGING, configured before this) give these two
            # handlers of their own, without the filters: a second console under DEBUG,
            # an email to ADMINS quoting the request, runserver's request lines. They get
            # none here, and write through the root's console like every other logger.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }


def silent_handlers_removed() -> None:
    """Take the NullHandlers off every logger. Libraries hang them on their loggers when
    imported (caldav and what it imports do so after Django set up logging); their records
    reach slotlink's redacting console handler by propagation, and no handler may sit
    outside it (tests/core/test_logs.py checks every logger)."""
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.handlers = [
                handler
                for handler in logger.handlers
                # logging's own class, or a library's copy of it (caldav has one)
                if type(handler).__name__ != "NullHandler"
            ]
