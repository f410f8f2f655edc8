"""Link names (slugs) made from what people type: readable, and never cut mid-word.

Django's `slugify` keeps ASCII letters, digits and hyphens (accents dropped: "Café" reads
"cafe"); a name in a script without a Latin transliteration here (Arabic, Hebrew, Chinese,
...) leaves nothing, and the caller picks another way to name the link (an event type's
id). Longer than the field allows, the slug ends at the last whole word that fits.
"""

from django.utils.text import slugify


def slug_from(text: str, *, limit: int) -> str:
    """`text` as a slug of at most `limit` characters, cut at a word boundary ("" when it
    has no letter or digit slugify keeps). A single word longer than the limit is cut, as
    it has no boundary to cut at."""
    return shortened(slugify(text), limit=limit)


def shortened(slug: str, *, limit: int) -> str:
    """`slug` cut to at most `limit` characters at its last hyphen that fits."""
    if len(slug) <= limit:
        return slug
    if slug[limit] == "-":
        return slug[:limit]
    head = slug[:limit]
    whole_words = head.rsplit("-", 1)[0] if "-" in head else ""
    return whole_words or head


def numbered(slug: str, number: int, *, limit: int) -> str:
    """`slug` with "-<number>" after it ("intro-2"), its words cut to fit `limit`."""
    suffix = f"-{number}"
    return shortened(slug, limit=limit - len(suffix)).rstrip("-") + suffix
