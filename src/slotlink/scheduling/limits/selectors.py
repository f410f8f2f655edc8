"""Reads for the host: the refused bookings a member sees, summed up, and the blocks."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet

from slotlink.accounts.models import Membership
from slotlink.scheduling.limits.models import BookingBlock, BookingRefusal, LimitKind

TOP = 10  # addresses and emails named; the rest are in the count


def block_of(*, address: str | None, email: str) -> QuerySet[BookingBlock]:
    """The blocks of this address (as the limits count it) and of this email (lower-cased),
    in every organization: the address's first."""
    match = Q(kind=BookingBlock.Kind.EMAIL, value=email)
    if address is not None:
        match |= Q(kind=BookingBlock.Kind.ADDRESS, value=address)
    return BookingBlock.objects.filter(match).order_by("kind")


def block_of_sql(
    organization_column: str, *, address: str | None, email: str
) -> tuple[str, list[str]]:
    """SQL for the kind of the organization's block (`organization_column`, a column of
    the query it goes in) of this address (as the limits count it) or email (lower-cased),
    the address's first as in `block_of`, or NULL; and its parameters. Read in the booking
    POST's event type query (scheduling/public_read.py), so a public booking makes no
    query of its own for its blocks."""
    blocks = BookingBlock._meta.db_table
    # Only names are formatted in; the address and email are parameters (an absent address
    # matches no block: none is empty).
    return (
        f"SELECT kind FROM {blocks} WHERE {blocks}.organization_id = "  # noqa: S608
        f"{organization_column} AND (({blocks}.kind = %s AND {blocks}.value = %s)"
        f" OR ({blocks}.kind = %s AND {blocks}.value = %s)) ORDER BY kind LIMIT 1",
        [BookingBlock.Kind.ADDRESS, address or "", BookingBlock.Kind.EMAIL, email],
    )


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
