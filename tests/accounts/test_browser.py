"""A team starts slotlink in a real browser: the first-run page makes the organization,
the admin invites a member, the member accepts from the email in a second browser and
signs in, and the admin removes them again: their event type is no longer bookable."""

import re

import pytest

from slotlink.accounts.models import User
from slotlink.accounts.setup import setup_token_issue
from tests.factories import PASSWORD
from tests.fixtures.browser import off_the_browser_thread
from tests.scheduling.builders import make_event_type

pytestmark = pytest.mark.django_db(transaction=True)

MEMBER_PASSWORD = "nia's own passphrase 31"


@pytest.fixture
def fresh_install(settings, live_server):
    """A live slotlink without any organization, its emails in the demo outbox."""
    settings.BASE_URL = live_server.url
    settings.DEMO = True
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_first_run_invite_accept_sign_in_and_remove(fresh_install, live_server, page):
    base = live_server.url
    token = off_the_browser_thread(setup_token_issue)

    # First run: the link the web server printed.
    page.goto(f"{base}/setup?token={token}")
    page.get_by_label("Organization name").fill("Initech")
    page.get_by_label("Address").fill("initech")
    page.get_by_label("Your name").fill("Bill Lumbergh")
    page.get_by_label("Your email").fill("bill@initech.test")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create organization").click()
    page.get_by_text("Initech is ready.").wait_for()
    assert page.goto(f"{base}/setup").status == 404  # only while there is no organization

    # The admin invites a member.
    page.goto(f"{base}/360/members")
    page.get_by_role("link", name="Invite people").first.click()
    page.get_by_label("Email").fill("nia@initech.test")
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to nia@initech.test.").wait_for()
    assert "nia@initech.test" in page.locator("#invitations").inner_text()

    # The invitation email, in the outbox.
    page.get_by_role("link", name="Outbox").click()
    page.get_by_role("link", name="Join Initech on slotlink").click()
    link = page.locator("pre.outbox-text a").first.get_attribute("href")
    assert link is not None
    assert re.match(rf"{re.escape(base)}/invitation/\S+$", link)

    # The member accepts in a browser of their own, then signs in.
    member_context = page.context.browser.new_context(locale="en-US")
    member_context.set_default_timeout(15_000)
    member = member_context.new_page()
    member.goto(link)
    member.get_by_label("Your name").fill("Nia New")
    member.get_by_label("Time zone").select_option("Asia/Tokyo")
    member.get_by_label("Password", exact=True).fill(MEMBER_PASSWORD)
    member.get_by_label("Password (again)").fill(MEMBER_PASSWORD)
    member.get_by_role("button", name="Create my account and join").click()
    member.get_by_text("Welcome to Initech!").wait_for()
    member.get_by_role("button", name="Sign out").click()
    sign_in(member, base, "nia@initech.test", MEMBER_PASSWORD)
    member.get_by_role("link", name="Event Types").wait_for()
    assert "Nia New" in member.locator(".who").inner_text()

    def nias_event_type() -> str:
        nia = User.objects.get(email="nia@initech.test")
        organization = nia.memberships.get().organization
        return make_event_type(organization, nia, title="Nia's intro", slug="nia").slug

    slug = off_the_browser_thread(nias_event_type)
    assert member.goto(f"{base}/book/initech/{slug}").status == 200

    # The admin removes the member.
    page.goto(f"{base}/360/members")
    row = page.locator("tr", has_text="nia@initech.test")
    row.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Remove Nia New…").click()
    assert "Nia's intro" in page.locator("main").inner_text()
    page.get_by_role("button", name="Remove Nia New").click()
    page.get_by_text("Nia New is no longer a member of Initech.").wait_for()
    assert "nia@initech.test" not in page.locator("main table").first.inner_text()

    # Their event type is no longer bookable, and Initech is closed to them.
    assert member.goto(f"{base}/book/initech/{slug}").status == 404
    assert member.goto(f"{base}/360/events").status == 403
    member_context.close()
