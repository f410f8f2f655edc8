"""Taking secrets out of text bound for a log: single-use links and OAuth parameters.

An invitee's reschedule and cancel links carry their token in the URL path, the booking
confirmation its signed id, invitations and password resets theirs too, and Zoom's OAuth
callback its `code` and `state` in the query string: whoever reads a log line with one of
them could act as the invitee or finish someone's Zoom connection. Access logs and
Django's request logs record URLs, so every line goes through `redact` first (the gunicorn
logger class in access_log.py, the log filter in logs.py).
"""

import re

REDACTED = "[redacted]"

# The single-use or signed part of slotlink's bearer URLs: an invitee's links and booking
# confirmation (scheduling/urls.py), an invitation, a password reset (accounts/urls.py).
_PATHS = re.compile(
    r"(/booking/|/booked/|/invitation/|/password/reset/(?=[^/?#\s]+/))[^?#\s\"']+?(?=/reschedule"
    r"|/cancel|[?#\s\"']|$)"
)
# Query parameters that carry a secret: OAuth's, and links with a token.
SECRET_PARAMETERS = ("code", "state", "token", "access_token", "refresh_token", "signature")
_QUERY = re.compile(
    r"([?&;](?:%s)=)[^&#\s\"']*" % "|".join(SECRET_PARAMETERS),  # noqa: UP031 - a regex
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every bearer path segment and secret query value replaced."""
    if "/" not in text and "=" not in text:
        return text  # the common case, cheaply
    text = _PATHS.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _QUERY.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
