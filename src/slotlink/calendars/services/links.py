"""A join link that came after the booking's event was written (seam.link_ready): the
event is written again with it, by its task after the provider's transaction commits."""

from django.db.models import F

from slotlink.calendars.models import CalendarEvent
from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.tasks import enqueue_on_commit


def calendar_event_link_ready(booking_id: int, details: ConferenceDetails | None = None) -> None:
    """The booking's link is ready or changed: its event, if it has one, is written again.
    (A group session's event takes its link when its seats next change.)"""
    from slotlink.calendars.tasks import calendar_event_sync

    row_id = (
        CalendarEvent.objects.filter(booking_id=booking_id).values_list("id", flat=True).first()
    )
    if row_id is None:
        return
    CalendarEvent.objects.filter(pk=row_id).update(version=F("version") + 1)
    enqueue_on_commit(calendar_event_sync, row_id)
