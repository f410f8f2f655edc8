"""The first-run page of a fresh install, its one-time setup token, and sign-up."""

import io
import logging
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from slotlink.accounts.models import Membership, Organization, PendingSignUp, SetupToken, User
from slotlink.accounts.services import organization_create
from slotlink.accounts.setup import setup_token_announce, setup_token_issue
from tests.factories import PASSWORD, make_organization, make_user
from tests.scheduling.builders import run_queued_tasks

pytestmark = pytest.mark.django_db


def details(**changes: str) -> dict[str, str]:
    return {
        "name": "Initech",
        "slug": "",
        "full_name": "Bill Lumbergh",
        "email": "Bill@Initech.test",
        "time_zone": "America/Chicago",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


def test_the_web_process_prints_a_one_time_link_while_there_is_no_organization(caplog):
    """At start, a fresh install logs the first-run link; only the token's hash is kept."""
    with caplog.at_level(logging.WARNING, logger="slotlink.accounts"):
        setup_token_announce()
    (record,) = [r for r in caplog.records if "accounts.setup.token" in r.getMessage()]
    url = record.getMessage().split(" at ")[-1]
    assert urlsplit(url).path == "/setup"
    token = parse_qs(urlsplit(url).query)["token"][0]
    stored = SetupToken.objects.get()
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_nothing_is_printed_once_an_organization_exists(caplog):
    """An install that is set up prints no link and issues no token."""
    make_organization("Acme")
    with caplog.at_level(logging.WARNING, logger="slotlink.accounts"):
        setup_token_announce()
    assert "accounts.setup.token" not in caplog.text
    assert not SetupToken.objects.exists()


def test_the_first_run_page_creates_the_organization_and_signs_the_admin_in():
    """With a live token, the page creates the organization and its admin (an org admin,
    not Django staff), signs them in, and every setup token dies."""
    token = setup_token_issue()
    setup_token_issue()  # another web process's token dies too
    client = Client()
    assert client.get(f"/setup?token={token}").status_code == 200
    response = client.post("/setup", {"token": token, **details()})
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert (organization.name, organization.slug) == ("Initech", "initech")
    admin = User.objects.get()
    assert (admin.email, admin.time_zone) == ("bill@initech.test", "America/Chicago")
    assert not admin.is_staff
    assert Membership.objects.get().role == Membership.Role.ADMIN
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert not SetupToken.objects.exists()


def test_after_setup_the_page_is_gone():
    """Once an organization exists the first-run page answers 404, token or not."""
    token = setup_token_issue()
    make_organization("Acme")
    assert Client().get("/setup").status_code == 404
    assert Client().post("/setup", {"token": token, **details()}).status_code == 404
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("", "This field is required."),
        ("wrong", "That setup token isn&#x27;t valid."),
        ("x" * 500, "That setup token isn&#x27;t valid."),
    ],
)
def test_a_wrong_token_is_refused_and_nothing_is_created(token, said):
    """Without the printed token the page says where to find it and creates nothing."""
    setup_token_issue()
    response = Client().post("/setup", {"token": token, **details()})
    assert response.status_code == 200
    page = response.content.decode()
    assert said in page
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_bad_details_are_shown_on_their_fields_and_the_token_keeps_working():
    """Different passwords, a weak one or a malformed email: errors on the fields,
    nothing created, and the token still works for the next try."""
    token = setup_token_issue()
    client = Client()
    for bad in [
        details(password2="something else entirely"),
        details(password1="password", password2="password"),
        details(email="not an email"),
        details(time_zone="Mars/Olympus"),
    ]:
        response = client.post("/setup", {"token": token, **bad})
        assert response.status_code == 200
        assert b'class="errorlist' in response.content
    assert not Organization.objects.exists()
    assert client.post("/setup", {"token": token, **details()}).status_code == 302


def test_sign_in_points_a_fresh_install_to_setup():
    """The sign-in page of an install without an organization links to the first run."""
    assert b'href="/setup"' in Client().get("/signin").content
    make_organization("Acme")
    assert b'href="/setup"' not in Client().get("/signin").content


def test_setuptoken_prints_a_new_link_and_refuses_once_set_up():
    """`slotlink setuptoken` prints a working link; after setup it refuses."""
    out = io.StringIO()
    call_command("setuptoken", stdout=out)
    token = parse_qs(urlsplit(out.getvalue().strip()).query)["token"][0]
    assert Client().get(f"/setup?token={token}").status_code == 200
    assert Client().post("/setup", {"token": token, **details()}).status_code == 302
    with pytest.raises(CommandError, match="already has an organization"):
        call_command("setuptoken", stdout=io.StringIO())


def test_sign_up_is_off_by_default():
    """Without SLOTLINK_ALLOW_SIGNUP the sign-up page does not exist."""
    make_organization("Acme")
    assert Client().get("/signup").status_code == 404
    assert Client().post("/signup", details()).status_code == 404
    assert not User.objects.exists()


# Literals, numbers and savepoint names: what differs between two runs of the same queries.
SQL_VALUES = r"'[^']*'|\b\d+\b|\"s\d+_x\d+\""


