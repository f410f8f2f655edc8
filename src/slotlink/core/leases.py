"""One worker at a time on a row kept in sync with a remote service (a Zoom meeting, a
calendar event): a lease, not a held transaction.

A sync takes the row by writing its lease (owner and expiry) in one conditional UPDATE,
calls the service with no database transaction open (so SQLite's write lock is never held
while it answers), writes each step's result only while it still holds the lease, and gives
the row back. A worker that dies leaves a lease that runs out, and another takes over.
Each step written renews the lease, so only a sync that stopped moving loses it. Its length
is the caller's (longer than a few calls at their timeout). The row has `lease_until`,
`lease_owner`, `updated_at` and (for `leased_done`) `version`.

A sync's last step usually leaves the row done: `leased_done` then writes its result and
gives the row back in the same UPDATE. Every write is a turn at SQLite's one write lock,
which a booking request may be waiting for.
"""

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

Result = TypeVar("Result")


def lease_take(model: type[models.Model], pk: int, owner: str, *, length: timedelta) -> bool:
    now = timezone.now()
    return bool(
        model._default_manager.filter(pk=pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner))
        .update(lease_until=now + length, lease_owner=owner)
    )


def leased(
    model: type[models.Model],
    pk: int,
    work: Callable[[str], Result],
    *,
    busy: Callable[[Any], Result],
    length: timedelta,
    owner: str | None = None,
) -> Result:
    """Run `work(owner)` holding the row's lease; `busy(lease_until)` if another holds it."""
    owner = owner or uuid.uuid4().hex
    if not lease_take(model, pk, owner, length=length):
        held = model._default_manager.filter(pk=pk).values_list("lease_until", flat=True)
        return busy(next(iter(held), None))
    try:
        return work(owner)
    finally:
        held = model._default_manager.filter(pk=pk, lease_owner=owner)
        if held.exists():  # a read, unless the last step gave the row back already
            held.update(lease_until=None, lease_owner="")


def leased_save(row: models.Model, owner: str, *, length: timedelta, **fields: Any) -> None:
    """Write a step's result, only while `owner` still holds the row; the lease runs on."""
    now = timezone.now()
    fields["updated_at"] = now
    type(row)._default_manager.filter(pk=row.pk, lease_owner=owner).update(
        lease_until=now + length, **fields
    )
    for name, value in fields.items():
        setattr(row, name, value)


def leased_done(row: models.Model, owner: str, *, version: int, **fields: Any) -> bool:
    """Write a step's result and give the row back in one UPDATE, if nothing new was asked
    of the row since `version` (its version is unchanged). False, writing nothing, if it was
    or the lease was lost: the caller saves the result with `leased_save` and goes on."""
    now = timezone.now()
    fields["updated_at"] = now
    written = (
        type(row)
        ._default_manager.filter(pk=row.pk, lease_owner=owner, version=version)
        .update(lease_until=None, lease_owner="", **fields)
    )
    if written:
        for name, value in fields.items():
            setattr(row, name, value)
    return bool(written)


def retry_at(attempts: int, *, first: timedelta, longest: timedelta) -> datetime:
    """When a row that failed `attempts` times tries again: a pause doubling with each
    attempt, up to `longest`, with jitter so that rows that failed together don't retry
    together."""
    pause = min(longest, first * 2 ** min(attempts, 10))
    jitter = random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not a secret
    return timezone.now() + pause * jitter
