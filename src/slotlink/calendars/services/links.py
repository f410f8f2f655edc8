"""A join link that came after the booking's event was written (seam.link_ready): the
event is written again with it, by its task after the provider's transaction commits. A
seat of a group session has no event of its own: its session's event takes the link."""

from django.db.models import F
from django.utils import timezone

from slotlink.calendars.models import CalendarEvent
from slotlink.conferencing.calendars import session_of
from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.tasks import enqueue_on_commit


def calendar_event_link_ready(booking_id: int, details: ConferenceDetails | None = None) -> None:
    """The booking's link is ready or changed: its event, or its group session's, if it
    has one, is written again."""
    from slotlink.calendars.tasks import calendar_event_sync

    events = CalendarEvent.objects.values_list("id", flat=True)
    row_id = events.filter(booking_id=booking_id).first()
    if row_id is None and (session_id := session_of(booking_id=booking_id)) is not None:
        row_id = events.filter(session_id=session_id).first()
    if row_id is None:
        return
    CalendarEvent.objects.filter(pk=row_id).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    enqueue_on_commit(calendar_event_sync, row_id)
