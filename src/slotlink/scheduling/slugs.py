"""An event type's link name (`/book/<organization>/<slug>`): made from its title when the
host leaves it empty, free within its organization, and never cut mid-word.

A title with no letters slugify keeps (Arabic, Hebrew, ...) gets a name from the event
type's id ("event-12"). A title another event type already has gets the next free number
("intro-2") rather than an error.
"""

from slotlink.core.slugs import numbered, slug_from
from slotlink.scheduling.models import EventType

SLUG_LIMIT = EventType._meta.get_field("slug").max_length or 60


def slug_is_taken(*, organization_id: int, slug: str, exclude_id: int | None = None) -> bool:
    taken = EventType.objects.filter(organization_id=organization_id, slug=slug)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return taken.exists()


def free_slug(*, organization_id: int, slug: str, exclude_id: int | None = None) -> str:
    """`slug` if no other event type of the organization has it, else the first free
    "<slug>-2", "<slug>-3", ..."""
    others = EventType.objects.filter(organization_id=organization_id)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    taken = set(others.values_list("slug", flat=True))  # an organization has a few dozen
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = numbered(slug, number, limit=SLUG_LIMIT)
    return candidate


def slug_from_title(title: str) -> str:
    """The title as a link name ("" when it has nothing slugify keeps)."""
    return slug_from(title, limit=SLUG_LIMIT)


def id_slug(event_type_id: int) -> str:
    return f"event-{event_type_id}"
