"""One Zoom call for a synced row (a meeting or webinar: anything with its connection,
organization and attempts), its failures turned into waiting or failing.

Zoom being slow or down, or a rate limit, makes the row wait with growing, jittered pauses
(or until Zoom's own time, e.g. 00:00 UTC for the daily cap, remembered on the account so
no call is made before then). What retrying cannot fix (a broken connection, a missing
permission) fails it: the host is told what to do.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from slotlink.core.leases import retry_at
from slotlink.zoom.errors import (
    ZoomRateLimited,
    ZoomScopeMissing,
    ZoomUnauthorized,
    ZoomUnavailable,
)
from slotlink.zoom.models import ZoomUser
from slotlink.zoom.problems import Problem
from slotlink.zoom.sync.outcomes import Fail, Wait
from slotlink.zoom.synclog import CallContext
from slotlink.zoom.tokens import with_access_token

FIRST_PAUSE = timedelta(seconds=5)
LONGEST_PAUSE = timedelta(minutes=15)


def zoom_user_of(row: Any) -> ZoomUser:
    """The row's account, if a call can be made on it now; else `Fail` or `Wait`."""
    connection = row.connection
    if connection is None:
        raise Fail(Problem.DISCONNECTED)
    zoom_user = connection.zoom_user
    if not zoom_user.is_connected:
        raise Fail(Problem.CONNECTION_BROKEN, zoom_user.email)
    if zoom_user.daily_cap_until and zoom_user.daily_cap_until > timezone.now():
        raise _daily_cap(zoom_user.daily_cap_until)
    return zoom_user


def _daily_cap(until: datetime) -> Wait:
    return Wait(until, Problem.DAILY_CAP, f"{until:%Y-%m-%d %H:%M}")


def zoom_call(row: Any, call: Any, *, booking_id: int | None) -> Any:
    """`call(access_token, context)` on the row's account, logged against `booking_id`."""
    zoom_user = zoom_user_of(row)
    context = CallContext(
        organization_id=row.organization_id,
        connection_id=row.connection_id,
        zoom_user_id=zoom_user.zoom_user_id,
        zoom_email=zoom_user.email,
        booking_id=booking_id,
        attempt=row.attempts + 1,
        zoom_account_id=zoom_user.zoom_account_id or zoom_user.zoom_user_id,
    )
    try:
        return with_access_token(zoom_user_id=zoom_user.id, context=context, call=call)
    except ZoomRateLimited as limited:
        if limited.daily:
            ZoomUser.objects.filter(pk=zoom_user.pk).update(daily_cap_until=limited.retry_at)
            raise _daily_cap(limited.retry_at) from None
        raise Wait(max(limited.retry_at, backoff(row)), Problem.RATE_LIMITED) from None
    except ZoomUnavailable:
        raise Wait(backoff(row), Problem.UNREACHABLE) from None
    except ZoomUnauthorized:
        raise Fail(Problem.CONNECTION_BROKEN, zoom_user.email) from None
    except ZoomScopeMissing as missing:
        raise Fail(Problem.SCOPE_MISSING, ", ".join(missing.missing or ["a scope"])) from None


def backoff(row: Any) -> datetime:
    """When to try again: a pause doubling with each attempt, up to LONGEST_PAUSE, with
    jitter so that rows that failed together don't retry together."""
    return retry_at(row.attempts, first=FIRST_PAUSE, longest=LONGEST_PAUSE)
