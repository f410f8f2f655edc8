"""An event type's link name (issue 22, "Reading right"): made from the title when the host
leaves it empty, readable for a title in any script, never cut mid-word, and free within
the organization: a reused title gets "intro-2", not an error."""

import re
from html import unescape

import pytest
from django.test import Client

from slotlink.scheduling.models import EventType
from tests.scheduling.builders import make_event_type

pytestmark = pytest.mark.django_db


def general(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Intro call",
        "slug": "",
        "description": "",
        "duration_minutes": 30,
        "kind": "one_on_one",
        "seats_per_session": "",
        "location_kind": "phone",
        "location_detail": "",
    }
    data.update(overrides)
    return data


def created(client: Client, **overrides: object) -> EventType:
    response = client.post("/360/events/new", general(**overrides))
    assert response.status_code == 302, unescape(response.content.decode())
    return EventType.objects.get(pk=int(response["Location"].rsplit("/", 1)[1]))


def test_a_title_without_latin_letters_is_named_from_the_event_types_id(member_client):
    """A Hebrew title leaves slugify nothing: the link is "event-<id>", and it books."""
    event_type = created(member_client, title="פגישת היכרות")
    assert event_type.slug == f"event-{event_type.id}"
    page = member_client.get(f"/book/{event_type.organization.slug}/{event_type.slug}")
    assert page.status_code == 200


def test_a_title_without_latin_letters_keeps_an_id_name_when_edited(member_client):
    """Saved again with the link name emptied, an Arabic title's event type is still
    named from its id."""
    event_type = created(member_client, title="اجتماع")
    response = member_client.post(f"/360/events/{event_type.id}", general(title="اجتماع تعارف"))
    assert response.status_code == 302
    event_type.refresh_from_db()
    assert event_type.slug == f"event-{event_type.id}"


def test_a_long_title_is_cut_at_a_word_boundary(member_client):
    """A title longer than the link name's 60 characters ends at its last whole word."""
    title = "Quarterly planning review with the product and engineering leadership teams"
    event_type = created(member_client, title=title)
    assert event_type.slug == "quarterly-planning-review-with-the-product-and-engineering"
    assert len(event_type.slug) <= 60
    words = title.lower().split()
    assert event_type.slug.split("-") == words[: len(event_type.slug.split("-"))]


def test_a_reused_title_gets_the_next_free_link_name(member_client):
    """The same title twice, then thrice: "intro-call", "intro-call-2", "intro-call-3",
    each saved without an error, and the host is told the link it got."""
    first = created(member_client)
    second = created(member_client)
    response = member_client.post("/360/events/new", general(), follow=True)
    third = EventType.objects.latest("id")
    assert (first.slug, second.slug, third.slug) == ("intro-call", "intro-call-2", "intro-call-3")
    shown = re.sub(r"<[^>]+>", "", unescape(response.content.decode()))
    assert "“intro-call” was taken" in shown
    assert "/intro-call-3" in shown


def test_a_typed_link_name_already_taken_is_refused_with_a_free_one_filled_in(
    member_client, organization, member_membership
):
    """A link name typed and taken saves nothing; the field then holds "intro-2", and
    saving that works."""
    make_event_type(organization, member_membership.user, slug="intro")
    response = member_client.post("/360/events/new", general(title="Other", slug="intro"))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Another event type already uses “intro”. “intro-2” is free" in html
    assert re.search(r'<input[^>]*name="slug"[^>]*value="intro-2"', html)
    assert EventType.objects.count() == 1
    assert created(member_client, title="Other", slug="intro-2").slug == "intro-2"
