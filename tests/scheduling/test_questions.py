"""Questions on the booking form (issue 22): the host defines them on the event type's
Questions tab, the invitee answers them on the booking page, and the booking keeps the
answers, which show to the host. Bad definitions and bad answers are refused with words
to act on, and change nothing."""

import re
from html import unescape

import pytest
from django.http import HttpResponse

from slotlink.scheduling.locations import booking_ref
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.questions.models import Question
from slotlink.scheduling.questions.services import guests_allow, question_add
from slotlink.scheduling.services.bookings import booking_create
from slotlink.zoom.locations import MEETING_DESCRIPTION_LIMIT, ZOOM
from tests.factories import make_member, make_organization
from tests.page_words import words_of
from tests.scheduling.builders import invitee, make_event_type, next_free_starts

pytestmark = pytest.mark.django_db


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def member_event_type(organization, member_membership) -> EventType:
    return make_event_type(organization, member_membership.user, slug="members-call")


def asked(event_type: EventType) -> list[tuple[str, str, bool, list[str]]]:
    return [
        (q.label, q.kind, q.required, q.options)
        for q in Question.objects.filter(event_type=event_type)
    ]


def add(event_type: EventType, label: str, kind: str, *, required=False, options=()) -> Question:
    return question_add(
        event_type=event_type, kind=kind, label=label, required=required, options=list(options)
    )


# --- The host's editor ---------------------------------------------------------------------


def test_a_host_adds_edits_reorders_and_removes_questions(member_client, member_event_type):
    """Each kind is added at the end, in the host's words; a choice question keeps its
    options in order; Up and Down swap neighbours; Edit changes one; Remove takes it off."""
    url = f"/360/events/{member_event_type.id}/questions"
    assert "No questions" in text(member_client.get(url))
    for data in (
        {"label": "What should we talk about?", "kind": "long_text", "required": "on"},
        {"label": "Team size", "kind": "single_choice", "options": "1-10\n11-50\n\n51+"},
        {"label": "Interests", "kind": "multiple_choice", "options": "Pricing\nAPI"},
        {"label": "I accept the terms", "kind": "checkbox", "required": "on"},
        {"label": "Company", "kind": "short_text", "options": "ignored for text"},
    ):
        assert member_client.post(url, data).status_code == 302
    assert asked(member_event_type) == [
        ("What should we talk about?", "long_text", True, []),
        ("Team size", "single_choice", False, ["1-10", "11-50", "51+"]),
        ("Interests", "multiple_choice", False, ["Pricing", "API"]),
        ("I accept the terms", "checkbox", True, []),
        ("Company", "short_text", False, []),
    ]
    company = Question.objects.get(label="Company")
    assert member_client.post(f"{url}/{company.id}/move", {"direction": "up"}).status_code == 302
    first = Question.objects.get(label="What should we talk about?")
    member_client.post(f"{url}/{first.id}/move", {"direction": "up"})  # already first
    member_client.post(f"{url}/{first.id}/move", {"direction": "down"})
    assert [label for label, *_ in asked(member_event_type)] == [
        "Team size",
        "What should we talk about?",
        "Interests",
        "Company",
        "I accept the terms",
    ]
    edit = f"{url}/{company.id}"
    assert 'value="Company"' in text(member_client.get(edit))
    response = member_client.post(edit, {"label": "Company name", "kind": "short_text"})
    assert response.status_code == 302
    assert member_client.post(f"{url}/{first.id}/remove").status_code == 302
    page = text(member_client.get(url))
    assert "Company name" in page
    assert "What should we talk about?" not in page
    assert len(asked(member_event_type)) == 4


