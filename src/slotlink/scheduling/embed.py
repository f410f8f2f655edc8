"""Putting an event type's booking page on another site: the embed variant of the public
pages (`?embed=1`), the snippets a host copies, and the token its booking form carries.

The embed variant is the only one any origin may frame (core/csp.py): the signed-in pages,
and the public pages without `?embed=1`, keep their own framing rules (clickjacking).

Why the embedded booking form carries a signed token instead of Django's CSRF cookie: in
an iframe on another site the page is a third-party context, and browsers send the
SameSite=Lax CSRF cookie with no POST from there (and block third-party cookies more and
more), so the booking would fail with a 403. A CSRF cookie with SameSite=None; Secure would
need https even for a local install and dies with third-party cookies altogether. The
booking POST acts with no one's authority (no session is read, anyone may book), so a
cookie bound to a browser protects nothing there; what is worth checking is that the form
came from slotlink's own page for this event type, recently. The token says that, and
the POST is rate-limited and checked against the organization's blocks as every booking is.
Every other POST, and the public booking page outside the embed, keeps Django's CSRF check.
"""

from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import escape

from slotlink.scheduling.messages import absolute_url

EMBED_PARAM = "embed"
EMBED_TOKEN_FIELD = "embed_token"  # noqa: S105 (a field name)
EMBED_TOKEN_SALT = "slotlink.scheduling.embed"  # noqa: S105 (a salt, not a secret)
# Long enough for an invitee to pick a time and type their details over a coffee.
EMBED_TOKEN_MAX_AGE = 6 * 60 * 60


def is_embed(request: HttpRequest) -> bool:
    return request.GET.get(EMBED_PARAM) == "1"


def embedded(url: str) -> str:
    """`url`, as the embed variant."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({EMBED_PARAM: '1'})}"


def embed_token(event_type_id: int) -> str:
    return signing.dumps(event_type_id, salt=EMBED_TOKEN_SALT)


def embed_token_valid(token: str, event_type_id: int) -> bool:
    try:
        signed = signing.loads(token, salt=EMBED_TOKEN_SALT, max_age=EMBED_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return bool(signed == event_type_id)


def embed_script_url() -> str:
    return absolute_url(static("scheduling/embed.js"))


def inline_snippet(public_url: str, title: str) -> str:
    """An iframe in a div: shows the booking page where it is pasted, without script."""
    return (
        '<div class="slotlink-inline" style="min-width:320px;height:760px">'
        f'<iframe src="{escape(embedded(public_url))}" title="{escape(title)}" '
        'style="width:100%;height:100%;border:0" loading="lazy"></iframe></div>'
    )


def popup_snippet(public_url: str, title: str) -> str:
    """A button that opens the booking page over the host's page (slotlink's embed.js);
    without script it is a plain link to the booking page."""
    return (
        f'<a href="{escape(public_url)}" data-slotlink-popup="{escape(embedded(public_url))}" '
        f'data-slotlink-title="{escape(title)}">Book a time</a>\n'
        f'<script src="{escape(embed_script_url())}" async></script>'
    )
