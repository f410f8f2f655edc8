"""What the request log shows of a secret: its name and shape, never its value.

`GET /_sandbox/requests` is for seeing what the product sent and what "Zoom" answered.
It used to show sign-in passwords, OAuth codes, PKCE verifiers and tokens as sent, so
whoever could read it could take over what they guard. Like Zoom's own logs, it now keeps
every field but replaces a secret's value with `[redacted]`: form fields and JSON fields at
any depth (`"access_token": "[redacted]"`), query parameters, parameters of URLs inside
values (a start_url's `zak=`) and the hidden form fields of logged pages (CSRF tokens).
The sandbox keeps tokens and codes only as digests (digests.py); this keeps the log in
step. Values that are no text (`"password": false` in settings) and empty ones say
nothing and stay.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

# Secrets by name: OAuth's, and the links that carry Zoom's meeting passcodes (`pwd=` in
# join URLs) or act as their holder (`zak=` in start URLs, `tk=` in registrants' join URLs).
_SECRET_NAMES = frozenset({"code", "code_verifier", "pwd", "zak", "tk"})
# And by ending: access_token, csrf_token, client_secret, password, h323_password. A name
# that only mentions one (`require_password_for_pmi_meetings: "all"`) is a setting.
_SECRET_ENDINGS = ("token", "secret", "password", "passcode")
# A paging cursor is called a token but opens nothing.
_NOT_SECRET = frozenset({"next_page_token"})

_URL_PARAMETER = re.compile(r"(?P<lead>[?&](?:amp;)?)(?P<name>[\w.-]+)=(?P<value>[^&#\s\"'<>]*)")
_HIDDEN_FIELD = re.compile(r'(?P<lead>name="(?P<name>[\w.-]+)" value=")(?P<value>[^"]*)"')


def is_secret(name: str) -> bool:
    """Whether a field or parameter of this name holds something that grants access."""
    lowered = name.lower()
    if lowered in _NOT_SECRET:
        return False
    return lowered in _SECRET_NAMES or lowered.endswith(_SECRET_ENDINGS)


def redact_text(text: str) -> str:
    """`text` with the value of each secret URL parameter and hidden form field redacted."""
    if "=" not in text:
        return text
    text = _URL_PARAMETER.sub(
        lambda m: _keep_or_redact(m, f"{m.group('lead')}{m.group('name')}="), text
    )
    return _HIDDEN_FIELD.sub(lambda m: _keep_or_redact(m, m.group("lead"), close='"'), text)


def _keep_or_redact(match: re.Match[str], prefix: str, close: str = "") -> str:
    if not match.group("value") or not is_secret(match.group("name")):
        return match.group(0)
    return f"{prefix}{REDACTED}{close}"


def redact(value: Any, name: str = "") -> Any:
    """A decoded body, form or query (dicts, lists, text at any depth) with every secret
    value replaced by `[redacted]`; `name` is the field `value` was found under."""
    if isinstance(value, dict):
        return {key: redact(item, str(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, name) for item in value]
    if isinstance(value, str) and value:
        return REDACTED if is_secret(name) else redact_text(value)
    return value
