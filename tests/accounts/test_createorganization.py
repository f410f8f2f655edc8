"""`slotlink createorganization`: the first organization of a production install."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from slotlink.accounts.models import Membership, Organization, User
from slotlink.accounts.services import organization_create
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def create(**options: str) -> str:
    out = io.StringIO()
    call_command("createorganization", stdout=out, **options)
    return out.getvalue()


def test_it_creates_the_organization_and_its_admin_from_the_environment(monkeypatch):
    """With the password in SLOTLINK_ADMIN_PASSWORD, the organization and its admin are made;
    the admin is an organization admin, not Django staff, and can sign in."""
    monkeypatch.setenv("SLOTLINK_ADMIN_PASSWORD", PASSWORD)
    out = create(name="Initech", email="Bill@Initech.test", full_name="Bill Lumbergh")
    organization = Organization.objects.get()
    assert (organization.name, organization.slug) == ("Initech", "initech")
    admin = User.objects.get()
    assert admin.email == "bill@initech.test"
    assert admin.check_password(PASSWORD)
    assert not admin.is_staff
    assert not admin.is_superuser
    assert Membership.objects.get().role == Membership.Role.ADMIN
    assert "Created Initech (/book/initech) with admin bill@initech.test" in out


def test_it_asks_for_the_password_twice_without_echo(monkeypatch):
    """In a terminal, the password is asked for twice through getpass."""
    monkeypatch.delenv("SLOTLINK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    create(name="Initech", slug="initech-hq", email="bill@initech.test", full_name="Bill")
    assert Organization.objects.get().slug == "initech-hq"
    assert User.objects.get().check_password(PASSWORD)


def test_two_different_passwords_create_nothing(monkeypatch):
    """Typing the password differently twice stops with a clear error; nothing is made."""
    monkeypatch.delenv("SLOTLINK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        create(name="Initech", email="bill@initech.test", full_name="Bill")
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_without_a_terminal_or_the_variable_it_says_what_to_set(monkeypatch):
    """Unattended without SLOTLINK_ADMIN_PASSWORD, it says to set it; nothing is made."""
    monkeypatch.delenv("SLOTLINK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="set SLOTLINK_ADMIN_PASSWORD"):
        create(name="Initech", email="bill@initech.test", full_name="Bill")
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": "Acme", "slug": "taken"}, "--slug: The address 'taken' is taken"),
        ({"name": "New", "email": "ada@acme.test"}, "--email: ada@acme.test already has"),
        ({"name": "New", "slug": "no spaces"}, "--slug: Use only letters"),
        ({"name": "New", "email": "not-an-email"}, "--email: Enter a valid email address."),
        ({"name": "New", "time_zone": "Mars/Olympus"}, "is not a known time zone"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(monkeypatch, options, message):
    """A taken address or email, a malformed one, or an unknown zone: a clear error, and
    no organization or user is created."""
    monkeypatch.setenv("SLOTLINK_ADMIN_PASSWORD", PASSWORD)
    organization_create(name="Taken", slug="taken")
    make_user(email="ada@acme.test")
    before = (Organization.objects.count(), User.objects.count())
    arguments = {"email": "new@example.test", "full_name": "Nia New", **options}
    with pytest.raises(CommandError, match=message) as raised:
        create(**arguments)
    assert "Nothing was created." in str(raised.value)
    assert (Organization.objects.count(), User.objects.count()) == before


def test_a_weak_password_is_refused(monkeypatch):
    """The password validators apply: a short common password creates nothing."""
    monkeypatch.setenv("SLOTLINK_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError, match="password: This password is too common"):
        create(name="Initech", email="bill@initech.test", full_name="Bill")
    assert not Organization.objects.exists()
