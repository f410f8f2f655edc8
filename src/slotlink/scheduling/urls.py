from django.urls import path

from slotlink.scheduling.views import (
    availability,
    blocks,
    bookings,
    departures,
    event_types,
    manage,
    public,
    questions,
    reminders,
    reschedules,
    schedules,
    sessions,
    share,
)

urlpatterns = [
    # Hosts
    path("360/events", event_types.event_type_list, name="events"),
    path("360/events/new", event_types.event_type_new, name="event-new"),
    path("360/events/location", event_types.event_type_location, name="event-location"),
    path("360/events/<int:event_type_id>", event_types.event_type_edit, name="event-edit"),
    path(
        "360/events/<int:event_type_id>/limits",
        event_types.event_type_limits,
        name="event-limits",
    ),
    path(
        "360/events/<int:event_type_id>/reminders",
        reminders.event_type_reminders,
        name="event-reminders",
    ),
    path(
        "360/events/<int:event_type_id>/reminders/<int:reminder_id>/remove",
        reminders.event_type_reminder_remove,
        name="event-reminder-remove",
    ),
    path(
        "360/events/<int:event_type_id>/questions",
        questions.event_type_questions,
        name="event-questions",
    ),
    path(
        "360/events/<int:event_type_id>/questions/<int:question_id>",
        questions.event_type_question_edit,
        name="event-question-edit",
    ),
    path(
        "360/events/<int:event_type_id>/questions/<int:question_id>/move",
        questions.event_type_question_move,
        name="event-question-move",
    ),
    path(
        "360/events/<int:event_type_id>/questions/<int:question_id>/remove",
        questions.event_type_question_remove,
        name="event-question-remove",
    ),
    path(
        "360/events/<int:event_type_id>/guests",
        questions.event_type_guests,
        name="event-guests",
    ),
    path("360/events/<int:event_type_id>/share", share.event_type_share, name="event-share"),
    path("360/events/<int:event_type_id>/qr.svg", share.event_type_qr, name="event-qr"),
    path("360/availability", availability.availability, name="availability"),
    path("360/availability/schedules", schedules.schedule_new, name="schedule-new"),
    path(
        "360/availability/schedules/<int:schedule_id>/rename",
        schedules.schedule_rename_view,
        name="schedule-rename",
    ),
    path(
        "360/availability/schedules/<int:schedule_id>/default",
        schedules.schedule_default_view,
        name="schedule-default",
    ),
    path(
        "360/availability/schedules/<int:schedule_id>/delete",
        schedules.schedule_delete_view,
        name="schedule-delete",
    ),
    path("360/availability/time-off", availability.time_off_add_view, name="time-off-add"),
    path(
        "360/availability/time-off/<int:time_off_id>/remove",
        availability.time_off_remove_view,
        name="time-off-remove",
    ),
    path("360/availability/dates", availability.date_override_add_view, name="date-override-add"),
    path(
        "360/availability/dates/<str:day>/remove",
        availability.date_override_remove_view,
        name="date-override-remove",
    ),
    path("360/bookings", bookings.booking_list, name="bookings"),
    path("360/bookings/export.csv", bookings.booking_export, name="bookings-export"),
    path("360/bookings/<int:booking_id>", bookings.booking_detail, name="booking-detail"),
    path("360/bookings/blocked", blocks.booking_blocks, name="booking-blocks"),
    path(
        "360/bookings/blocked/<int:block_id>/remove",
        blocks.booking_block_remove_view,
        name="booking-block-remove",
    ),
    path(
        "360/bookings/<int:booking_id>/cancel",
        bookings.booking_host_cancel,
        name="booking-host-cancel",
    ),
    path(
        "360/bookings/<int:booking_id>/reschedule",
        reschedules.booking_host_reschedule,
        name="booking-host-reschedule",
    ),
    path(
        "360/bookings/<int:booking_id>/start",
        bookings.booking_host_start,
        name="booking-host-start",
    ),
    path(
        "360/members/<int:membership_id>/remove",
        departures.member_remove_view,
        name="member-remove",
    ),
    path("360/sessions/<int:session_id>/cancel", sessions.session_cancel, name="session-cancel"),
    path(
        "360/sessions/<int:session_id>/reschedule",
        sessions.session_reschedule,
        name="session-reschedule",
    ),
    # Invitees
    path("book/<slug:organization_slug>", public.organization_page, name="book-organization"),
    path("book/<slug:organization_slug>/<slug:slug>", public.book, name="book"),
    path("booked/<str:signed>", public.booking_confirmed, name="booking-confirmed"),
    path(
        "booked/<str:signed>/invite.ics",
        public.booking_invite_download,
        name="booking-invite",
    ),
    path("booking/<str:token>/reschedule", manage.reschedule, name="booking-reschedule"),
    path("booking/<str:token>/cancel", manage.cancel, name="booking-cancel"),
]
