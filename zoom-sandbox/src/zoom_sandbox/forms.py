"""Reading URL-encoded form bodies (the token endpoint's and the pages').

Starlette's own form parser needs python-multipart; these bodies are simple enough
to read with the standard library.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request


async def form_fields(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))