def test_a_questions_label_is_isolated_in_what_the_host_is_told(member_client, member_event_type):
    """ "Added: …" and "Saved: …" hold a Hebrew label in a <bdi>, so its direction doesn't
    take the sentence's punctuation."""
    url = f"/360/events/{member_event_type.id}/questions"
    label = "מה הנושא?"  # "What is the topic?"
    added = member_client.post(url, {"label": label, "kind": "short_text"}, follow=True)
    assert f"Added: “<bdi>{label}</bdi>”." in added.content.decode()
    question = Question.objects.get(event_type=member_event_type)
    saved = member_client.post(
        f"{url}/{question.id}", {"label": label, "kind": "long_text"}, follow=True
    )
    assert f"Saved: “<bdi>{label}</bdi>”." in saved.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"label": "", "kind": "short_text"}, "This field is required."),
        (
            {"label": "x" * 201, "kind": "short_text"},
            "A question can be at most 200 characters; this one has 201.",
        ),
        (
            {"label": "Colour", "kind": "single_choice", "options": ""},
            "A single choice question needs at least two options, one per line.",
        ),
        (
            {"label": "Colour", "kind": "multiple_choice", "options": "Blue"},
            "A multiple choice question needs at least two options, one per line.",
        ),
        (
            {"label": "Colour", "kind": "single_choice", "options": "Blue\nRed\n blue "},
            "“blue” is there twice. List each option once.",
        ),
        (
            {"label": "Colour", "kind": "single_choice", "options": "Blue\n" + "r" * 101},
            "An option can be at most 100 characters",
        ),
        (
            {
                "label": "Colour",
                "kind": "single_choice",
                "options": "\n".join("abcdefghijklmnopqrstu"),
            },
            "A single choice question has at most 20 options; this has 21.",
        ),
        ({"label": "Colour", "kind": "dropdown"}, "Select a valid choice."),
        ({"label": "Col\u202eour", "kind": "short_text"}, "invisible control characters"),
    ],
)
def test_a_bad_question_is_refused_and_nothing_changes(
    member_client, member_event_type, data, error
):
    """A question without words, too long, a choice without two options, the same option
    twice, an over-long option or too many, an unknown kind or hidden controls: the form
    says so and keeps what was typed; no question is added, none edited."""
    url = f"/360/events/{member_event_type.id}/questions"
    kept = add(member_event_type, "Kept as it was", "single_choice", options=["A", "B"])
    for target in (url, f"{url}/{kept.id}"):
        response = member_client.post(target, data)
        assert response.status_code == 200
        page = text(response)
        assert error in page
        if data["label"]:
            assert data["label"] in page
    assert asked(member_event_type) == [("Kept as it was", "single_choice", False, ["A", "B"])]


def test_an_event_type_asks_at_most_ten_questions(member_client, member_event_type):
    """The eleventh question is refused with the limit named."""
    for number in range(10):
        add(member_event_type, f"Question {number}", "short_text")
    response = member_client.post(
        f"/360/events/{member_event_type.id}/questions", {"label": "One more", "kind": "short_text"}
    )
    assert "An event type asks at most 10 questions. Remove one first." in text(response)
    assert len(asked(member_event_type)) == 10


def test_only_who_may_edit_the_event_type_sees_or_changes_its_questions(client, member_event_type):
    """A member of another organization gets 404 on the tab, each action and the guests
    setting; nothing changes."""
    question = add(member_event_type, "Company", "short_text")
    stranger = make_member(make_organization(), email="stranger@example.test")
    client.force_login(stranger.user)
    url = f"/360/events/{member_event_type.id}/questions"
    assert client.get(url).status_code == 404
    assert client.post(url, {"label": "Mine", "kind": "short_text"}).status_code == 404
    assert (
        client.post(f"{url}/{question.id}", {"label": "X", "kind": "short_text"}).status_code == 404
    )
    assert client.post(f"{url}/{question.id}/remove").status_code == 404
    assert client.post(f"{url}/{question.id}/move", {"direction": "down"}).status_code == 404
    guests = f"/360/events/{member_event_type.id}/guests"
    assert client.post(guests, {"allow_guests": "on"}).status_code == 404
    assert asked(member_event_type) == [("Company", "short_text", False, [])]
    member_event_type.refresh_from_db()
    assert member_event_type.allow_guests is False


def test_the_guests_setting_is_off_until_the_host_turns_it_on(member_client, member_event_type):
    """A new event type doesn't let invitees add guests; the host turns it on and off."""
    assert member_event_type.allow_guests is False
    url = f"/360/events/{member_event_type.id}/guests"
    assert member_client.post(url, {"allow_guests": "on"}).status_code == 302
    member_event_type.refresh_from_db()
    assert member_event_type.allow_guests is True
    member_client.post(url, {})
    member_event_type.refresh_from_db()
    assert member_event_type.allow_guests is False


# --- The invitee's form --------------------------------------------------------------------


def page_url(event_type: EventType) -> str:
    return f"/book/{event_type.organization.slug}/{event_type.slug}"


@pytest.fixture
def asking(organization, host) -> EventType:
    """A one-on-one event type with one question of each kind."""
    event_type = make_event_type(organization, host, slug="asking")
    add(event_type, "What should we talk about?", "long_text", required=True)
    add(event_type, "Team size", "single_choice", options=["1-10", "11-50"], required=True)
    add(event_type, "Interests", "multiple_choice", options=["Pricing", "API"])
    add(event_type, "I accept the terms", "checkbox", required=True)
    add(event_type, "Company", "short_text")
    return event_type


def booking_data(event_type: EventType, **answers: object) -> dict[str, object]:
    data: dict[str, object] = {
        "start": next_free_starts(event_type)[0].isoformat(),
        "time_zone": "Europe/Berlin",
        "name": "Ivy Invitee",
        "email": "ivy@example.test",
        "phone": "+49 30 1234567",
    }
    questions = {
        q.label: f"question_{q.id}" for q in Question.objects.filter(event_type=event_type)
    }
    data.update({questions[label]: value for label, value in answers.items()})
    return data


