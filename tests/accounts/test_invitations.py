"""Invitations: admins invite by email with a role, resend and withdraw; the link makes the
person a member once, and a link that can't be used changes nothing."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from slotlink.accounts.models import Invitation, Membership, User
from slotlink.notifications.models import OutboxEmail
from tests.factories import PASSWORD, make_member, make_organization, make_user
from tests.notifications.smtp_server import closed_port
from tests.page_words import words_of

pytestmark = pytest.mark.django_db


def invite(client: Client, email: str = "nia@example.test", role: str = "member"):
    return client.post("/360/members/invite", {"email": email, "role": role})


def link_in(message) -> str:
    match = re.search(r"https?://\S+/invitation/\S+", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def newcomer(**changes: str) -> dict[str, str]:
    return {
        "full_name": "Nia New",
        "time_zone": "Asia/Tokyo",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


def test_an_admin_invites_by_email_and_only_the_hash_is_kept(admin_client, organization):
    """The invitation goes out by email with a link; the database holds only its hash."""
    response = invite(admin_client, "Nia@Example.test", "admin")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("nia@example.test", "admin")
    (message,) = mail.outbox
    assert message.to == ["nia@example.test"]
    assert message.subject == "Join Acme on slotlink"
    token = link_in(message).rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    page = admin_client.get("/360/members").content.decode()
    assert "nia@example.test" in page
    assert "Pending invitations" in page


def test_the_invitation_lands_in_the_demo_outbox_of_its_organization(
    settings, admin_client, organization
):
    """In demo mode the email is in the organization's outbox, link and all."""
    settings.DEMO = True
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"
    invite(admin_client)
    email = OutboxEmail.objects.get()
    assert email.organization == organization
    assert "/invitation/" in email.text
    assert "Join Acme on slotlink" in admin_client.get("/360/outbox").content.decode()


def test_members_cannot_invite(member_client):
    """Inviting is for admins: a member gets the explaining 403 and nothing is sent."""
    response = invite(member_client)
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("max@acme.test", "max@acme.test is already a member of Acme."),
    ],
)
def test_bad_invitations_are_refused_in_words(admin_client, organization, email, message):
    """A malformed email or someone already a member: a clear error, nothing sent."""
    make_member(organization, email="max@acme.test")
    response = invite(admin_client, email)
    assert response.status_code == 200
    assert message in words_of(response.content.decode())
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_refusal_isolates_the_organizations_name_and_the_email(admin_client, organization):
    """Someone already a member of an organization with a Hebrew name: the error holds the
    name and the email each in a <bdi>, so the sentence reads in order."""
    organization.name = "חברת אקמה"
    organization.save()
    make_member(organization, email="max@acme.test")
    page = invite(admin_client, "max@acme.test").content.decode()
    assert "<bdi>max@acme.test</bdi> is already a member of <bdi>חברת אקמה</bdi>." in page
    assert not Invitation.objects.exists()


def test_a_pending_invitation_is_not_sent_twice(admin_client):
    """Inviting someone with a pending invitation says to resend it instead."""
    invite(admin_client)
    response = invite(admin_client)
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_new_person_accepts_with_name_password_and_time_zone(admin_client, organization):
    """The link asks a new person for name, time zone and password; then they are a member
    with the invited role, signed in, and the link is used up."""
    invite(admin_client, role="member")
    path = link_in(mail.outbox[0])
    visitor = Client()
    assert "Create my account and join" in visitor.get(path).content.decode()
    response = visitor.post(path, newcomer())
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.test")
    assert (user.full_name, user.time_zone) == ("Nia New", "Asia/Tokyo")
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert Membership.objects.get(user=user).role == "member"
    assert visitor.session["_auth_user_id"] == str(user.pk)
    assert Invitation.objects.get().accepted_at is not None


def test_bad_account_details_are_refused_and_the_link_keeps_working(admin_client):
    """Different or weak passwords are refused on the page; the link still works after."""
    invite(admin_client)
    path = link_in(mail.outbox[0])
    visitor = Client()
    for bad in [
        newcomer(password2="another one entirely"),
        newcomer(password1="123", password2="123"),
    ]:
        response = visitor.post(path, bad)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert not User.objects.filter(email="nia@example.test").exists()
    assert visitor.post(path, newcomer()).status_code == 302


def test_a_replayed_link_changes_nothing(admin_client):
    """A used link shows that it was accepted already, and makes no second account."""
    invite(admin_client)
    path = link_in(mail.outbox[0])
    Client().post(path, newcomer())
    response = Client().post(path, newcomer(full_name="Someone Else"))
    assert response.status_code == 410
    assert "already accepted" in response.content.decode()
    assert User.objects.get(email="nia@example.test").full_name == "Nia New"


