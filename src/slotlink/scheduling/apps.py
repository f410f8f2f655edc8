from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Event types, availability, slots, bookings and the public booking pages."""

    name = "slotlink.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from datetime import timedelta

        from slotlink.conferencing import calendars, seam
        from slotlink.core.periodic import register_periodic
        from slotlink.scheduling.calendar_events import host_event, session_of_booking
        from slotlink.scheduling.selectors import booking_horizon_of
        from slotlink.scheduling.tasks import (
            booking_email_sweep,
            link_ready_listener,
            public_bookings_expire_run,
            reminders_send_run,
            tokens_purge_run,
        )

        seam.on_link_ready(link_ready_listener)
        calendars.on_booking_horizon(booking_horizon_of)
        calendars.register_host_event_source(host_event)
        calendars.on_session_of(session_of_booking)
        register_periodic(
            "scheduling.email-sweep", every=timedelta(minutes=1), task=booking_email_sweep
        )
        # The limits count only the last hour's public bookings; the rows past it go here,
        # not in the booking, which would run it while holding its host's lock.
        register_periodic(
            "scheduling.public-bookings-expire",
            every=timedelta(minutes=1),
            task=public_bookings_expire_run,
        )
        register_periodic(
            "scheduling.reminders-send", every=timedelta(minutes=1), task=reminders_send_run
        )
        register_periodic("scheduling.tokens-purge", every=timedelta(days=1), task=tokens_purge_run)
