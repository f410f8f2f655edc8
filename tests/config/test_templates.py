"""The product's templates, read as files: mistakes no single page test would see."""

import re
from pathlib import Path

import slotlink

TEMPLATES = sorted(Path(slotlink.__file__).parent.glob("**/templates/**/*.html"))
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.DOTALL)


def test_every_title_block_holds_only_text():
    """A page's title is a line of text: no markup slipped into it (the members page once
    carried its invitations table there)."""
    assert len(TEMPLATES) > 50
    marked_up = {
        str(path.relative_to(Path(slotlink.__file__).parent)): title
        for path in TEMPLATES
        for title in TITLE_BLOCK.findall(path.read_text())
        if "<" in title or "\n" in title.strip()
    }
    assert marked_up == {}


PAGE_TEMPLATES = [
    path
    for path in TEMPLATES
    # The sandbox is Zoom's stand-in, not slotlink; emails are read in mail clients, where
    # no page policy applies and inline style is how mail is styled.
    if "sandbox" not in path.parts and "email" not in path.parts
]
TAG = re.compile(r"<[a-zA-Z][^>]*>")
INLINE = {
    "a <script> without src": re.compile(r"<script\b(?![^>]*\ssrc=)", re.IGNORECASE),
    "a <style> block": re.compile(r"<style\b", re.IGNORECASE),
}
INLINE_IN_TAG = {
    "an on...= handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an hx-on attribute": re.compile(r"\shx-on", re.IGNORECASE),
    "a javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
}


def test_no_page_template_holds_inline_script_or_style():
    """Pages run under a Content-Security-Policy that refuses inline script, handlers and
    style (core/csp.py): every page template keeps them in static files instead."""
    assert len(PAGE_TEMPLATES) > 50
    found = []
    for path in PAGE_TEMPLATES:
        text = path.read_text()
        name = str(path.relative_to(Path(slotlink.__file__).parent))
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
        for tag in TAG.findall(text):
            found += [
                f"{name}: {what} in {tag}" for what, p in INLINE_IN_TAG.items() if p.search(tag)
            ]
    assert found == []
