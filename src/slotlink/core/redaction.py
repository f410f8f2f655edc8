"""Taking secrets out of text bound for a log: single-use links and OAuth parameters.

An invitee's reschedule and cancel links carry their token in the URL path, the booking
confirmation its signed id, invitations and password resets theirs too, and Zoom's OAuth
callback its `code` and `state` in the query string: whoever reads a log line with one of
them could act as the invitee or finish someone's Zoom connection. Access logs and
Django's request logs record URLs, so every line goes through `redact` first (the gunicorn
logger class in access_log.py, the log filter in logs.py).

A URL travels inside other URLs (a sign-in page's `next=`, a Referer of that page, a
`next=` inside that), each time encoded once more: `?code=` becomes `%3Fcode%3D`, then
`%253Fcode%253D`. The parameters are found at every depth of encoding, and a line is
checked once more after decoding it fully: if anything secret still shows then (a name
spelled with escapes, a path inside an encoded URL), the decoded line is logged instead,
redacted.
"""

import re
from urllib.parse import unquote

REDACTED = "[redacted]"

# The single-use or signed part of slotlink's bearer URLs: an invitee's links and booking
# confirmation (scheduling/urls.py), an invitation, a password reset (accounts/urls.py).
_PATHS = re.compile(
    r"(/booking/|/booked/|/invitation/|/password/reset/(?=[^/?#\s]+/))[^?#\s\"']+?(?=/reschedule"
    r"|/cancel|[?#\s\"']|$)"
)
# Query parameters that carry a secret: OAuth's (code, state, PKCE's verifier, tokens),
# passwords and links with a token (a reset's, an invitation's, the setup link's).
SECRET_PARAMETERS = (
    "code",
    "state",
    "code_verifier",
    "signature",
    r"[\w.-]*token[\w.-]*",
    r"[\w.-]*password[\w.-]*",
    r"[\w.-]*secret[\w.-]*",
)
# A character encoded d times is `%` + `25` (d - 1 times) + its hex: `%3F`, `%253F`, ...
_ENCODED = r"%(?:25)*"
_QUERY = re.compile(
    rf"((?:[?&;]|{_ENCODED}(?:3F|26|3B))(?:{'|'.join(SECRET_PARAMETERS)})(=|{_ENCODED}3D))",
    re.IGNORECASE,
)
# Where a value ends: a separator or the end of the URL, raw or encoded (group 1: the
# `25`s of an encoded one, to know its depth).
_VALUE_END = re.compile(r"[&#;\s\"'<>]|%((?:25)*)(?:26|23|3B|20|22|27)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redact(text: str) -> str:
    """`text` with every bearer path segment and secret query value replaced, at every
    depth of URL encoding."""
    if "/" not in text and "=" not in text and "%" not in text:
        return text  # the common case, cheaply
    cleaned = _redact_plain(text)
    if "%" not in cleaned:
        return cleaned
    decoded = _decoded(cleaned)
    if _redact_plain(decoded) == decoded:
        return cleaned
    # Something secret is still there once decoded, in a spelling the patterns don't
    # follow: log the decoded line, redacted, its control characters (a decoded newline
    # would start a forged line) escaped.
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", _redact_plain(decoded))


def _redact_plain(text: str) -> str:
    text = _PATHS.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    pieces = []
    position = 0
    while match := _QUERY.search(text, position):
        end = _value_end(text, match.end(), depth=_depth(match.group(2)))
        pieces.append(text[position : match.end()])
        if end > match.end():
            pieces.append(REDACTED)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _depth(encoded: str) -> int:
    """How many times a character was encoded: `=` 0, `%3D` 1, `%253D` 2 ..."""
    return 0 if not encoded.startswith("%") else (len(encoded) - 3) // 2 + 1


def _value_end(text: str, start: int, *, depth: int) -> int:
    """Where the value that starts at `start`, in a URL encoded `depth` times, ends: at a
    separator encoded as many times or fewer (one encoded more is part of the value)."""
    for end in _VALUE_END.finditer(text, start):
        escapes = end.group(1)
        if escapes is None or len(escapes) // 2 + 1 <= depth:
            return end.start()
    return len(text)


def _decoded(text: str) -> str:
    """`text` URL-decoded until decoding changes nothing more."""
    while (once := unquote(text)) != text:
        text = once
    return text
