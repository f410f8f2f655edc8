"""Zoom's location kinds as scheduling shows them: their labels, the host's words when no
link will come, and their rules (a webinar needs a group; a session shares one meeting;
Zoom keeps at most 2000 characters of agenda). Registered with the seam by the providers
(provider.py, webinars/provider.py); scheduling renders them without knowing Zoom."""

from slotlink.conferencing.kinds import ExistingEventWords, ProvidedLocation

ZOOM = "zoom"
ZOOM_WEBINAR = "zoom_webinar"

# A meeting's agenda: Zoom refuses a longer one (SPEC-2023a, meeting create `agenda`:
# "maxLength": 2000, "a maximum length of 2,000 characters").
AGENDA_LIMIT = 2000
# Room kept in the agenda for the line that marks the meeting as slotlink's (sync/marker.py:
# "slotlink-ref:", 32 hex digits and two line breaks).
MARKER_ROOM = 80
# What a meeting's agenda holds of a booking's description: cut by scheduling, at a
# character, with an ellipsis (`description_limit`), so nothing cuts it again here.
MEETING_DESCRIPTION_LIMIT = AGENDA_LIMIT - MARKER_ROOM

NEEDS_ACCOUNT = (
    "Zoom links require a connected Zoom account. Connect one, or pick a different location."
)
WEBINAR_NEEDS_GROUP = "A Zoom webinar is for group event types: it holds many invitees."

MEETING = ProvidedLocation(
    kind=ZOOM,
    label="Zoom",
    not_set_up="No Zoom link: Zoom isn't set up for this organization yet.",
    editor_not_set_up=NEEDS_ACCOUNT,
    host_action_label="Connect Zoom →",
    shares_one_event_per_session=True,
    description_limit=MEETING_DESCRIPTION_LIMIT,
)

WEBINAR = ProvidedLocation(
    kind=ZOOM_WEBINAR,
    label="Zoom webinar",
    not_set_up="No Zoom webinar link: Zoom webinars aren't set up for this organization yet.",
    editor_not_set_up=(
        "Zoom webinars aren't set up for this organization yet. Ask an admin to turn them "
        "on, or pick a different location."
    ),
    host_action_label="Zoom settings →",
    editor_help="A Zoom webinar is for group event types.",
    option_title="For group event types: it holds many invitees.",
    requires_group=WEBINAR_NEEDS_GROUP,
    description_limit=AGENDA_LIMIT,
    existing_events=ExistingEventWords(
        field_label="Webinar",
        help="One of the webinars on the host's own Zoom account, or a new webinar for each "
        "session.",
        new_choice="A new webinar for each session",
        unknown=(
            "That webinar isn't one of the host's on Zoom. Pick one from the list, or a new "
            "webinar for each session."
        ),
        kept="Webinar {reference} (chosen before; Zoom doesn't list it now)",
    ),
    fallback_label="If the Zoom account has no webinar licence, use a Zoom meeting instead",
)
