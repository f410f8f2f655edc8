"""Reads for the host: the refused bookings a member sees, summed up, and the blocks."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, QuerySet

from slotlink.accounts.models import Membership
from slotlink.scheduling.limits.models import BookingBlock, BookingRefusal, LimitKind

TOP = 10  # addresses and emails named; the rest are in the count


@dataclass(frozen=True)
class Source:
    value: str
    refused: int
    blocked: bool


@dataclass(frozen=True)
class RefusalSummary:
    refused: int
    first_at: datetime
    last_at: datetime
    limits: list[tuple[str, int]]  # what refused them, in words, with how many
    addresses: list[Source]
    emails: list[Source]


def refusals_seen_by(*, membership: Membership, since: datetime) -> QuerySet[BookingRefusal]:
    """A host's refusals of their own event types; an admin's, the whole organization's."""
    refusals = BookingRefusal.objects.filter(
        organization_id=membership.organization_id, created_at__gte=since
    )
    if not membership.is_admin:
        refusals = refusals.filter(host_id=membership.user_id).exclude(limit=LimitKind.ORGANIZATION)
    return refusals


def refusal_summary(refusals: QuerySet[BookingRefusal]) -> RefusalSummary | None:
    """How many, when, why, and the addresses and emails that were refused most."""
    totals = refusals.aggregate(n=Count("id"), first=Min("created_at"), last=Max("created_at"))
    if not totals["n"]:
        return None
    organization_ids = set(refusals.values_list("organization_id", flat=True).distinct())
    blocks = BookingBlock.objects.filter(organization_id__in=organization_ids)
    blocked = set(blocks.values_list("kind", "value"))
    labels = dict(LimitKind.choices)
    return RefusalSummary(
        refused=totals["n"],
        first_at=totals["first"],
        last_at=totals["last"],
        limits=[
            (labels[row["limit"]], row["n"])
            for row in refusals.values("limit").annotate(n=Count("id")).order_by("-n", "limit")
        ],
        addresses=_sources(refusals, "ip_address", BookingBlock.Kind.ADDRESS, blocked),
        emails=_sources(refusals, "invitee_email", BookingBlock.Kind.EMAIL, blocked),
    )


def _sources(
    refusals: QuerySet[BookingRefusal], field: str, kind: str, blocked: set[tuple[str, str]]
) -> list[Source]:
    rows = (
        refusals.filter(**{f"{field}__isnull": False})  # an address may be unknown
        .values(field)
        .annotate(n=Count("id"))
        .order_by("-n", field)[:TOP]
    )
    return [Source(row[field], row["n"], (kind, row[field]) in blocked) for row in rows]


def blocks_of(*, membership: Membership) -> QuerySet[BookingBlock]:
    return BookingBlock.objects.filter(organization_id=membership.organization_id).select_related(
        "created_by"
    )
