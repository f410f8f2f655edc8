"""gunicorn's access log without secrets, and as JSON when the logs are JSON.

gunicorn writes one line per request with the request line, the Referer and, in custom
formats, any header. The request line of an invitee's reschedule link holds its token,
the Zoom OAuth callback's its `code` and `state`, and the Referer of the next request
repeats them; `Authorization` and `Cookie` headers are credentials. This logger class
(`logger_class` in slotlink/config/gunicorn.py) redacts every atom before formatting, and
puts the redacting filter of Django's logs on each of gunicorn's handlers too: its error
log names the URL of a request that failed.
"""

import json
import os
from typing import Any

from gunicorn.glogging import Logger

from slotlink.core.logs import RedactSecrets
from slotlink.core.redaction import REDACTED, redact

CREDENTIAL_HEADERS = ("{authorization}i", "{cookie}i", "{set-cookie}o", "{x-zm-signature}i")


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                    handler.addFilter(RedactSecrets())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if key in CREDENTIAL_HEADERS:
                atoms[key] = REDACTED
            elif key == "q" and value:
                # The query string alone, without the `?` that marks its first parameter.
                atoms[key] = redact(f"?{value}")[1:]
            elif isinstance(value, str):
                atoms[key] = redact(value)
        return atoms

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not self.cfg.accesslog or not _json_logs():
            super().access(resp, req, environ, request_time)
            return
        atoms = self.atoms(resp, req, environ, request_time)
        path = atoms["U"] + (f"?{atoms['q']}" if atoms["q"] else "")
        line = {
            "time": atoms["t"],
            "level": "info",
            "logger": "gunicorn.access",
            "event": "http.request",
            "method": atoms["m"],
            "path": path,
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "remote": atoms["h"],
            "referer": atoms["f"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


def _json_logs() -> bool:
    # The variable the settings read too (SLOTLINK_LOG_FORMAT); the master has no settings.
    return os.environ.get("SLOTLINK_LOG_FORMAT", "").strip().lower() == "json"
