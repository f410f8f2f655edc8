"""Meeting passcodes by an account's rules: checking the ones clients send, making the rest.

Zoom allows at most 10 characters from letters, digits and `@ - _ *`; an account can
ask for a minimum length, digits only, or a letter, digit, special character or mixed
case. A meeting created without a passcode gets one when the account requires it.
"""

from __future__ import annotations

import re
import secrets
import string

from zoom_sandbox.errors import ZoomError
from zoom_sandbox.state import PasscodeRules

MAX_LENGTH = 10
SPECIALS = "@-_*"
ALLOWED = re.compile(r"^[A-Za-z0-9@\-_*]*$")


def check_passcode(passcode: str, rules: PasscodeRules) -> None:
    """Raise Zoom's 300 error when `passcode` breaks the character set or the rules."""
    if len(passcode) > MAX_LENGTH or not ALLOWED.match(passcode):
        raise _rejected(
            "Passcode can only contain the following characters: [a-z A-Z 0-9 @ - _ *] "
            "and can not be longer than 10 characters."
        )
    if rules.only_allow_numeric and not passcode.isdigit():
        raise _rejected("Passcode can only contain numbers.")
    if len(passcode) < rules.length:
        raise _rejected(f"Passcode must be at least {rules.length} characters long.")
    if rules.have_letter and not any(c.isalpha() for c in passcode):
        raise _rejected("Passcode must contain at least 1 letter (a, b, c...).")
    if rules.have_number and not any(c.isdigit() for c in passcode):
        raise _rejected("Passcode must contain at least 1 number (1, 2, 3...).")
    if rules.have_special_character and not any(c in SPECIALS for c in passcode):
        raise _rejected("Passcode must contain at least 1 special character (@, -, _, *).")
    if rules.have_upper_and_lower_characters and not (
        any(c.isupper() for c in passcode) and any(c.islower() for c in passcode)
    ):
        raise _rejected("Passcode must include both uppercase and lowercase characters.")


def make_passcode(rules: PasscodeRules) -> str:
    length = min(MAX_LENGTH, max(6, rules.length))
    if rules.only_allow_numeric:
        return "".join(secrets.choice(string.digits) for _ in range(length))
    # Always a letter and a digit, then whatever else the rules ask for, then filler.
    picks = [secrets.choice(string.ascii_letters), secrets.choice(string.digits)]
    if rules.have_special_character:
        picks.append(secrets.choice(SPECIALS))
    if rules.have_upper_and_lower_characters:
        picks += [secrets.choice(string.ascii_uppercase), secrets.choice(string.ascii_lowercase)]
    alphabet = string.ascii_letters + string.digits
    picks += [secrets.choice(alphabet) for _ in range(max(0, length - len(picks)))]
    secrets.SystemRandom().shuffle(picks)
    return "".join(picks)


def _rejected(message: str) -> ZoomError:
    return ZoomError(400, 300, message)
