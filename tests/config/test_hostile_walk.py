"""The hostile-input walk: every page, every form and every id in a URL, fed hostile values
as a visitor, a member and an admin, never answers 500, and an answer that refuses changes
nothing in the database.

The URL map is read from the resolver (as test_urls.py does), so a new page is walked
without being listed here. Each page is fetched as each person; the names of the fields of
the forms it shows are collected, then every field is sent each hostile value, in the query
string and in a POST. Ids in the path are filled with real ids (the person's own objects and
another organization's) and with ids that are no id at all; an invitee's links and an
invitation's get a real token and hostile ones. Every request runs in a savepoint
rolled back afterwards, so one request's effects never change what the next one sees.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core import signing
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slotlink.accounts.access import ACCESS_ATTRIBUTE
from slotlink.accounts.invitations import invitation_create
from slotlink.accounts.models import Membership, User
from slotlink.scheduling.limits.blocks import booking_block_add
from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.tokens import token_mint
from slotlink.scheduling.views.public import CONFIRMATION_SALT
from tests.config.test_urls import project_patterns
from tests.factories import make_member, make_organization
from tests.scheduling.builders import book, make_event_type, next_free_starts

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "0",
    "99999999999999999999",  # past a bigint
    "9" * 5000,  # past Python's int() digit limit too
    "²",  # isdigit() says yes, int() says no
    "1\x00",  # NUL: PostgreSQL refuses it in any text
    "Ann\u202eexe.fdp",  # a bidi override
    "x" * 10000,
    "' OR 1=1 --",
    "9999-12-31T23:59:59+14:00",
    "Factory",
]
# In the path, where the URL converters let them through (slugs only take [-\w]).
HOSTILE_INT_PATH = ["0", "99999999999999999999", "9" * 5000]
HOSTILE_STR_PATH = ["x", "²", "1\x00", "\u202e", "x" * 5000, "' OR 1=1 --", "..%2F.."]
HOSTILE_SLUG_PATH = ["a" * 300, "-", "_"]
# Names pages read from the query string without showing a form for them.
QUERY_NAMES = [
    "page",
    "show",
    "session",
    "event_type",
    "start",
    "time_zone",
    "month",
    "date",
    "next",
    "host",
    "location_kind",
    "kind",
    "code",
    "state",
    "error",
    "token",
]
# Tables an answer that refuses may still write to: that is what they are for.
WRITTEN_ON_REFUSAL = {
    "django_session",
    "accounts_signinfailure",
    "accounts_passwordresetrequest",
}
# Sign-out ends the walker's session; it is walked, then the person signs in again.
ROUTE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


class FormFields(HTMLParser):
    """The names of the fields of every form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"input", "select", "textarea", "button"}:
            name = dict(attrs).get("name")
            if name and name != "csrfmiddlewaretoken":
                self.names.add(name)


def form_fields(response: HttpResponse) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = FormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names


def fingerprint() -> str:
    """Every row of every table but the refusal logs, hashed: equal before and after means
    nothing changed."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
            table = model._meta.db_table
            if table in WRITTEN_ON_REFUSAL or not model._meta.managed:
                continue
            quoted = connection.ops.quote_name(table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {pk}")  # noqa: S608 - our own names
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


@dataclass
class Walk:
    requests: int = 0
    pages: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    server_errors: list[str] = field(default_factory=list)
    changed_on_refusal: list[str] = field(default_factory=list)
    # The database as every request finds it (each one is rolled back).
    baseline: str = ""

    def send(
        self, client: Client, method: str, path: str, data: dict[str, str], *, route: str
    ) -> None:
        self.requests += 1
        self.pages.add(route)
        before = self.baseline
        with transaction.atomic():
            response = client.get(path, data) if method == "GET" else client.post(path, data)
            refused = response.status_code >= 400 or (
                method == "POST"
                and response.status_code == 200
                and b"errorlist" in response.content
            )
            after = fingerprint() if refused else before
            transaction.set_rollback(True)
        what = (
            f"{method} {path[:120]!r} {sorted(data)[:6]} = {next(iter(data.values()), '')[:40]!r}"
        )
        if response.status_code >= 500:
            self.server_errors.append(f"{response.status_code} {what}")
        elif before != after:
            self.changed_on_refusal.append(f"{response.status_code} {what}")


@dataclass
class World:
    """Two organizations, each with an admin, a member, an event type, a one-on-one booking
    and a group booking; the walkers are the first organization's people."""

    admin: User
    member: User
    ids: dict[str, list[str]]
    slugs: dict[str, list[str]]
    # The real value of a route's one text parameter: an invitee's links and confirmation,
    # an invitation's link.
    texts: dict[str, str]


@pytest.fixture
def world(db) -> World:
    ids: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    slugs: dict[str, list[str]] = {"organization_slug": [], "slug": []}
    people: list[Membership] = []
    for name in ("Acme", "Globex"):
        organization = make_organization(name)
        admin = make_member(organization, role=Membership.Role.ADMIN)
        member = make_member(organization, role=Membership.Role.MEMBER)
        people += [admin, member]
        one_on_one = make_event_type(organization, member.user)
        group = make_event_type(
            organization, member.user, kind=EventType.Kind.GROUP, seats_per_session=3
        )
        booking = book(one_on_one)
        seat = book(group, next_free_starts(group)[0])
        # The walker's own objects first, then the other organization's.
        ids.setdefault("membership_id", []).append(str(member.id))
        ids.setdefault("event_type_id", []).append(str(group.id))
        ids.setdefault("booking_id", []).append(str(booking.id))
        assert seat.session_id is not None
        ids.setdefault("session_id", []).append(str(seat.session_id))
        block = booking_block_add(
            organization_id=organization.pk, kind="address", value="203.0.113.9", by=admin.user
        )
        ids.setdefault("block_id", []).append(str(block.id))
        slugs["organization_slug"].append(organization.slug)
        slugs["slug"].append(one_on_one.slug)
        if name == "Acme":
            purpose = BookingToken.Purpose
            texts = {
                "booking/<str:token>/reschedule": token_mint(
                    booking=booking, purpose=purpose.RESCHEDULE
                ),
                "booking/<str:token>/cancel": token_mint(booking=booking, purpose=purpose.CANCEL),
                "booked/<str:signed>": signing.dumps(booking.id, salt=CONFIRMATION_SALT),
            }
            invited = invitation_create(
                organization=organization,
                email="new@example.test",
                role=Membership.Role.MEMBER,
                invited_by=admin.user,
            )
            texts["invitation/<str:token>"] = invited.token
            ids["invitation_id"] = [str(invited.invitation.id)]
    return World(admin=people[0].user, member=people[1].user, ids=ids, slugs=slugs, texts=texts)


