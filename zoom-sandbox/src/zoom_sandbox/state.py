"""Everything the sandbox knows, as plain dataclasses, and its JSON form.

One `SandboxState` holds it all. It is owned by the server's event loop: every handler
is a coroutine that reads and writes it without awaiting in between, so no two requests
interleave their changes and no lock is needed; the persister snapshots it on the same
loop and only the file write happens in a thread. Tokens, codes and browser sessions are
kept under the SHA-256 of their value (digests.py), so the file holds none of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from zoom_sandbox.digests import digest

# 2: tokens, codes and sessions are keyed by digest, not by value.
STATE_VERSION = 2
PLANS = ("basic", "pro", "business")


@dataclass
class PasscodeRules:
    """An account's passcode settings, as Zoom's `meeting_password_requirement` has them."""

    required: bool = True  # "Require a passcode when scheduling new meetings"
    length: int = 6
    have_letter: bool = False
    have_number: bool = False
    have_special_character: bool = False
    have_upper_and_lower_characters: bool = False
    only_allow_numeric: bool = False


@dataclass
class Account:
    id: str
    plan: str
    account_number: int
    created_at: str
    requires_preapproval: bool = False
    approved_apps: list[str] = field(default_factory=list)
    passcode_rules: PasscodeRules = field(default_factory=PasscodeRules)
    waiting_room: bool = True


@dataclass
class User:
    id: str
    account_id: str
    email: str
    password_hash: str  # see passwords.py; never the password itself
    first_name: str
    last_name: str
    webinar: bool
    account_admin: bool
    created_at: str
    pmi: int
    timezone: str = "UTC"
    # The user's own meeting defaults (host_video, participant_video, join_before_host,
    # waiting_room), over the account's.
    settings: dict[str, Any] = field(default_factory=dict)
    last_login_time: str | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass
class AppRequest:
    """A user's "Request pre-approve", waiting on the account admin."""

    id: str
    account_id: str
    user_id: str
    client_id: str
    requested_at: str
    status: str = "pending"


@dataclass
class Grant:
    """An app the user has authorized: a row of Marketplace "Manage > Added Apps"."""

    user_id: str
    client_id: str
    scopes: str
    authorized_at: str


@dataclass
class AuthCode:
    digest: str  # of the code; the code itself is only in the redirect
    client_id: str
    user_id: str
    redirect_uri: str
    scopes: str
    expires_at: float
    code_challenge: str | None = None
    code_challenge_method: str = "plain"
    used: bool = False


@dataclass
class Token:
    digest: str  # of the token; the token itself is only in the token response
    kind: str  # "access" | "refresh"
    user_id: str
    client_id: str
    scopes: str
    expires_at: float
    # The authorization the token descends from, through refreshes: a refresh can end
    # the chain's earlier access tokens. Empty in state files older than the field.
    chain: str = ""


@dataclass
class Participant:
    id: str
    name: str
    user_email: str
    join_time: str
    leave_time: str
    duration: int
    user_id: str = ""
    registrant_id: str = ""
    status: str = "in_meeting"


@dataclass
class Registrant:
    id: str
    email: str
    first_name: str
    last_name: str
    status: str  # approved | pending | denied
    create_time: str
    token: str  # the tk= of the registrant's own join link
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scheduled:
    """What meetings and webinars share."""

    id: int
    uuid: str
    host_id: str
    topic: str
    type: int
    start_time: str | None
    duration: int | None
    timezone: str
    agenda: str
    password: str
    encrypted_password: str
    h323_password: str
    pstn_password: str
    created_at: str
    settings: dict[str, Any]
    join_base: str
    start_token: str
    # When the start_url's token was given out, by the sandbox's clock: it starts the
    # meeting for two hours (scheduling.START_URL_SECONDS).
    start_token_issued_at: float = 0.0
    recurrence: dict[str, Any] | None = None
    occurrences: list[dict[str, Any]] = field(default_factory=list)
    tracking_fields: list[dict[str, Any]] = field(default_factory=list)
    status: str = "waiting"
    held: bool = False
    participants: list[Participant] = field(default_factory=list)


@dataclass
class Meeting(Scheduled):
    pass


@dataclass
class Webinar(Scheduled):
    registrants: dict[str, Registrant] = field(default_factory=dict)


@dataclass
class SandboxState:
    accounts: dict[str, Account] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # digest of session id -> user id
    app_requests: dict[str, AppRequest] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # "user_id client_id" -> grant
    codes: dict[str, AuthCode] = field(default_factory=dict)  # by digest
    tokens: dict[str, Token] = field(default_factory=dict)  # by digest
    meetings: dict[int, Meeting] = field(default_factory=dict)
    webinars: dict[int, Webinar] = field(default_factory=dict)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            **{f.name: _dump_collection(getattr(self, f.name)) for f in fields(self)},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxState:
        if data.get("version", 1) < 2:
            data = _keyed_by_digest(data)
        state = cls()
        state.accounts = {
            key: Account(**{**value, "passcode_rules": PasscodeRules(**value["passcode_rules"])})
            for key, value in data.get("accounts", {}).items()
        }
        state.users = {key: User(**value) for key, value in data.get("users", {}).items()}
        state.sessions = dict(data.get("sessions", {}))
        state.app_requests = {
            key: AppRequest(**value) for key, value in data.get("app_requests", {}).items()
        }
        state.grants = {key: Grant(**value) for key, value in data.get("grants", {}).items()}
        state.codes = {key: AuthCode(**value) for key, value in data.get("codes", {}).items()}
        state.tokens = {key: Token(**value) for key, value in data.get("tokens", {}).items()}
        state.meetings = {
            int(key): Meeting(**_scheduled_fields(value))
            for key, value in data.get("meetings", {}).items()
        }
        state.webinars = {}
        for key, value in data.get("webinars", {}).items():
            registrants = {rid: Registrant(**r) for rid, r in value.pop("registrants", {}).items()}
            state.webinars[int(key)] = Webinar(**_scheduled_fields(value), registrants=registrants)
        return state


def grant_key(user_id: str, client_id: str) -> str:
    return f"{user_id} {client_id}"


def _dump_collection(collection: dict[Any, Any]) -> dict[str, Any]:
    return {
        str(key): asdict(value) if hasattr(value, "__dataclass_fields__") else value
        for key, value in collection.items()
    }


def _keyed_by_digest(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 state, which kept tokens, codes and sessions by value, in version 2 form."""

    def rekeyed(records: dict[str, Any], value_field: str) -> dict[str, Any]:
        return {
            digest(value): {
                **{k: v for k, v in record.items() if k != value_field},
                "digest": digest(value),
            }
            for value, record in records.items()
        }

    return {
        **data,
        "sessions": {digest(s): user_id for s, user_id in data.get("sessions", {}).items()},
        "codes": rekeyed(data.get("codes", {}), "code"),
        "tokens": rekeyed(data.get("tokens", {}), "value"),
    }


def _scheduled_fields(value: dict[str, Any]) -> dict[str, Any]:
    return {
        **value,
        "participants": [Participant(**p) for p in value.get("participants", [])],
    }
