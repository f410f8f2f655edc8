"""A browser that signed in to an account before, told by a signed, long-lived cookie.

Large sites let a person's own browser in even while someone elsewhere keeps guessing their
password (the sign-in throttle, `throttle.py`): the cookie names the account and a random
id for this browser, signed with the site's key, so nobody can make one for an account
they never signed in to. It holds no secret and grants nothing by itself: the password is
still checked; only other places' failures stop counting against it.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "slotlink_device"
SALT = "slotlink.accounts.device"
# Browsers keep a cookie for at most 400 days.
MAX_AGE_SECONDS = 400 * 24 * 3600


def _read(request: HttpRequest) -> tuple[int, str] | None:
    value = request.COOKIES.get(COOKIE_NAME, "")
    try:
        user_id, device = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(device, str):
        return None
    return user_id, device


def known_device(request: HttpRequest | None, *, user_id: int | None) -> str:
    """This browser's device id when it signed in as `user_id` before; "" otherwise."""
    if request is None or user_id is None:
        return ""
    found = _read(request)
    return found[1] if found is not None and found[0] == user_id else ""


def device_remember(request: HttpRequest, response: HttpResponse, *, user_id: int) -> None:
    """After a right password: this browser is known for this account from now on (a
    browser known for another account now becomes this one's)."""
    device = known_device(request, user_id=user_id) or secrets.token_hex(16)
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps([user_id, device], salt=SALT),
        max_age=MAX_AGE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
