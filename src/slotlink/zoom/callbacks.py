"""Zoom's answer at the callback belongs to the browser that brought it.

Zoom sends the browser to the callback with a `code` (and our `state`, unless the install
started in the Zoom Marketplace, REFERENCE §1.2). Whoever holds that code before it is
used can exchange it: a Marketplace code, which no state binds to anyone, would connect
its Zoom account to whichever organization it is pasted into. Two rules keep it with the
browser Zoom sent it to:

- The first browser to bring a code owns it (`code_arrival_claim`): its digest is written
  with the browser's, and the same code from another browser is refused before anything
  is exchanged.
- A signed-out browser is not sent to sign in with the callback in `next=`, where the
  sign-in page's URL, its POST line and the next page's Referer would carry the code into
  logs. The answer waits in its session under an opaque id (`callback_hold`), `next=`
  names only that id, and after sign-in the same session takes it back, once, within
  HOLD_LIFETIME (`callback_take`).

A browser is its session: an id kept in the session's data, which survives the new
session key that signing in gives it.
"""

import secrets
import time
from datetime import timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from slotlink.zoom.authorization import digest
from slotlink.zoom.authorization_refusals import AuthorizationProblem
from slotlink.zoom.models import ZoomCodeArrival

# What the callback reads from Zoom's redirect; nothing else is held.
CALLBACK_PARAMETERS = ("code", "state", "error", "error_description")
HOLD_LIFETIME = timedelta(minutes=10)
HELD_AT_MOST = 5  # answers held per session: a browser needs one
LONGEST_VALUE = 2048  # Zoom's codes and our states are far shorter
# Zoom's codes live 5 minutes (REFERENCE §1.2): an arrival is remembered well past that.
ARRIVALS_KEPT = timedelta(hours=1)
_BROWSER = "zoom.browser"
_HELD = "zoom.callbacks"


def code_arrival_claim(*, code: str, session: SessionBase) -> None:
    """This browser brings `code`: the first to do so owns it; another browser's code is
    refused (AuthorizationProblem) and must not be exchanged."""
    if not _claimed_by(code=code, browser=_browser(session)):
        raise AuthorizationProblem(
            "This answer from Zoom was first opened in another browser, and only that "
            "browser can use it. Nothing was changed: to connect Zoom here, start again "
            "with Connect Zoom."
        )


def callback_hold(*, session: SessionBase, params: dict[str, str]) -> str:
    """Keep a signed-out browser's callback in its session; returns the opaque id that
    the sign-in page's `next=` may carry instead of the callback."""
    kept = {k: params[k][:LONGEST_VALUE] for k in CALLBACK_PARAMETERS if k in params}
    if "code" in kept:
        # The arrival is this browser's from now on, whatever it does next.
        _claimed_by(code=kept["code"], browser=_browser(session))
    held: dict[str, dict[str, object]] = dict(session.get(_HELD, {}))
    hold_id = secrets.token_urlsafe(16)
    held[hold_id] = {"params": kept, "held_at": time.time()}
    newest = sorted(held.items(), key=lambda item: float(str(item[1]["held_at"])))
    session[_HELD] = dict(newest[-HELD_AT_MOST:])
    return hold_id


def callback_take(*, session: SessionBase, hold_id: str) -> dict[str, str]:
    """The callback this session held under `hold_id`, taken out (it works once)."""
    held: dict[str, dict[str, object]] = dict(session.get(_HELD, {}))
    entry = held.pop(hold_id, None)
    session[_HELD] = held
    if entry is None:
        raise AuthorizationProblem(
            "There is no answer from Zoom waiting in this browser (it was used already, "
            "or came to another browser). Nothing was changed: start again with Connect Zoom."
        )
    if time.time() - float(str(entry["held_at"])) > HOLD_LIFETIME.total_seconds():
        raise AuthorizationProblem(
            "Signing in took longer than 10 minutes, and Zoom's answer expired. Nothing was "
            "changed: start again with Connect Zoom."
        )
    params = entry["params"]
    assert isinstance(params, dict)
    return {str(k): str(v) for k, v in params.items()}


def _browser(session: SessionBase) -> str:
    browser = session.get(_BROWSER)
    if not isinstance(browser, str):
        browser = session[_BROWSER] = secrets.token_urlsafe(32)
    return browser


def _claimed_by(*, code: str, browser: str) -> bool:
    """Whether `code` is `browser`'s: claimed now, or by it before."""
    now = timezone.now()
    ZoomCodeArrival.objects.filter(arrived_at__lt=now - ARRIVALS_KEPT).delete()
    try:
        with transaction.atomic():
            ZoomCodeArrival.objects.create(
                code_digest=digest(code), browser_digest=digest(browser), arrived_at=now
            )
        return True
    except IntegrityError:
        return ZoomCodeArrival.objects.filter(
            code_digest=digest(code), browser_digest=digest(browser)
        ).exists()
