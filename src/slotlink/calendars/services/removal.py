"""Removing a calendar connection: its calendars, their busy stretches and the stored
password go with it."""

import logging

from django.db import transaction

from slotlink.calendars.models import CalendarConnection

log = logging.getLogger("slotlink.calendars")


def calendar_connection_remove(*, connection: CalendarConnection) -> None:
    with transaction.atomic():
        # Cascades: ConnectedCalendar, then BusyStretch.
        CalendarConnection.objects.filter(id=connection.id).delete()
    log.info("calendars.connection.removed connection=%s", connection.id)