def test_an_expired_link_changes_nothing(admin_client):
    """After its expiry the link says to ask for a resend; no account is made."""
    invite(admin_client)
    path = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().post(path, newcomer())
    assert response.status_code == 410
    assert "This invitation has expired. Ask an admin of Acme to resend it" in (
        response.content.decode()
    )
    assert not User.objects.filter(email="nia@example.test").exists()


def test_a_revoked_link_changes_nothing(admin_client):
    """A withdrawn invitation's link says so; no account is made."""
    invite(admin_client)
    path = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert admin_client.post(f"/360/invitations/{invitation.id}/revoke").status_code == 302
    response = Client().post(path, newcomer())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email="nia@example.test").exists()
    admin_client.get("/360/members")  # shows the messages
    pending = admin_client.get("/360/members").content.decode().split('id="invitations"')[1]
    assert "nia@example.test" not in pending


def test_an_unknown_link_says_it_does_not_work():
    """A made-up link is a clear 404 page."""
    response = Client().get("/invitation/made-up")
    assert response.status_code == 404
    assert "This invitation link doesn" in response.content.decode()


def test_resend_sends_a_new_link_and_the_old_one_dies(admin_client):
    """Resend emails a new link; the first one no longer works."""
    invite(admin_client)
    old = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert admin_client.post(f"/360/invitations/{invitation.id}/resend").status_code == 302
    new = link_in(mail.outbox[1])
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().post(new, newcomer()).status_code == 302


def test_another_organizations_invitations_are_not_found(admin_client):
    """Resend and revoke of another organization's invitation answer 404 and change nothing."""
    globex_admin = make_member(make_organization("Globex"), role=Membership.Role.ADMIN)
    other = Client()
    other.force_login(globex_admin.user)
    invite(other)
    invitation = Invitation.objects.get()
    assert admin_client.post(f"/360/invitations/{invitation.id}/resend").status_code == 404
    assert admin_client.post(f"/360/invitations/{invitation.id}/revoke").status_code == 404
    assert Invitation.objects.get().revoked_at is None
    assert len(mail.outbox) == 1


def test_someone_with_an_account_joins_with_one_click_after_signing_in(admin_client, organization):
    """A person already in another organization signs in, then joins with one click."""
    globex = make_organization("Globex")
    existing = make_member(globex, email="nia@example.test", full_name="Nia Known").user
    invite(admin_client, role="admin")
    path = link_in(mail.outbox[0])
    visitor = Client()
    page = visitor.get(path).content.decode()
    assert "already has a slotlink account" in page
    assert f"/signin?next={path}" in page
    assert visitor.post(path, newcomer()).status_code == 200  # no second account
    assert User.objects.filter(email="nia@example.test").count() == 1
    visitor.force_login(existing)
    assert "Join Acme" in visitor.get(path).content.decode()
    assert visitor.post(path).status_code == 302
    assert Membership.objects.get(user=existing, organization=organization).role == "admin"
    assert Membership.objects.filter(user=existing, organization=globex).exists()


def test_a_link_opened_by_someone_else_changes_nothing(admin_client, organization):
    """Signed in as another person, the link says whom it is for and makes no membership;
    the invited person can still use it."""
    invite(admin_client)
    path = link_in(mail.outbox[0])
    stranger = Client()
    stranger.force_login(make_user(email="eve@example.test"))
    for response in (stranger.get(path), stranger.post(path)):
        assert response.status_code == 200  # not logged with the path: the link still works
        assert "signed in as eve@example.test" in response.content.decode()
    assert Membership.objects.filter(organization=organization).count() == 1
    assert Invitation.objects.get().accepted_at is None
    assert Client().post(path, newcomer()).status_code == 302


def test_a_mail_server_that_refuses_leaves_the_invitation_to_resend(settings, admin_client):
    """When the email can't go, the admin is told so in words; the invitation is kept and
    Resend sends it once the mail server is back."""
    with closed_port() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
        response = invite(admin_client)
    assert response.status_code == 302
    page = admin_client.get("/360/members").content.decode()
    assert "the email to nia@example.test didn" in page
    assert "Use Resend to try again." in page
    invitation = Invitation.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin_client.post(f"/360/invitations/{invitation.id}/resend")
    assert Client().post(link_in(mail.outbox[0]), newcomer()).status_code == 302
