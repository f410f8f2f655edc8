"""Why a calendar connection is broken: a code on the row, and the host's words for it,
here and nowhere else.

A connection stores `problem_code` and `problem_detail` (the server's reason in words, as
the client's error put it). Code decides (whether the connection counts as connected,
whether Reconnect is offered); the words are only ever shown.
"""

from django.db import models


class Problem(models.TextChoices):
    NONE = "", "None"
    CREDENTIALS_REFUSED = "credentials_refused", "Password refused"
    UNREACHABLE = "unreachable", "Server unreachable"
    NOT_CALDAV = "not_caldav", "Not a CalDAV server"
    ADDRESS_REFUSED = "address_refused", "Address refused"
    OTHER = "other", "Calendar error"


WORDS: dict[str, str] = {
    Problem.NONE: "",
    Problem.CREDENTIALS_REFUSED: (
        "The calendar server no longer accepts this username and app password: make a new "
        "app password and Reconnect."
    ),
    Problem.UNREACHABLE: (
        "slotlink could not reach the calendar server; it keeps trying. If the server moved, "
        "remove this connection and connect it again."
    ),
    Problem.NOT_CALDAV: (
        "The calendar server no longer answers as a CalDAV server at this address: remove this "
        "connection and connect it again."
    ),
    Problem.ADDRESS_REFUSED: (
        "The calendar server's address is one slotlink does not connect to (a private or "
        "local network)."
    ),
    Problem.OTHER: "The calendar server refused a request.",
}

# The codes a new password can fix: the connection offers Reconnect for them.
RECONNECT_FIXES = frozenset({Problem.CREDENTIALS_REFUSED})


def problem_words(code: str) -> str:
    """The host's words for a connection's problem (its detail is shown beside them)."""
    return WORDS.get(code, WORDS[Problem.OTHER])