def filled_paths(route: str, world: World) -> Iterator[tuple[str, bool]]:
    """The route with its parameters filled: (path, whether its ids are real)."""
    parameters = list(ROUTE.finditer(route))
    if not parameters:
        yield "/" + route, True
        return

    def fill(values: dict[str, str]) -> str:
        return "/" + ROUTE.sub(lambda m: values[m["name"]], route)

    real: dict[str, list[str]] = {}
    hostile: dict[str, list[str]] = {}
    for match in parameters:
        converter, name = match["converter"] or "str", match["name"]
        if converter == "int":
            real[name] = world.ids.get(name, ["1"])
            hostile[name] = HOSTILE_INT_PATH
        elif converter == "slug":
            real[name] = world.slugs.get(name, ["x"])
            hostile[name] = HOSTILE_SLUG_PATH
        else:
            real[name] = [world.texts.get(route, "x")]
            hostile[name] = [quote(value, safe="") for value in HOSTILE_STR_PATH]
    # Each real id (the walker's own and another organization's), with the others' first.
    for index in range(max(len(values) for values in real.values())):
        yield fill({name: values[index % len(values)] for name, values in real.items()}), True
    for index in range(max(len(values) for values in hostile.values())):
        yield fill({name: values[index % len(values)] for name, values in hostile.items()}), False


def walker(world: World, who: str) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to count
    if who != "visitor":
        client.force_login(world.member if who == "member" else world.admin)
    return client


def walk_route(walk: Walk, route: str, access: str, world: World, who: str) -> None:
    client = walker(world, who)  # fresh each route: a switch or a sign-out stays there
    walk.baseline = fingerprint()  # signing in wrote last_login
    for number, (path, real_ids) in enumerate(filled_paths(route, world)):
        with transaction.atomic():
            page = client.get(path)
            transaction.set_rollback(True)
        walk.requests += 1
        walk.pages.add(route)
        if page.status_code >= 500:
            walk.server_errors.append(f"{page.status_code} GET {path[:120]!r} as {who}")
            continue
        names = form_fields(page)
        if names:
            walk.forms.add(route)
        if not real_ids or number > 0 or page.status_code in {403, 404}:
            # Ids that are no id or another organization's, a page this person may not
            # open, or one that isn't there: refused as a whole, whatever is posted.
            walk.send(client, "POST", path, dict.fromkeys(names, ""), route=route)
            continue
        # Visitors only get past sign-in on public pages: walk the rest of them lightly.
        values = HOSTILE if (who != "visitor" or access == "public") else HOSTILE[:2]
        query_names = sorted(names | set(QUERY_NAMES))
        for value in values:
            if page.status_code != 405:  # a page that only takes POSTs reads no query
                walk.send(client, "GET", path, dict.fromkeys(query_names, value), route=route)
            post = dict.fromkeys(sorted(names) or ["x"], value)
            walk.send(client, "POST", path, post, route=route)


def routes() -> list[tuple[str, str]]:
    return [
        (route, getattr(pattern.callback, ACCESS_ATTRIBUTE, "public"))
        for route, pattern in project_patterns()
        if route != "signout"  # it only signs out (test_signin.py), ending the walk's session
    ]


@pytest.mark.parametrize("who", ["visitor", "member", "admin"])
def test_no_page_answers_500_to_hostile_input_and_refusals_change_nothing(world, who):
    """Every page, form and id, with hostile values, as this person: no 500, and an answer
    that refuses (4xx, or a form shown again with its errors) leaves every table as it was."""
    walk = Walk()
    for route, access in routes():
        walk_route(walk, route, access, world, who)
    assert walk.server_errors == []
    assert walk.changed_on_refusal == []
    assert len(walk.pages) == len(routes())
    assert walk.forms  # the walk saw forms, so it sent their fields


SIGN_IN_AND_BOOK = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=SIGN_IN_AND_BOOK, email=SIGN_IN_AND_BOOK, time_zone=SIGN_IN_AND_BOOK)
def test_the_public_booking_form_takes_any_text_without_a_500(world, name, email, time_zone):
    """Whatever text an invitee types into the booking form, the answer is a booking or the
    form again with its errors; a refusal books nothing."""
    event_type = EventType.objects.get(slug=world.slugs["slug"][0])
    path = f"/book/{world.slugs['organization_slug'][0]}/{event_type.slug}"
    data: dict[str, Any] = {
        "start": next_free_starts(event_type)[0].isoformat(),
        "name": name,
        "email": email,
        "time_zone": time_zone,
        "phone": name,
    }
    with transaction.atomic():
        before = Booking.objects.count()
        response = Client().post(path, data)
        after = Booking.objects.count()
        transaction.set_rollback(True)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert b"errorlist" in response.content
        assert after == before
