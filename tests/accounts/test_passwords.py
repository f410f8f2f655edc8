"""Forgotten passwords, changing one's password, and the profile."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.accounts.services import user_update_profile
from slotlink.accounts.tasks import NOTICE_ATTEMPTS, send_email_changed_notice
from slotlink.core.mail import ORGANIZATION_HEADER
from slotlink.notifications.models import OutboxEmail
from tests.factories import PASSWORD, make_user
from tests.fixtures.task_queue import queued_tasks
from tests.notifications.smtp_server import closed_port
from tests.scheduling.builders import run_queued_tasks

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def ask_reset(email: str, address: str = "203.0.113.7", client: Client | None = None):
    """Ask for a reset, then let the worker send what the request queued."""
    response = (client or Client(REMOTE_ADDR=address)).post("/password/reset", {"email": email})
    run_queued_tasks()
    return response


def reset_link() -> str:
    match = re.search(r"https?://\S+/password/reset/\S+/\S+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return urlsplit(match.group(0)).path


def set_password(path: str, password: str = NEW_PASSWORD) -> Client:
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    client.post(set_path, {"new_password1": password, "new_password2": password})
    return client


def test_a_reset_link_sets_a_new_password_once(member_membership):
    """The emailed link sets a new password; the same link then no longer works."""
    user = member_membership.user
    response = ask_reset(user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent"
    (message,) = mail.outbox
    assert message.to == [user.email]
    path = reset_link()
    set_password(path)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    replay = Client().get(path, follow=True)
    assert "This link doesn" in replay.content.decode()
    set_password(path, "yet another passphrase 7")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_unknown_email_gets_the_same_answer_and_no_email(db):
    """Whether an email has an account is never revealed: same page, nothing sent."""
    make_user(email="known@example.test")
    known, unknown = ask_reset("known@example.test"), ask_reset("nobody@example.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["known@example.test"]]
    page = Client().get("/password/reset/sent").content.decode()
    assert "If an account exists for the email you entered" in page


def test_a_forged_link_shows_a_clear_page_and_changes_nothing(member_membership):
    """A made-up or tampered link says so and the password stays."""
    response = Client().get("/password/reset/MQ/made-up-token", follow=True)
    assert "This link doesn" in response.content.decode()
    member_membership.user.refresh_from_db()
    assert member_membership.user.check_password(PASSWORD)


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(member_membership, settings):
    """A link older than PASSWORD_RESET_TIMEOUT says it doesn't work; the password stays."""
    user = member_membership.user
    ask_reset(user.email)
    path = reset_link()
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is now past its time
    response = Client().get(path, follow=True)
    assert "This link doesn" in response.content.decode()
    set_password(path)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_requests_are_throttled_per_email_and_address(member_membership):
    """A fourth request for one email from one address within the hour is refused in
    words, the same for an email without an account; another address may still ask. One
    mailbox gets one reset email in five minutes however many ask (its link still works)."""
    email = member_membership.user.email
    for _ in range(3):
        assert ask_reset(email).status_code == 302
    refused = ask_reset(email)
    assert refused.status_code == 200
    assert "Too many password reset requests" in refused.content.decode()
    for _ in range(3):
        ask_reset("nobody@example.test")
    assert "Too many password reset requests" in ask_reset("nobody@example.test").content.decode()
    assert len(mail.outbox) == 1
    assert ask_reset(email, address="198.51.100.2").status_code == 302
    assert len(mail.outbox) == 1
    User.objects.filter(pk=member_membership.user.pk).update(
        password_reset_sent_at=timezone.now() - timedelta(minutes=6)
    )
    assert ask_reset(email, address="198.51.100.3").status_code == 302
    assert len(mail.outbox) == 2


def test_both_answers_do_the_same_work_in_the_request(member_membership):
    """Issue 19 (5): the reset email was sent in the request, so an address with an account
    was answered in 59 ms and one without in 10 ms. The request now only counts the try and
    queues the same task for either, with the same queries; the worker looks the account up
    and sends."""
    answers = {}
    for email in (member_membership.user.email, "nobody@example.test"):
        with CaptureQueriesContext(connection) as queries:
            response = Client(REMOTE_ADDR="203.0.113.7").post("/password/reset", {"email": email})
        answers[email] = (
            response.status_code,
            response["Location"],
            [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries],
        )
        assert not mail.outbox  # nothing was sent in the request
        assert [(t.name, t.args) for t in queued_tasks()][-1] == ("send_password_reset", (email,))
    known, unknown = answers.values()
    assert known == unknown
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[member_membership.user.email]]


def test_strangers_cannot_use_up_the_owners_resets(member_membership):
    """Issue 19 (5): strangers asking for the owner's email from many addresses used up its
    quota (10 an hour across addresses), locking the owner out of reset. Requests count per
    address, so the owner still asks from their own place, and from their own browser
    (signed in there before) even when the stranger shares their address."""
    email = member_membership.user.email
    for n in range(30):
        ask_reset(email, address=f"203.0.113.{n}")
    assert ask_reset(email, address="198.51.100.9").status_code == 302
    browser = Client(REMOTE_ADDR="203.0.113.0")
    browser.post("/signin", {"username": email, "password": PASSWORD})
    browser.post("/signout")
    answer = ask_reset(email, client=browser)
    assert (answer.status_code, answer["Location"]) == (302, "/password/reset/sent")


