"""Reads of the Bookings list: the bookings a viewer may see that the filters keep, and
their rows: one per one-on-one booking, one per group session with its seats.

A page of rows costs the same few queries however many bookings there are: the rows are
grouped and paginated in the database (a session's seats are one row), then the page's
bookings, its sessions' seats taken and their links are read once each.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, When

from slotlink.accounts.models import Membership
from slotlink.core.text_search import contains_any_case
from slotlink.scheduling.booking_filters import ALL, CANCELLED, PAST, UPCOMING, BookingFilters
from slotlink.scheduling.locations import BookingLink, booking_links
from slotlink.scheduling.models import Booking, GroupSession
from slotlink.scheduling.selectors import bookings_visible_to

ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class BookingRow:
    """One row of the list: a one-on-one booking (`session` None, `seats` just it), or a
    group session with its seats the filters keep (`seats`) and how many of its seats are
    taken now, whatever the filters (`seats_taken` of `session.capacity`)."""

    booking: Booking  # the booking, or the session's first seat listed: its link and host
    seats: list[tuple[Booking, BookingLink]]  # each with its link, as its host sees it
    session: GroupSession | None
    seats_taken: int
    link: BookingLink

    @property
    def is_cancelled(self) -> bool:
        """Nothing is left of it: the booking, or every seat listed, is cancelled."""
        return all(seat.is_cancelled for seat, _ in self.seats)


def filtered_bookings(
    *, membership: Membership, filters: BookingFilters, now: datetime
) -> QuerySet[Booking]:
    """The bookings `membership` may see that `filters` keep, in the list's order: upcoming
    soonest first, the others latest first. A member sees their own; an admin their whole
    organization's (bookings_visible_to)."""
    bookings = bookings_visible_to(membership=membership)
    if filters.status == UPCOMING:
        bookings = bookings.filter(status=Booking.Status.CONFIRMED, end__gt=now)
    elif filters.status == PAST:
        bookings = bookings.filter(status=Booking.Status.CONFIRMED, end__lte=now)
    elif filters.status == CANCELLED:
        bookings = bookings.filter(status=Booking.Status.CANCELLED)
    else:
        assert filters.status == ALL, filters.status
    if filters.search:
        bookings = bookings.filter(
            contains_any_case("invitee_name", filters.search)
            | contains_any_case("invitee_email", filters.search)
        )
    if filters.event_type is not None:
        bookings = bookings.filter(event_type=filters.event_type)
    if filters.host is not None:
        bookings = bookings.filter(host=filters.host)
    if filters.since is not None:
        bookings = bookings.filter(start__gte=filters.since)
    if filters.until is not None:
        bookings = bookings.filter(start__lt=filters.until)
    if _soonest_first(filters):
        return bookings.order_by("start", "id")
    return bookings.order_by("-start", "-id")


def _soonest_first(filters: BookingFilters) -> bool:
    return filters.status == UPCOMING


def booking_rows_page(
    *, bookings: QuerySet[Booking], filters: BookingFilters, page_number: str | None
) -> tuple[Page[Any], list[BookingRow]]:
    """The page `page_number` of the rows of `bookings` (filtered_bookings'), and its rows.
    A page number that is no number gives the first page; one past the end, the last."""
    # One key per row: the session's id for its seats, the booking's own id for a booking
    # of no session.
    keys = (
        bookings.order_by()
        .annotate(
            alone=Case(
                When(session_id__isnull=True, then=F("id")),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("session_id", "alone")
        .annotate(first_start=Min("start"), last_id=Max("id"))
    )
    if _soonest_first(filters):
        keys = keys.order_by("first_start", "last_id")
    else:
        keys = keys.order_by("-first_start", "-last_id")
    page = Paginator(keys, ROWS_PER_PAGE).get_page(page_number)
    page_keys: list[dict[str, Any]] = list(page.object_list)  # type: ignore[arg-type]
    return page, _rows(bookings, page_keys)


def _rows(bookings: QuerySet[Booking], keys: list[dict[str, Any]]) -> list[BookingRow]:
    if not keys:
        return []
    session_ids = [key["session_id"] for key in keys if key["session_id"] is not None]
    alone_ids = [key["alone"] for key in keys if key["session_id"] is None]
    listed = bookings.filter(Q(id__in=alone_ids) | Q(session_id__in=session_ids))
    by_id: dict[int, Booking] = {}
    seats: dict[int, list[Booking]] = {}
    for booking in listed.select_related("session").order_by("start", "id"):
        by_id[booking.id] = booking
        if booking.session_id is not None:
            seats.setdefault(booking.session_id, []).append(booking)
    taken = _seats_taken(session_ids)
    grouped = [
        seats[key["session_id"]] if key["session_id"] is not None else [by_id[key["alone"]]]
        for key in keys
    ]
    # One conferencing lookup for the whole page, in its order; as its host sees them
    # (never an invitee's personal link).
    links = {
        booking_id: link.for_host()
        for booking_id, link in booking_links(b for group in grouped for b in group).items()
    }
    return [
        BookingRow(
            booking=group[0],
            seats=[(seat, links[seat.id]) for seat in group],
            session=group[0].session,
            seats_taken=taken.get(group[0].session_id or 0, 0),
            link=links[group[0].id],
        )
        for group in grouped
    ]


def _seats_taken(session_ids: list[int]) -> dict[int, int]:
    """How many seats of each session are taken (confirmed), by session id."""
    if not session_ids:
        return {}
    return dict(
        Booking.objects.filter(session_id__in=session_ids, status=Booking.Status.CONFIRMED)
        .order_by()
        .values("session_id")
        .annotate(seats=Count("id"))
        .values_list("session_id", "seats")
    )
