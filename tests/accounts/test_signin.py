from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from slotlink.accounts.models import SignInFailure
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_signing_in_with_email_and_password_opens_the_app(member_membership):
    """A member signs in with email and password and lands in the app shell."""
    client = Client()
    response = client.post(
        "/signin", {"username": member_membership.user.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == member_membership.user
    assert response.redirect_chain[-1][0] == "/360/events"
    assert b"Event Types" in response.content
    assert b"Acme" in response.content


def test_email_is_matched_without_regard_to_case(member_membership):
    """Sign-in accepts the email in any letter case."""
    client = Client()
    response = client.post(
        "/signin", {"username": member_membership.user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(member_membership.user.pk)


def test_a_wrong_password_is_refused_with_a_clear_message(member_membership):
    """A wrong password shows an error that says what to check, and signs nobody in."""
    client = Client()
    response = client.post(
        "/signin", {"username": member_membership.user.email, "password": "not it"}
    )
    assert response.status_code == 200
    assert b"That email and password don&#x27;t match an account" in response.content
    assert "_auth_user_id" not in client.session


def test_a_malformed_email_is_refused_without_signing_in(db):
    """Sign-in with something that is not an email gets a field error."""
    client = Client()
    response = client.post("/signin", {"username": "not an email", "password": "x"})
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(member_client):
    """Signing out (a POST) ends the session; the app then asks to sign in again."""
    response = member_client.post("/signout")
    assert response.status_code == 302
    assert response["Location"] == "/signin"
    again = member_client.get("/360/events")
    assert again.status_code == 302
    assert again["Location"] == "/signin?next=/360/events"


def test_signing_out_needs_a_post(member_client):
    """A plain link cannot sign someone out (no GET sign-out)."""
    assert member_client.get("/signout").status_code == 405
    assert member_client.get("/360/events").status_code == 200


def test_app_pages_send_visitors_to_sign_in(db):
    """Pages under /360/ redirect visitors to sign-in and back afterwards."""
    for path in ["/360/", "/360/events", "/360/integrations", "/360/members"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/signin?next={path}"


def test_an_inactive_user_cannot_sign_in(member_membership):
    """A deactivated account cannot sign in."""
    user = member_membership.user
    user.is_active = False
    user.save()
    client = Client()
    client.post("/signin", {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_visiting_sign_in_goes_to_the_app(member_client):
    """Opening the sign-in page while signed in goes straight to the app."""
    response = member_client.get("/signin")
    assert response.status_code == 302


def test_a_user_without_an_organization_is_told_why(db):
    """Someone signed in without any organization gets a 403 that says what to do."""
    client = Client()
    client.force_login(make_user())
    response = client.get("/360/events")
    assert response.status_code == 403
    assert b"not a member of any organization" in response.content


def test_repeated_wrong_passwords_make_the_account_wait(member_membership):
    """After five wrong passwords for one email, even the right one is refused for a while,
    with words that say what to do; other people can still sign in."""
    email = member_membership.user.email
    client = Client()
    for _ in range(5):
        client.post("/signin", {"username": email.upper(), "password": "guess"})
    response = client.post("/signin", {"username": email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many wrong passwords for this email. Wait 15 minutes" in response.content
    assert "_auth_user_id" not in client.session

    other = make_user()
    assert (
        Client().post("/signin", {"username": other.email, "password": PASSWORD}).status_code == 302
    )


def test_wrong_passwords_are_forgotten_after_the_window_or_a_success(member_membership):
    """Old failures stop counting after the window, and a successful sign-in clears them."""
    email = member_membership.user.email
    for _ in range(4):
        Client().post("/signin", {"username": email, "password": "guess"})
    assert Client().post("/signin", {"username": email, "password": PASSWORD}).status_code == 302
    assert not SignInFailure.objects.filter(email=email).exists()

    for _ in range(5):
        Client().post("/signin", {"username": email, "password": "guess"})
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert Client().post("/signin", {"username": email, "password": PASSWORD}).status_code == 302
