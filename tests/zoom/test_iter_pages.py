"""A list call's pages, read as Zoom pages them (`next_page_token`), and no further than
the caller reads."""

from typing import Any

from slotlink.zoom.endpoints import iter_pages

PAGES = {
    "": {"meetings": [{"id": 1}, {"id": 2}], "next_page_token": "second"},
    "second": {"meetings": [], "next_page_token": "third"},  # Zoom may send an empty page
    "third": {"meetings": [{"id": 3}], "next_page_token": ""},
}


def _fetcher(asked: list[str]) -> Any:
    def fetch(page_token: str) -> dict[str, Any]:
        asked.append(page_token)
        return PAGES[page_token]

    return fetch


def test_every_item_of_every_page_in_order():
    """Each page is asked for with the token the one before gave, until none is given."""
    asked: list[str] = []
    assert [item["id"] for item in iter_pages(_fetcher(asked), "meetings")] == [1, 2, 3]
    assert asked == ["", "second", "third"]


def test_a_reader_that_stops_early_asks_for_no_more_pages():
    """Looking for one item (a lost create's marker) stops asking Zoom once it is found."""
    asked: list[str] = []
    found = next(item for item in iter_pages(_fetcher(asked), "meetings") if item["id"] == 2)
    assert found == {"id": 2}
    assert asked == [""]