def test_the_booking_page_asks_the_questions_in_order_with_labels_and_required_marked(
    client, asking
):
    """Each question is labelled (a text by its label, a choice by its fieldset's legend),
    in the host's order, required ones marked in words."""
    page = text(client.get(page_url(asking), {"date": next_free_starts(asking)[0].date()}))
    labels = [
        "What should we talk about?",
        "Team size",
        "Interests",
        "I accept the terms",
        "Company",
    ]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    talk = Question.objects.get(label="What should we talk about?")
    assert f'<label for="id_question_{talk.id}">' in page
    legend = '<legend><span dir="auto">Team size</span> <span class="required">(required)'
    assert legend in page
    assert page.count("(required)") == 3
    assert "Guests' emails" not in page  # off by default


def test_answers_are_kept_with_the_booking(client, asking):
    """The booking keeps each answer with its question as asked."""
    response = client.post(
        page_url(asking),
        booking_data(
            asking,
            **{
                "What should we talk about?": "Pricing for\nour team",
                "Team size": "11-50",
                "Interests": ["Pricing", "API"],
                "I accept the terms": "on",
            },
        ),
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.answers == [
        {
            "label": "What should we talk about?",
            "kind": "long_text",
            "value": "Pricing for\nour team",
        },
        {"label": "Team size", "kind": "single_choice", "value": "11-50"},
        {"label": "Interests", "kind": "multiple_choice", "value": ["Pricing", "API"]},
        {"label": "I accept the terms", "kind": "checkbox", "value": True},
        {"label": "Company", "kind": "short_text", "value": ""},
    ]


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"Team size": "11-50", "I accept the terms": "on"}, "Please answer this question."),
        (
            {"What should we talk about?": "x", "Team size": "11-50"},
            "Tick this box to book.",
        ),
        (
            {"What should we talk about?": "x", "Team size": "1000", "I accept the terms": "on"},
            "Pick one of the options shown.",
        ),
        (
            {
                "What should we talk about?": "x",
                "Team size": "11-50",
                "Interests": ["Pricing", "Crypto"],
                "I accept the terms": "on",
            },
            "Pick one of the options shown.",
        ),
        (
            {
                "What should we talk about?": "x" * 2001,
                "Team size": "11-50",
                "I accept the terms": "on",
            },
            "1 character over the limit: 2001 / 2000. Nothing was cut: shorten it.",
        ),
        (
            {
                "What should we talk about?": "x",
                "Team size": "11-50",
                "I accept the terms": "on",
                "Company": "Acme\u202e",
            },
            "invisible control characters",
        ),
    ],
)
def test_a_bad_answer_is_refused_keeping_what_was_typed(client, asking, answers, error):
    """A required question left empty, a box not ticked, an option not offered, an answer
    too long or with hidden controls: the page says so, keeps everything typed, and
    nothing is booked."""
    answers = {"Company": "Acme Corp", **answers}
    response = client.post(page_url(asking), booking_data(asking, **answers))
    assert response.status_code == 200
    page = text(response)
    assert error in page
    assert 'value="Ivy Invitee"' in page
    assert 'value="ivy@example.test"' in page
    if "Acme\u202e" not in answers["Company"]:
        assert 'value="Acme Corp"' in page
    if answers.get("What should we talk about?") == "x":
        assert ">\nx</textarea>" in page
    if answers.get("Team size") == "11-50":
        assert re.search(r'<input type="radio"[^>]*value="11-50"[^>]*checked', page)
    assert not Booking.objects.exists()


def test_invitees_add_guests_when_the_event_type_allows_it(client, organization, host):
    """Guests' emails, separated by commas or lines, each kept once; the invitee's own
    address is no guest."""
    event_type = make_event_type(organization, host, slug="with-guests")
    guests_allow(event_type=event_type, allowed=True)
    page = text(client.get(page_url(event_type), {"date": next_free_starts(event_type)[0].date()}))
    assert "Guests' emails (optional)" in page
    data = booking_data(event_type)
    data["guests"] = "ann@example.test, bo@example.test\nANN@example.test\n ivy@example.test"
    assert client.post(page_url(event_type), data).status_code == 302
    assert Booking.objects.get().guest_emails == ["ann@example.test", "bo@example.test"]


@pytest.mark.parametrize(
    ("guests", "error"),
    [
        ("ann@example.test, not-an-email", "“not-an-email” isn't an email address."),
        (
            ", ".join(f"g{n}@example.test" for n in range(11)),
            "Add at most 10 guests; this lists 11.",
        ),
    ],
)
def test_bad_guests_are_refused_keeping_what_was_typed(client, organization, host, guests, error):
    """A guest that isn't an address, or more than ten: the page says so, keeps the list,
    and nothing is booked."""
    event_type = make_event_type(organization, host, slug="with-guests")
    guests_allow(event_type=event_type, allowed=True)
    data = booking_data(event_type)
    data["guests"] = guests
    response = client.post(page_url(event_type), data)
    page = text(response)
    assert error in words_of(page)
    assert guests in page
    assert not Booking.objects.exists()


