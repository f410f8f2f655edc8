"""The Zoom scopes slotlink asks for, and what each one makes work.

Zoom apps created today use granular scopes: one per endpoint family and verb
(https://developers.zoom.us/docs/integrations/oauth-scopes-granular/). The app's scopes
are set on its Marketplace page, not in the authorize URL; Zoom says which ones the user
granted in the token response's `scope`, and a card lists what is missing and what that
stops working.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    name: str
    needed_for: str  # finishes "Without it, slotlink can't ..."


SCOPES = (
    Scope("user:read:user", "see which Zoom account is connected"),
    Scope("user:read:settings", "read your Zoom passcode rules for new meetings"),
    Scope("meeting:read:meeting", "check a booking's Zoom meeting"),
    Scope("meeting:read:list_meetings", "find meetings changed in Zoom"),
    Scope("meeting:write:meeting", "create a Zoom meeting for each booking"),
    Scope("meeting:update:meeting", "move a booking's Zoom meeting when it is rescheduled"),
    Scope("meeting:delete:meeting", "remove a booking's Zoom meeting when it is cancelled"),
    Scope("webinar:read:webinar", "check a group session's webinar and start it as its host"),
    Scope("webinar:read:list_webinars", "list your webinars for group event types"),
    Scope("webinar:write:webinar", "create webinars for group bookings"),
    Scope("webinar:update:webinar", "move webinars when sessions move"),
    Scope("webinar:delete:webinar", "remove webinars when sessions are cancelled"),
    Scope("webinar:write:registrant", "register invitees for webinars"),
    Scope("webinar:read:list_registrants", "check webinar registrations"),
    Scope("webinar:update:registrant_status", "cancel a webinar registration"),
    # Past participants, not Zoom's report (whose only scope is `:admin`, which a member
    # who is not a Zoom account admin could not grant).
    Scope("webinar:read:list_past_participants", "mark webinar attendance"),
)
REQUESTED = tuple(scope.name for scope in SCOPES)


def missing_scopes(granted: str) -> list[Scope]:
    """The requested scopes that a token's space-separated `scope` lacks.

    An empty `granted` means Zoom did not say; nothing is reported missing then, since
    the calls themselves will name any scope they lack (code 4711).
    """
    have = set(granted.split())
    if not have:
        return []
    return [
        scope for scope in SCOPES if scope.name not in have and f"{scope.name}:admin" not in have
    ]
