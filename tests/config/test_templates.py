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
