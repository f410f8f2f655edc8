"""One worker at a time on a row kept in sync with Zoom: core's leases (core/leases.py),
held for `ZOOM_SYNC_LEASE_SECONDS` (longer than a few Zoom calls at their timeout)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

from slotlink.core import leases
from slotlink.core.leases import leased_done

__all__ = ["lease_length", "lease_take", "leased", "leased_done", "leased_save"]

Result = TypeVar("Result")


def lease_length() -> timedelta:
    return timedelta(seconds=settings.ZOOM_SYNC_LEASE_SECONDS)


def lease_take(model: type[models.Model], pk: int, owner: str) -> bool:
    return leases.lease_take(model, pk, owner, length=lease_length())


def leased(
    model: type[models.Model],
    pk: int,
    work: Callable[[str], Result],
    *,
    busy: Callable[[Any], Result],
    owner: str | None = None,
) -> Result:
    """Run `work(owner)` holding the row's lease; `busy(lease_until)` if another holds it."""
    return leases.leased(model, pk, work, busy=busy, length=lease_length(), owner=owner)


def leased_save(row: models.Model, owner: str, **fields: Any) -> None:
    """Write a step's result, only while `owner` still holds the row; the lease runs on."""
    leases.leased_save(row, owner, length=lease_length(), **fields)
