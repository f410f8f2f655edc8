"""The event type a booking page shows and its POST books, with its host and organization,
read in one query written out as SQL.

A booking POST reads with it what the booking needs to know before its transaction: the
organization's block of the requester (limits/selectors.py: `block_of_sql`) and whether
the host has calendars a booking concerns (`calendars.host_in_use_sql`). Built by the ORM
(select_related, two annotations) the query took about 2,000 Python calls of each POST,
a third of it (benchmarks/side_by_side/booking_cpu.sh); written out, a few dozen. The
rows become model instances as the ORM makes them: the columns are the models' concrete
fields, the database's values pass the ORM's own converters (Django's compiler does the
same), and the host and organization are cached on the event type as select_related
caches them. tests/scheduling (test_public_pages, test_booking_limits) and tests/calendars
(test_busy_slots, test_booking_events) hold it to the ORM's answers.
"""

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from slotlink.accounts.models import Organization, User
from slotlink.conferencing import calendars
from slotlink.scheduling.limits.selectors import block_of_sql
from slotlink.scheduling.models import EventType

# The three models, in the order of their columns in the query, with their aliases there.
READ = ((EventType, "e"), (User, "h"), (Organization, "o"))

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class _Columns:
    """The query's columns for one database connection, and how to read them."""

    select: str
    # For each model: its slice of the row and its fields' names, in the row's order.
    models: tuple[tuple[slice, tuple[str, ...]], ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]


_columns: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Columns]" = weakref.WeakKeyDictionary()


def public_event_type(
    *, organization_slug: str, slug: str, blocks_of: tuple[str | None, str] | None = None
) -> EventType | None:
    """The event type the public may book, with its host and organization; with
    `blocks_of` (an address as the limits count it, and a lower-cased email: a POST about
    to book) also its organization's block of them (`block_of_requester`, read by
    limits/services.py: `blocks_read`) and whether its host has calendars a booking
    concerns (`host_calendars_in_use`)."""
    connection = connections[DEFAULT_DB_ALIAS]
    columns = _columns.get(connection) or _columns.setdefault(connection, _read(connection))
    quote = connection.ops.quote_name
    extra, params = "", list[str]()
    if blocks_of is not None:
        address, email = blocks_of
        block_sql, params = block_of_sql("e.organization_id", address=address, email=email)
        extra = f", ({block_sql}), ({calendars.host_in_use_sql('e.host_id')})"
    sql = (
        f"SELECT {columns.select}{extra}"  # noqa: S608 - names only; the values are parameters
        f" FROM {quote(EventType._meta.db_table)} e"
        f" INNER JOIN {quote(User._meta.db_table)} h ON h.id = e.host_id"
        f" INNER JOIN {quote(Organization._meta.db_table)} o ON o.id = e.organization_id"
        " WHERE o.slug = %s AND e.slug = %s AND e.is_active"  # one at most: slugs are unique
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, organization_slug, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, converters, column in columns.converters:
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    (event_part, event_names), (host_part, host_names), (org_part, org_names) = columns.models
    event_type = EventType.from_db(connection.alias, event_names, values[event_part])
    host = User.from_db(connection.alias, host_names, values[host_part])
    organization = Organization.from_db(connection.alias, org_names, values[org_part])
    EventType.host.field.set_cached_value(event_type, host)
    EventType.organization.field.set_cached_value(event_type, organization)
    if blocks_of is not None:
        block, in_use = values[org_part.stop :]
        event_type.block_of_requester = block  # type: ignore[attr-defined]
        event_type.host_calendars_in_use = bool(in_use)  # type: ignore[attr-defined]
    return event_type


def host_calendars_in_use(event_type: EventType) -> bool:
    """Whether the event type's host has calendars that a new one-on-one booking
    concerns, to ask whether its time is free or to write its event to (any provider's:
    `calendars.host_in_use_sql`). Read with the event type by `public_event_type` for a
    POST, so that most hosts, who have none, cost the booking no query of the calendar
    providers; True (ask them) for an event type read otherwise."""
    return bool(getattr(event_type, "host_calendars_in_use", True))


def _read(connection: BaseDatabaseWrapper) -> _Columns:
    """The columns of every concrete field of the three models, as the ORM selects them,
    and the converters the ORM's compiler applies to each (bound to this connection)."""
    quote = connection.ops.quote_name
    select: list[str] = []
    parts: list[tuple[slice, tuple[str, ...]]] = []
    converters: list[tuple[int, tuple[Converter, ...], Any]] = []
    for model, alias in READ:
        fields: Sequence[models.Field[Any, Any]] = model._meta.concrete_fields
        first = len(select)
        for field in fields:
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((len(select), tuple(found), column))
            select.append(f"{alias}.{quote(str(field.column))}")  # every concrete field has one
        parts.append((slice(first, len(select)), tuple(field.attname for field in fields)))
    return _Columns(", ".join(select), tuple(parts), tuple(converters))
