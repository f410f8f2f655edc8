"""Questions in the agenda (issue 22, Done when): a host adds questions to a Zoom event type
in a real browser, an invitee answers them on the booking page and books, and the meeting
Zoom has (the sandbox, read over HTTP through its control API) carries the answers in its
agenda."""

from __future__ import annotations

import pytest
from django.test import Client

from slotlink.scheduling.models import Booking
from slotlink.zoom.models import ZoomRollout
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import make_host
from tests.zoom.browser_helpers import signed_in
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, zoom_event_type

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "What should we talk about?"
TEAM = "Team size"


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox):
    """A host with their Zoom connected and a Zoom event type, signed in."""
    settings.BASE_URL = live_server.url
    settings.LINK_WAIT_SECONDS = 0
    zoom_sandbox.configure_app(webhook_url="")
    for name, value in zoom_sandbox.env().items():
        setattr(settings, name, value)
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    membership = host.memberships.get()
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, zoom_user = connected(zoom_sandbox, membership, email="hana@zoom.test")
    event_type = zoom_event_type(membership, slug="intro")
    client = Client()
    client.force_login(host)
    return organization, event_type.id, zoom_user, client.cookies["sessionid"].value


def test_questions_in_the_agenda(acme, live_server, page, zoom_sandbox: ZoomSandbox):
    """The host adds a required long-text question and a required single choice on the
    Questions tab and moves the choice up; a bad choice question is refused on the page.
    The invitee sees both, labelled and marked required, in that order; a first try
    without answers is refused keeping their name; answered, they book. The meeting in
    Zoom has the answers in its agenda."""
    organization, event_type_id, zoom_user, session = acme
    signed_in(page, live_server.url, session)
    page.goto(f"{live_server.url}/360/events/{event_type_id}")
    page.get_by_role("link", name="Questions").click()
    page.get_by_text("No questions").wait_for()
    page.get_by_label("Question", exact=True).fill(TOPIC)
    page.get_by_label("Answer", exact=True).select_option(label="Long text")
    page.get_by_label("Invitees must answer").check()
    page.get_by_role("button", name="Add question").click()
    page.get_by_text(f"Added: “{TOPIC}”.").wait_for()
    page.get_by_label("Question", exact=True).fill(TEAM)
    page.get_by_label("Answer", exact=True).select_option(label="Single choice")
    page.get_by_label("Options (for a choice question)").fill("1-10")
    page.get_by_label("Invitees must answer").check()
    page.get_by_role("button", name="Add question").click()
    page.get_by_text("A single choice question needs at least two options").wait_for()
    assert page.get_by_label("Question", exact=True).input_value() == TEAM
    page.get_by_label("Options (for a choice question)").fill("1-10\n11-50")
    page.get_by_role("button", name="Add question").click()
    page.get_by_text(f"Added: “{TEAM}”.").wait_for()
    page.get_by_role("button", name=f"Move “{TEAM}” up").click()
    listed = page.locator(".question-list li strong").all_inner_texts()
    assert listed == [TEAM, TOPIC]

    page.context.clear_cookies()  # the invitee has no account
    page.goto(f"{live_server.url}/book/{organization.slug}/intro{a_whole_day()}")
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    form = page.locator("#booking-form")
    assert form.get_by_text("(required)").count() == 2
    team_group = page.get_by_role("group", name=TEAM)
    assert team_group.get_by_role("radio").count() == 2
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_text("Please answer this question.").first.wait_for()
    assert page.get_by_label("Your name").input_value() == "Ivy Invitee"
    page.get_by_label(TOPIC).fill("Pricing for our team\nand the API")
    team_group.get_by_label("11-50").check()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()

    booking = off_the_browser_thread(lambda: (drain(), Booking.objects.get())[1])
    assert [answer["value"] for answer in booking.answers] == [
        "11-50",
        "Pricing for our team\nand the API",
    ]
    (meeting,) = zoom_sandbox.meetings(host_id=zoom_user["id"])
    assert (
        "Ivy Invitee's answers:\nTeam size\n11-50\n\nWhat should we talk about?\n"
        "Pricing for our team\nand the API"
    ) in meeting["agenda"]
