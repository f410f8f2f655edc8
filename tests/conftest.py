"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.test import Client

from slotlink.accounts.models import Membership
from tests.factories import make_member, make_organization

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.caldav_servers",
    "tests.fixtures.mail_text",  # before mail_server, which imports it
    "tests.fixtures.mail_server",
    "tests.fixtures.task_queue",
    "zoom_sandbox.pytest_plugin",
]

# The SQLite test database is a file here, so real worker processes can open it too.
settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def organization(db):
    return make_organization("Acme")


@pytest.fixture
def admin_membership(organization) -> Membership:
    return make_member(organization, role=Membership.Role.ADMIN, full_name="Ada Admin")


@pytest.fixture
def member_membership(organization) -> Membership:
    return make_member(organization, role=Membership.Role.MEMBER, full_name="Max Member")


@pytest.fixture
def admin_client(admin_membership) -> Client:
    client = Client()
    client.force_login(admin_membership.user)
    return client


@pytest.fixture
def member_client(member_membership) -> Client:
    client = Client()
    client.force_login(member_membership.user)
    return client
