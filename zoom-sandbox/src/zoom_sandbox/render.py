"""HTML for the sandbox's pages, from the templates beside this module.

The pages are few and plain, so `string.Template` does: every value is HTML-escaped
unless it is `Safe` (a fragment this package built from escaped parts).
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from string import Template

from starlette.responses import HTMLResponse


class Safe(str):
    """Markup that is already escaped."""


def escape(value: object) -> str:
    return value if isinstance(value, Safe) else html.escape(str(value), quote=True)


@cache
def _template(name: str) -> Template:
    text = resources.files("zoom_sandbox").joinpath("templates", name).read_text("utf-8")
    return Template(text)


def fragment(template_name: str, /, **values: object) -> Safe:
    return Safe(_template(template_name).substitute({k: escape(v) for k, v in values.items()}))


def join(parts: list[Safe]) -> Safe:
    return Safe("".join(parts))


def page(
    title: str,
    body: Safe,
    *,
    status: int = 200,
    signed_in_as: str = "",
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    who = fragment("signed_in.html", email=signed_in_as) if signed_in_as else Safe("")
    document = fragment("base.html", title=title, body=body, who=who)
    return HTMLResponse(document, status_code=status, headers=headers)


def message_page(title: str, text: str, *, status: int = 200, link: str = "/") -> HTMLResponse:
    return page(title, fragment("message.html", title=title, text=text, link=link), status=status)
