"""Why a Zoom meeting, webinar or registration has no link (or no current one): a code on
the row, and the host's words for it, here and nowhere else.

A row stores `problem_code` and, where the words need one, `problem_detail`: the one part
the code can't carry (the Zoom account's email, the missing scopes, the time the daily cap
lifts, or Zoom's own message for a refused request). Code decides (which action the host
gets, which rows a reconnect retries); the words are only ever shown.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from slotlink.zoom.host_times import host_when, utc_minute


class Problem(models.TextChoices):
    NONE = "", "None"
    # Any Zoom call (the sync engine's call wrapper, sync/calls.py).
    DISCONNECTED = "disconnected", "Account disconnected from slotlink"
    CONNECTION_BROKEN = "connection_broken", "Connection broken"
    SCOPE_MISSING = "scope_missing", "Permission missing"
    DAILY_CAP = "daily_cap", "Daily limit used up"
    RATE_LIMITED = "rate_limited", "Rate limited"
    UNREACHABLE = "unreachable", "Zoom unreachable"
    # Meetings.
    CREATE_REFUSED = "create_refused", "Create refused"
    MOVE_REFUSED = "move_refused", "Move refused"
    DELETE_REFUSED = "delete_refused", "Delete refused"
    REMOVED = "removed", "Removed in Zoom"
    # Webinars.
    WEBINARS_OFF = "webinars_off", "Webinars not enabled"
    WEBINAR_NO_ACCOUNT = "webinar_no_account", "No Zoom account"
    WEBINAR_CREATE_REFUSED = "webinar_create_refused", "Webinar create refused"
    WEBINAR_REMOVED = "webinar_removed", "Webinar removed in Zoom"
    NO_LICENCE = "no_licence", "No webinar licence"
    NO_LICENCE_FELL_BACK = "no_licence_fell_back", "No webinar licence: a meeting instead"
    # Registrants.
    HOST_REGISTERED = "host_registered", "The host's own email"
    REGISTRATION_REFUSED = "registration_refused", "Registration refused"
    # Prose stored before codes that matched none of them: its detail is the prose.
    EARLIER = "earlier", "Stored before problem codes"


class Fix(StrEnum):
    """What the host can do about a failed meeting, where the code decides it."""

    RECONNECT = "reconnect"  # reconnecting the Zoom account clears it (and retries)


@dataclass(frozen=True)
class Words:
    text: str  # the host's words; `{detail}` is the row's `problem_detail`
    fix: Fix | None = None


# The help article's "No link in the email" checklist, after the check that fails now.
CHECKLIST = (
    " A Zoom link needs all three: Zoom enabled for the organization by an admin, the event "
    "type's location set to Zoom, and a connected Zoom account (the host's own, or a shared "
    "org account)."
)
_LICENCE = "The Zoom account {detail} has no webinar licence, so Zoom can't host a webinar on it."

WORDS: dict[str, Words] = {
    Problem.NONE: Words(""),
    Problem.DISCONNECTED: Words(
        "The Zoom account this meeting was on was disconnected from slotlink, so slotlink "
        "can no longer change it. Change it in Zoom."
    ),
    Problem.CONNECTION_BROKEN: Words(
        "The Zoom connection {detail} is broken: reconnect it.", Fix.RECONNECT
    ),
    Problem.SCOPE_MISSING: Words(
        "Zoom did not give slotlink permission for this ({detail}): reconnect Zoom and allow "
        "every permission it asks for.",
        Fix.RECONNECT,
    ),
    Problem.DAILY_CAP: Words(
        "Zoom's daily limit of 100 meeting changes for this account is used up; slotlink "
        "will make this change after {detail}."
    ),
    Problem.RATE_LIMITED: Words("Zoom asked slotlink to slow down; retrying."),
    Problem.UNREACHABLE: Words("Zoom could not be reached; retrying."),
    Problem.CREATE_REFUSED: Words("Zoom refused to create the meeting: {detail}"),
    Problem.MOVE_REFUSED: Words("Zoom refused to move the meeting: {detail}"),
    Problem.DELETE_REFUSED: Words("Zoom refused to delete the meeting: {detail}"),
    Problem.REMOVED: Words(
        "The Zoom meeting was removed in Zoom, so it could not be moved. Recreate it."
    ),
    Problem.WEBINARS_OFF: Words(
        "Webinars on group bookings aren't enabled for this organization (Rollout card), so "
        "no Zoom webinar was created."
    ),
    Problem.WEBINAR_NO_ACCOUNT: Words(
        "No Zoom account was connected for this host (nor a shared org account), so no Zoom "
        "webinar was created." + CHECKLIST
    ),
    Problem.WEBINAR_CREATE_REFUSED: Words("Zoom refused to create the webinar: {detail}"),
    Problem.WEBINAR_REMOVED: Words(
        "The Zoom webinar was removed in Zoom: Recreate webinar makes a new one."
    ),
    Problem.NO_LICENCE: Words(_LICENCE + " This event type does not fall back to a meeting."),
    Problem.NO_LICENCE_FELL_BACK: Words(_LICENCE + " A Zoom meeting is used instead."),
    Problem.HOST_REGISTERED: Words(
        "The host can't register for their own Zoom webinar (Zoom error 3027): this booking "
        "was made with the host's own email."
    ),
    Problem.REGISTRATION_REFUSED: Words("Zoom refused to register this invitee: {detail}"),
    Problem.EARLIER: Words("{detail}"),
}

RECONNECT_FIXES = [code for code, words in WORDS.items() if words.fix == Fix.RECONNECT]


def problem_words(code: str, detail: str = "") -> str:
    """The host's words for a row's problem."""
    return WORDS[code].text.replace("{detail}", detail)


def problem_fix(code: str) -> Fix | None:
    return WORDS[code].fix


def problem_fields(code: str = Problem.NONE, detail: str = "") -> dict[str, str]:
    """A row's problem columns, for a save or an update (no arguments: no problem)."""
    return {"problem_code": code, "problem_detail": detail}


class ProblemRow(models.Model):
    """A row that can say why it has no link: its code, the detail the words need, and
    `problem`, the host's words."""

    # A `Problem`; without `choices`, so a new code needs no migration.
    problem_code = models.CharField(max_length=30, blank=True, default=Problem.NONE)
    problem_detail = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def problem(self) -> str:
        detail = self.problem_detail
        if self.problem_code == Problem.DAILY_CAP:
            # Stored as a UTC minute; read as the host reads times (a registrant's row has
            # no host of its own: UTC, said so).
            until = utc_minute(detail)
            host_id = getattr(self, "host_id", None)
            detail = host_when(until, host_id) if until is not None else f"{detail} UTC"
        return problem_words(self.problem_code, detail)
