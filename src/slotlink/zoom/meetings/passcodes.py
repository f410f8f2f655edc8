"""Meeting passcodes that meet the Zoom account's own rules.

Zoom allows at most 10 characters of letters, digits and `@ - _ *`; an account may ask for
a minimum length, digits only, or a letter, a digit, a special character or both cases
(its `meeting_password_requirement` setting). Reading those rules once, when the account
is connected, costs no call per booking; when they are unknown Zoom makes the passcode
itself from the same rules (`default_password`).
"""

import secrets
import string
from typing import Any

MAX_LENGTH = 10
SPECIALS = "@-_*"


def passcode_rules_from(settings: dict[str, Any]) -> dict[str, Any] | None:
    """The rules from GET /users/{id}/settings, wherever this Zoom version puts them."""
    for section in ("meeting_security", "schedule_meeting"):
        rules = (settings.get(section) or {}).get("meeting_password_requirement")
        if isinstance(rules, dict):
            return rules
    return None


def passcode_for(rules: dict[str, Any]) -> str:
    length = min(MAX_LENGTH, max(8, int(rules.get("length") or 0)))
    if rules.get("only_allow_numeric"):
        return "".join(secrets.choice(string.digits) for _ in range(length))
    picks = [
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.digits),
    ]
    if rules.get("have_special_character"):
        picks.append(secrets.choice(SPECIALS))
    alphabet = string.ascii_letters + string.digits
    picks += [secrets.choice(alphabet) for _ in range(length - len(picks))]
    secrets.SystemRandom().shuffle(picks)
    return "".join(picks)