def test_a_guest_that_isnt_an_address_is_isolated_in_the_error(client, organization, host):
    """The typed guest named by the error sits in a <bdi>: an Arabic one doesn't reorder
    the sentence."""
    event_type = make_event_type(organization, host, slug="rtl-guests")
    guests_allow(event_type=event_type, allowed=True)
    data = booking_data(event_type)
    data["guests"] = "ann@example.test, بريد"
    page = client.post(page_url(event_type), data).content.decode()
    assert "“<bdi>بريد</bdi>” isn't an email address." in page
    assert not Booking.objects.exists()


def test_guests_are_ignored_where_the_event_type_does_not_allow_them(client, event_type):
    """Without the setting, a posted guest list invites nobody."""
    data = booking_data(event_type)
    data["guests"] = "ann@example.test"
    assert client.post(page_url(event_type), data).status_code == 302
    assert Booking.objects.get().guest_emails == []


# --- Where the answers show ----------------------------------------------------------------


def test_the_booking_page_shows_the_host_the_answers_and_guests(member_client, member_event_type):
    """The host's booking details list each answer given under its question, and the
    guests; an empty optional answer is left out."""
    add(member_event_type, "What should we talk about?", "long_text")
    add(member_event_type, "Company", "short_text")
    add(member_event_type, "I accept the terms", "checkbox")
    questions = list(Question.objects.filter(event_type=member_event_type))
    from slotlink.scheduling.questions.answers import answer_for

    booking = booking_create(
        event_type=member_event_type,
        start=next_free_starts(member_event_type)[0],
        invitee=invitee(
            answers=(
                answer_for(questions[0], "Pricing <b>now</b>\nand later"),
                answer_for(questions[1], ""),
                answer_for(questions[2], True),
            ),
            guests=("ann@example.test",),
        ),
    )
    page = member_client.get(f"/360/bookings/{booking.id}").content.decode()
    assert "<bdi>Ivy Invitee</bdi>'s answers" in page
    assert (
        'What should we talk about?</dt><dd dir="auto">Pricing &lt;b&gt;now&lt;/b&gt;<br>and later'
        in page
    )
    assert 'I accept the terms</dt><dd dir="auto">Yes' in page
    assert "Company" not in page
    assert "ann@example.test" in page


def test_a_one_on_one_meetings_description_carries_the_answers_within_the_agenda_limit(
    organization, host
):
    """The description a provider puts in its agenda: the event type's words, then the
    invitee's answers; cut with an ellipsis at the location's limit, never inside a
    character."""
    event_type = make_event_type(
        organization, host, slug="zoom-call", location_kind=ZOOM, description="Intro."
    )
    talk = add(event_type, "What should we talk about?", "long_text")
    team = add(event_type, "Team size", "single_choice", options=["1-10", "11-50"])
    from slotlink.scheduling.questions.answers import answer_for

    booking = booking_create(
        event_type=event_type,
        start=next_free_starts(event_type)[0],
        invitee=invitee(phone="", answers=(answer_for(talk, "Pricing"), answer_for(team, "11-50"))),
    )
    assert booking_ref(booking).description == (
        "Intro.\n\nIvy Invitee's answers:\nWhat should we talk about?\nPricing\n\nTeam size\n11-50"
    )
    flags = "\U0001f1e9\U0001f1ea" * 1000
    long = Booking.objects.get(pk=booking.pk)
    long.answers = [{"label": "Flags", "kind": "long_text", "value": flags}]
    description = booking_ref(long).description
    assert len(description) <= MEETING_DESCRIPTION_LIMIT
    assert description.endswith("\U0001f1ea…")
    body = description.split("Flags\n", 1)[1].removesuffix("…")
    assert len(body) % 2 == 0  # whole flags only


def test_a_group_sessions_shared_description_carries_no_ones_answers(organization, host):
    """A session's seats share one meeting whose agenda every participant may read: it
    carries the event type's words, never one invitee's answers."""
    workshop = make_event_type(
        organization,
        host,
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
        location_kind=ZOOM,
        description="Bring questions.",
    )
    talk = add(workshop, "What should we talk about?", "long_text")
    from slotlink.scheduling.questions.answers import answer_for

    booking = booking_create(
        event_type=workshop,
        start=next_free_starts(workshop)[0],
        invitee=invitee(answers=(answer_for(talk, "My private matter"),)),
    )
    assert booking.answers[0]["value"] == "My private matter"
    assert booking_ref(booking).description == "Bring questions."
