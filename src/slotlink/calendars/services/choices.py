"""The host's choices among a connection's calendars: which count as busy, and the one
calendar (across all their connections) their bookings are added to."""

from collections.abc import Collection

from django.db import transaction

from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.services.connections import refresh_soon


class ChoiceRefused(Exception):
    """A choice names a calendar that is not this connection's, or one it can't write."""


def calendar_choices_save(
    *, connection: CalendarConnection, busy_ids: Collection[int], target_id: int | None
) -> None:
    """Tick `busy_ids` as busy (the others of this connection not), and add bookings to
    `target_id`, or, when None, to no calendar of this connection (a target the host picked
    in another connection stays). Picking a target here moves it from wherever it was."""
    with transaction.atomic():
        # The host's calendars, locked: two saves at once can't both leave a target.
        mine = list(
            ConnectedCalendar.objects.select_for_update()
            .filter(host_id=connection.owner_id)
            .order_by("id")
        )
        here = {c.id: c for c in mine if c.connection_id == connection.id}
        busy = set(busy_ids)
        if not busy <= here.keys():
            raise ChoiceRefused("A ticked calendar is not one of this connection's.")
        if target_id is not None and (target_id not in here or not here[target_id].can_write):
            raise ChoiceRefused("Bookings can only be added to a calendar of this connection.")
        unticked = [c.id for c in here.values() if c.is_busy and c.id not in busy]
        # An unticked calendar's stretches go, and its change markers with them: ticked
        # again, it is read in full rather than judged unchanged since an old ctag.
        BusyStretch.objects.filter(calendar_id__in=unticked).delete()
        ConnectedCalendar.objects.filter(id__in=unticked).update(
            is_busy=False, ctag="", sync_token="", refreshed_at=None
        )
        ConnectedCalendar.objects.filter(id__in=busy).update(is_busy=True)
        if any(not here[calendar_id].is_busy for calendar_id in busy):
            refresh_soon(connection_id=connection.id)  # a newly ticked calendar
        if target_id is None:
            ConnectedCalendar.objects.filter(id__in=here.keys(), is_target=True).update(
                is_target=False
            )
        else:
            ConnectedCalendar.objects.filter(
                id__in=[c.id for c in mine if c.is_target and c.id != target_id]
            ).update(is_target=False)
            ConnectedCalendar.objects.filter(id=target_id).update(is_target=True)
