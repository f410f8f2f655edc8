"""A page's words as a person reads them, for sentences with typed parts isolated in
`<bdi>` (core/bidi.py): the markup around a name is not part of what it says."""

import re
from html import unescape

TAG = re.compile(r"<[^>]+>")


def words_of(html: str) -> str:
    return unescape(TAG.sub("", html))
