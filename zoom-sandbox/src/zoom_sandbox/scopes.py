"""Which OAuth scopes each REST operation takes, in Zoom's granular and classic names.

Apps created on the Marketplace today get granular scopes: one per resource and verb
(`meeting:write:meeting` creates, `meeting:update:meeting` updates), each with an
`:admin` variant that acts on every user of the account. Older apps keep the classic
names (`meeting:write` for create, update and delete). The registered app says which
style it has (`AppSettings.scope_style`); a token's scopes are read in that style only,
so a token that holds `meeting:delete:meeting` cannot create a meeting.

The names come from Zoom's granular scope list
(https://developers.zoom.us/docs/integrations/oauth-scopes-granular/) and, for classic
ones, from each operation's "Scopes" line in Zoom's OpenAPI file. Zoom lists the
`:admin` variant first when it refuses a token (`does not contain scopes:[x:admin, x]`).
"""

from __future__ import annotations

from dataclasses import dataclass

GRANULAR = "granular"
CLASSIC = "classic"
STYLES = (GRANULAR, CLASSIC)


@dataclass(frozen=True)
class Needs:
    """The scopes that let a token call one operation; any one of them will do."""

    granular: tuple[str, ...]
    classic: tuple[str, ...]
    # Classic `user_info:read` reads the token's own user, so it counts only for `me`.
    classic_me: tuple[str, ...] = ()

    def accepted(self, style: str, *, me: bool) -> tuple[str, ...]:
        if style == GRANULAR:
            return self.granular
        return self.classic + (self.classic_me if me else ())


def granular(name: str, *, admin_only: bool = False) -> tuple[str, ...]:
    return (f"{name}:admin",) if admin_only else (f"{name}:admin", name)


def classic(name: str) -> tuple[str, ...]:
    return (f"{name}:admin", name)


# Keyed by the operationId of Zoom's OpenAPI file.
OPERATIONS: dict[str, Needs] = {
    "meetingCreate": Needs(granular("meeting:write:meeting"), classic("meeting:write")),
    "meetings": Needs(granular("meeting:read:list_meetings"), classic("meeting:read")),
    "meeting": Needs(granular("meeting:read:meeting"), classic("meeting:read")),
    "meetingUpdate": Needs(granular("meeting:update:meeting"), classic("meeting:write")),
    "meetingDelete": Needs(granular("meeting:delete:meeting"), classic("meeting:write")),
    "pastMeetingParticipants": Needs(
        granular("meeting:read:list_past_participants"), classic("meeting:read")
    ),
    "user": Needs(granular("user:read:user"), classic("user:read"), ("user_info:read",)),
    "userUpdate": Needs(granular("user:update:user"), classic("user:write")),
    "userDelete": Needs(granular("user:delete:user"), classic("user:write")),
    "userSettings": Needs(granular("user:read:settings"), classic("user:read")),
    "userSettingsUpdate": Needs(granular("user:update:settings"), classic("user:write")),
    "webinarCreate": Needs(granular("webinar:write:webinar"), classic("webinar:write")),
    "webinars": Needs(granular("webinar:read:list_webinars"), classic("webinar:read")),
    "webinar": Needs(granular("webinar:read:webinar"), classic("webinar:read")),
    "webinarUpdate": Needs(granular("webinar:update:webinar"), classic("webinar:write")),
    "webinarDelete": Needs(granular("webinar:delete:webinar"), classic("webinar:write")),
    "listWebinarParticipants": Needs(
        granular("webinar:read:list_past_participants"), classic("webinar:read")
    ),
    # Reports are for admins only, in both styles: there is no user-level report scope.
    "reportWebinarParticipants": Needs(
        granular("report:read:list_webinar_participants", admin_only=True),
        ("report:read:admin",),
    ),
    "webinarRegistrantCreate": Needs(
        granular("webinar:write:registrant"), classic("webinar:write")
    ),
    "webinarRegistrants": Needs(granular("webinar:read:list_registrants"), classic("webinar:read")),
    "webinarRegistrantGet": Needs(granular("webinar:read:registrant"), classic("webinar:read")),
    "webinarRegistrantStatus": Needs(
        granular("webinar:update:registrant_status"), classic("webinar:write")
    ),
    "deleteWebinarRegistrant": Needs(
        granular("webinar:delete:registrant"), classic("webinar:write")
    ),
}


def every_scope(style: str, *, admin: bool = False) -> str:
    """Every scope the sandbox knows in `style`, space-separated: a token that can call
    every endpoint, on its own user's things only unless `admin` (reports are admin-only
    either way)."""
    names: dict[str, None] = {}
    for needs in OPERATIONS.values():
        accepted = needs.granular if style == GRANULAR else needs.classic + needs.classic_me
        own = [name for name in accepted if not name.endswith(":admin")]
        for name in accepted if admin or not own else own:
            names[name] = None
    return " ".join(names)


def missing_scopes_message(accepted: tuple[str, ...]) -> str:
    return f"Invalid access token, does not contain scopes:[{', '.join(accepted)}]."