def test_requests_are_throttled_per_client_address(db):
    """One address asking for many emails runs into a cap."""
    for n in range(10):
        assert ask_reset(f"person{n}@example.test").status_code == 302
    assert "Too many password reset requests" in ask_reset("x@example.test").content.decode()


def test_the_reset_email_is_in_the_demo_outbox_of_the_persons_organization(
    settings, member_membership, organization
):
    """In demo mode the reset email lands in the outbox of the person's organization."""
    settings.DEMO = True
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"
    ask_reset(member_membership.user.email)
    email = OutboxEmail.objects.get()
    assert email.organization == organization
    assert email.subject == "Set a new slotlink password"
    assert "/password/reset/" in email.text


def test_signed_in_people_change_their_password(member_client, member_membership):
    """Change password needs the old one; then the new one works."""
    wrong = member_client.post(
        "/360/profile/password",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    member_client.post(
        "/360/profile/password",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    member_membership.user.refresh_from_db()
    assert member_membership.user.check_password(NEW_PASSWORD)


def test_the_profile_changes_name_time_zone_and_email(member_client, member_membership):
    """Name and zone change freely; a new email needs the password and is lower-cased, and
    the old address is told (in case someone else changed it), tagged with the
    organization the change was made in."""
    user = member_membership.user
    old_email = user.email
    response = member_client.post(
        "/360/profile",
        {
            "full_name": "Max Renamed",
            "email": "Max.New@Example.test",
            "time_zone": "Asia/Tokyo",
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.email, user.time_zone) == (
        "Max Renamed",
        "max.new@example.test",
        "Asia/Tokyo",
    )
    assert run_queued_tasks() == 1
    (notice,) = mail.outbox
    assert notice.to == [old_email]
    assert notice.subject == "Your slotlink sign-in email was changed"
    assert f"from {old_email} to max.new@example.test" in notice.body
    assert "tell an admin of your organization" in notice.body
    assert notice.extra_headers[ORGANIZATION_HEADER] == str(member_membership.organization_id)


def test_the_profile_keeps_a_time_format_that_the_persons_emails_follow(member_membership):
    """A host picks 12-hour or 24-hour on their profile, whatever their browser says; with
    Automatic, their emails follow the language of the browser they last signed in from."""
    user = member_membership.user
    browser = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert (
        browser.post("/signin", {"username": user.email, "password": PASSWORD}).status_code == 302
    )
    user.refresh_from_db()
    assert (user.time_format, user.locale_clock, user.clock) == ("", "24", "24")
    assert 'name="time_format"' in browser.get("/360/profile").content.decode()
    profile = {"full_name": user.full_name, "email": "max.12@example.test", "time_zone": "UTC"}
    response = browser.post(
        "/360/profile", {**profile, "time_format": "12", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.time_format, user.clock) == ("12", "12")
    run_queued_tasks()
    (notice,) = mail.outbox
    assert re.search(r"\d:\d\d [AP]M \(UTC\)", notice.body), notice.body
    Client(HTTP_ACCEPT_LANGUAGE="en-US").post(
        "/signin", {"username": user.email, "password": PASSWORD}
    )
    user.refresh_from_db()
    assert (user.time_format, user.locale_clock, user.clock) == ("12", "12", "12")


def test_a_profile_saved_with_the_same_email_tells_nobody(member_client, member_membership):
    """Only a new address is news: the same email, in another letter case, sends nothing."""
    user = member_membership.user
    response = member_client.post(
        "/360/profile",
        {"full_name": "Max Renamed", "email": user.email.upper(), "time_zone": "UTC"},
    )
    assert response.status_code == 302
    assert queued_tasks() == []


def test_an_email_changed_notice_the_mail_server_refuses_is_retried(member_membership, settings):
    """The mail server is down when the notice goes: it comes back 30 s later, and the
    last attempt fails visibly."""
    user = member_membership.user
    user_update_profile(
        user=user, full_name=user.full_name, email="moved@example.test", time_zone="UTC"
    )
    (queued,) = queued_tasks()
    with closed_port() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        before = timezone.now()
        send_email_changed_notice.call(*queued.args)
        (retry,) = [task for task in queued_tasks() if task.args[-1:] == (2,)]
        assert retry.run_after is not None
        assert retry.run_after - before >= timedelta(seconds=30)
        with pytest.raises(ConnectionRefusedError):
            send_email_changed_notice.call(*retry.args[:-1], NOTICE_ATTEMPTS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "TAKEN@example.test"}, "taken@example.test is already used by another account"),
        ({"email": "new@example.test", "current_password": "wrong"}, "Enter your current password"),
        ({"email": "not an email"}, "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"time_format": "13"}, "Select a valid choice."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_bad_profile_changes_are_refused_and_change_nothing(
    member_client, member_membership, changes, message
):
    """A taken email (in any case), a missing password, a malformed email or zone: the
    field says what is wrong and nothing is saved."""
    make_user(email="taken@example.test")
    user = member_membership.user
    before = (user.full_name, user.email, user.time_zone)
    data = {
        "full_name": "Changed",
        "email": user.email,
        "time_zone": "UTC",
        "current_password": PASSWORD,
        **changes,
    }
    response = member_client.post("/360/profile", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.email, user.time_zone) == before
    assert User.objects.filter(email="taken@example.test").count() == 1
