import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def test_members_page_is_for_admins(admin_client, member_membership):
    """Admins see their organization's members and roles."""
    response = admin_client.get("/360/members")
    assert response.status_code == 200
    assert "<title>Members · slotlink</title>" in response.content.decode()
    assert b"Max Member" in response.content
    assert b"Ada Admin" in response.content


def test_a_member_gets_a_clear_403_on_an_admin_page(member_client, member_membership):
    """A member opening an admin-only page gets 403 with words they can act on."""
    response = member_client.get("/360/members")
    assert response.status_code == 403
    assert b"Only organization admins can open this page." in response.content
    detail = member_client.get(f"/360/members/{member_membership.id}")
    assert detail.status_code == 403


def test_members_nav_link_is_only_shown_to_admins(admin_client, member_client):
    """Admin-only sections are not offered to members in the navigation."""
    assert b'href="/360/members"' in admin_client.get("/360/events").content
    assert b'href="/360/members"' not in member_client.get("/360/events").content


def test_another_organizations_pages_are_not_found(admin_client):
    """An admin of org A gets 404 for org B's member pages, as if they did not exist."""
    other = make_member(make_organization("Globex"), role=Membership.Role.MEMBER)
    response = admin_client.get(f"/360/members/{other.id}")
    assert response.status_code == 404
    post = admin_client.post(f"/360/members/{other.id}", {"role": "admin"})
    assert post.status_code == 404
    other.refresh_from_db()
    assert other.role == Membership.Role.MEMBER


def test_an_admin_changes_a_members_role(admin_client, member_membership):
    """An admin makes a member an admin; the change is confirmed."""
    response = admin_client.post(
        f"/360/members/{member_membership.id}", {"role": "admin"}, follow=True
    )
    assert b"<bdi>Max Member</bdi> is now admin." in response.content
    member_membership.refresh_from_db()
    assert member_membership.is_admin


def test_the_last_admin_cannot_be_demoted(admin_client, admin_membership):
    """An organization always keeps an admin: demoting the only one is refused."""
    response = admin_client.post(f"/360/members/{admin_membership.id}", {"role": "member"})
    assert response.status_code == 200
    assert b"An organization needs at least one admin." in response.content
    admin_membership.refresh_from_db()
    assert admin_membership.is_admin


def test_an_unknown_role_is_refused(admin_client, member_membership):
    """A tampered role value gets a form error and changes nothing."""
    response = admin_client.post(f"/360/members/{member_membership.id}", {"role": "owner"})
    assert response.status_code == 200
    assert b"Select a valid choice." in response.content
    member_membership.refresh_from_db()
    assert member_membership.role == Membership.Role.MEMBER


def test_a_person_in_two_organizations_switches_between_them(admin_membership):
    """Someone in two organizations switches; pages then show the other organization."""
    globex = make_organization("Globex")
    Membership.objects.create(
        user=admin_membership.user, organization=globex, role=Membership.Role.MEMBER
    )
    client = Client()
    client.force_login(admin_membership.user)
    assert client.get("/360/members").status_code == 200  # admin in Acme, the first
    response = client.post("/360/organization/switch", {"organization": globex.id}, follow=True)
    assert b"You are now in <bdi>Globex</bdi>." in response.content
    assert client.get("/360/members").status_code == 403  # only a member in Globex


def test_switching_to_an_organization_one_is_not_in_is_not_found(admin_client):
    """Switching to someone else's organization answers 404 and changes nothing."""
    globex = make_organization("Globex")
    response = admin_client.post("/360/organization/switch", {"organization": globex.id})
    assert response.status_code == 404
    assert admin_client.get("/360/members").status_code == 200
    bad = admin_client.post("/360/organization/switch", {"organization": "nonsense"})
    assert bad.status_code == 404


def test_the_django_admin_is_for_staff_only(admin_client, db):
    """Organization admins are not Django staff; staff get the Django admin."""
    assert admin_client.get("/django-admin/").status_code == 302
    from tests.factories import make_user

    staff = make_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/user/add/").status_code == 200


def test_the_current_section_is_marked_in_the_navigation(admin_client):
    """The navigation marks the section the page belongs to, for people and screen readers."""
    page = admin_client.get("/360/members").content.decode()
    assert '<a href="/360/members" aria-current="page">Members</a>' in page
    assert '<a href="/360/integrations">Integrations</a>' in page
