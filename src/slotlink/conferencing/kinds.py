"""The location kinds providers bring, with their words and rules.

Scheduling has location kinds of its own (a phone call, an address, a custom link, asking
the invitee); every other kind is a provider's, registered with its `ProvidedLocation` when
the provider's app starts (`seam.register_provider`). Scheduling renders what the
provider says here and applies its rules, so a new provider brings its own kinds without
a change to scheduling: the Location dropdown, the event type editor's fields and
warnings, the host's words when no link will come, and what a group session shares.

The words stay registered when a provider is taken away (a test's, or one not set up), so
a booking of the kind still reads as the provider's, with why there is no link.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExistingEventWords:
    """The editor's words for a location that can attach to an event that already exists
    at the provider (`seam.existing_events`), or make a new one for each session."""

    field_label: str  # the field's label, e.g. "Webinar"
    help: str  # under the field
    new_choice: str  # the first choice: a new event per session
    unknown: str  # the error when a posted event isn't one of the host's
    # A choice saved before that the provider doesn't list now; "{reference}" is filled in.
    kept: str


@dataclass(frozen=True)
class ProvidedLocation:
    """A location kind a provider serves: what hosts and invitees read of it, and the rules
    an event type with it follows."""

    kind: str  # stored in event types and bookings, e.g. "zoom"
    label: str  # e.g. "Zoom"
    # The host's words when no provider serves the kind: on a booking (with the action's
    # label, which leads to Integrations), and in the event type editor.
    not_set_up: str
    editor_not_set_up: str
    host_action_label: str
    # The editor's Location dropdown: a sentence for the field's help, the option's title.
    editor_help: str = ""
    option_title: str = ""
    # Only group event types may use it; these are the host's words when another picks it.
    requires_group: str = ""
    # Every seat of a group session joins one event at the provider (one meeting), so the
    # host's invite of the session carries its link.
    shares_one_event_per_session: bool = False
    # The most characters of description the provider keeps (its agenda); None: no limit.
    description_limit: int | None = None
    # Set when the location can attach to an existing event at the provider.
    existing_events: ExistingEventWords | None = None
    # The label of the event type's "fall back to a plain meeting" choice; "" for none.
    fallback_label: str = ""


_locations: dict[str, ProvidedLocation] = {}


def register_location(location: ProvidedLocation) -> None:
    """A provider's kind, in the order kinds are offered (the first is the default)."""
    _locations[location.kind] = location


def provided_location(kind: str) -> ProvidedLocation | None:
    """The provider's words and rules for a kind; None for scheduling's own kinds."""
    return _locations.get(kind)


def provided_locations() -> list[ProvidedLocation]:
    return list(_locations.values())