def finish_link() -> str:
    """The path of the link in the last sign-up email, once the worker sent it."""
    run_queued_tasks()
    match = re.search(r"https?://\S+(/signup/finish/\S+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_with_sign_up_on_anyone_starts_an_organization(settings):
    """With SLOTLINK_ALLOW_SIGNUP, anyone creates a new organization and is its admin, once
    the link emailed to them is used: the page makes nothing before."""
    settings.ALLOW_SIGNUP = True
    make_organization("Acme")
    client = Client()
    assert b'href="/signup"' in client.get("/signin").content
    response = client.post("/signup", details(name="Globex", slug="globex"))
    assert (response.status_code, response["Location"]) == (302, "/signup/sent")
    assert not Organization.objects.filter(slug="globex").exists()
    assert not User.objects.filter(email="bill@initech.test").exists()
    link = finish_link()
    assert mail.outbox[-1].to == ["bill@initech.test"]
    assert mail.outbox[-1].subject == "Finish starting Globex on slotlink"
    assert "Finish starting <bdi>Globex</bdi>" in client.get(link).content.decode()
    assert not Organization.objects.filter(slug="globex").exists()  # a GET makes nothing
    finished = client.post(link)
    assert (finished.status_code, finished["Location"]) == (302, "/360/")
    organization = Organization.objects.get(slug="globex")
    admin = organization.memberships.get()
    assert (admin.user.email, admin.role) == ("bill@initech.test", Membership.Role.ADMIN)
    assert admin.user.check_password(PASSWORD)
    assert client.post(link).status_code == 410  # once
    assert Organization.objects.filter(slug="globex").count() == 1


def test_a_sign_up_keeps_no_password_and_its_link_expires(settings):
    """Until the link is used only the password's hash is kept, and the link works for a
    day; a made-up one says it doesn't work."""
    settings.ALLOW_SIGNUP = True
    Client().post("/signup", details(name="Globex", slug="globex"))
    pending = PendingSignUp.objects.get()
    assert PASSWORD not in pending.password_hash
    assert pending.password_hash.startswith("md5$")  # the test settings' hasher
    link = finish_link()
    PendingSignUp.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    for path in (link, "/signup/finish/made-up"):
        answer = Client().post(path)
        assert answer.status_code == 410
        assert "This link doesn" in answer.content.decode()
    assert not Organization.objects.exists()


def test_sign_up_is_limited_per_client_address(settings):
    """A few organizations a day from one address; the next is refused in words (429) and
    creates nothing, while another address still signs up."""
    settings.ALLOW_SIGNUP = True
    make_organization("Acme")
    for number in range(3):
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            "/signup", details(name=f"Org {number}", email=f"owner{number}@example.test")
        )
        assert response.status_code == 302
    refused = Client(REMOTE_ADDR="203.0.113.7").post(
        "/signup", details(name="One too many", email="late@example.test")
    )
    assert refused.status_code == 429
    assert "Too many organizations were started from your network today" in (
        refused.content.decode()
    )
    assert not Organization.objects.filter(name="One too many").exists()
    assert not User.objects.filter(email="late@example.test").exists()
    other = Client(REMOTE_ADDR="198.51.100.9").post(
        "/signup", details(name="Elsewhere", email="else@example.test")
    )
    assert other.status_code == 302


def test_sign_up_refuses_a_taken_address_in_words(settings):
    """A taken address (public anyway: /book/<address>) is refused in words; nothing
    changes."""
    settings.ALLOW_SIGNUP = True
    organization_create(name="Acme", slug="acme")
    response = Client().post("/signup", details(slug="acme"))
    assert "The address &#x27;acme&#x27; is taken" in response.content.decode()
    assert Organization.objects.count() == 1
    assert not PendingSignUp.objects.exists()


def test_sign_up_answers_an_email_with_an_account_like_any_other(settings):
    """Issue 19 (5): /signup said "...already has a slotlink account", telling a stranger
    who has one. The page answers the same, with the same work, and the email tells the
    owner; nothing is made."""
    settings.ALLOW_SIGNUP = True
    make_user(email="bill@initech.test")
    answers = []
    for email in ("bill@initech.test", "nobody@initech.test"):
        with CaptureQueriesContext(connection) as queries:
            response = Client().post("/signup", details(email=email, slug=email[:4]))
        answers.append(
            (
                response.status_code,
                response["Location"],
                [re.sub(SQL_VALUES, "?", query["sql"]) for query in queries],
            )
        )
    assert answers[0] == answers[1]
    run_queued_tasks()
    owner, newcomer = sorted(mail.outbox, key=lambda m: m.to)
    assert owner.to == ["bill@initech.test"]
    assert owner.subject == "You already have a slotlink account"
    assert "/password/reset" in owner.body
    assert "/signup/finish/" not in owner.body
    assert newcomer.subject == "Finish starting Initech on slotlink"
    assert User.objects.count() == 1
    assert Organization.objects.count() == 0


def test_every_sign_up_try_counts_probes_included(settings):
    """Issue 19 (5): tries with an email that has an account were not counted, so anyone
    could probe emails without end. Every try counts against the address's few a day."""
    settings.ALLOW_SIGNUP = True
    for n in range(3):
        make_user(email=f"known{n}@example.test")
        probe = Client(REMOTE_ADDR="203.0.113.9").post(
            "/signup", details(email=f"known{n}@example.test", slug=f"probe{n}")
        )
        assert probe.status_code == 302
    refused = Client(REMOTE_ADDR="203.0.113.9").post(
        "/signup", details(email="another@example.test", slug="probe9")
    )
    assert refused.status_code == 429
