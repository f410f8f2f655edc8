import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.notifications.models import OutboxEmail
from slotlink.notifications.services import booking_emails_send
from tests.csp import policy_of
from tests.factories import make_member, make_organization
from tests.notifications.factories import booking_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO = True
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"


def send_booking_emails(organization, **changes) -> list[OutboxEmail]:
    """A booking's two emails as the outbox keeps them: (to the invitee, to the host)."""
    booking_emails_send(message=booking_message(organization_id=organization.id, **changes))
    return list(OutboxEmail.objects.filter(organization=organization).order_by("-id")[:2])[::-1]


def test_admins_see_their_organizations_emails_newest_first(demo, admin_client, organization):
    """The outbox lists the organization's emails, newest first, with their attachments."""
    send_booking_emails(organization, title="First call")
    send_booking_emails(organization, title="Second call")
    response = admin_client.get("/360/outbox")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Second call") < page.index("First call")
    assert page.count("bob@example.test") == 2
    assert page.count("ada@acme.test") == 2


def test_other_organizations_emails_are_not_listed(demo, admin_client, organization):
    """An admin never sees another organization's mail, nor mail that names none."""
    send_booking_emails(make_organization("Globex"), title="Globex secret")
    booking_emails_send(message=booking_message(title="Nobody's"))
    page = admin_client.get("/360/outbox").content.decode()
    assert "Globex secret" not in page
    assert "Nobody" not in page
    assert "No emails yet." in page


def test_an_email_shows_its_text_html_and_invite(demo, admin_client, organization):
    """An email's page shows its text, its HTML (sandboxed) and the invite as text with a
    download link."""
    to_invitee, _ = send_booking_emails(organization)
    response = admin_client.get(f"/360/outbox/{to_invitee.id}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirmed: Intro call with Ada Admin" in page
    assert "Bob Invitee &lt;bob@example.test&gt;" in page
    assert "Join the Zoom meeting:" in page  # the text part
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="' in page
    assert "&lt;!doctype html&gt;" in page  # the HTML part, escaped into srcdoc
    assert "BEGIN:VCALENDAR" in page
    assert "METHOD:REQUEST" in page
    [invite] = to_invitee.attachments.all()
    assert f'href="/360/outbox/{to_invitee.id}/attachments/{invite.id}"' in page
    assert '<a href="https://slotlink.example.com/r/reschedule-token"' in page  # clickable


def test_the_outbox_reads_in_the_viewers_zone_on_their_clock(
    demo, admin_client, admin_membership, organization
):
    """An admin in New York on a 12-hour clock reads when each email went out there, in
    the list and on the email's page, with the zone named: 01:30:15 UTC on 8 Dec is
    8:30:15 PM on 7 Dec."""
    admin_membership.user.time_zone = "America/New_York"
    admin_membership.user.time_format = "12"
    admin_membership.user.save()
    to_invitee, _ = send_booking_emails(organization)
    OutboxEmail.objects.filter(organization=organization).update(
        created_at=datetime(2026, 12, 8, 1, 30, 15, tzinfo=UTC)
    )
    listed = admin_client.get("/360/outbox").content.decode()
    assert "Sent (America/New_York)" in listed
    assert listed.count("7 Dec 2026, 8:30:15 PM") == 2
    shown = admin_client.get(f"/360/outbox/{to_invitee.id}").content.decode()
    assert "7 Dec 2026, 8:30:15 PM (America/New_York)" in shown
    for page in (listed, shown):
        assert "1:30:15" not in page
        assert "UTC" not in page


def test_an_emails_frame_may_show_its_inline_styles_and_nothing_more(
    demo, admin_client, organization
):
    """The email's HTML shows in a frame that takes the page's Content-Security-Policy;
    emails are styled inline (as mail clients need), so that page allows style attributes,
    and still runs only slotlink's script files."""
    to_invitee, _ = send_booking_emails(organization)
    email_page = policy_of(admin_client.get(f"/360/outbox/{to_invitee.id}"))
    assert "'unsafe-inline'" in email_page["style-src-attr"]
    assert email_page["script-src"] == ["'self'"]
    outbox = admin_client.get("/360/outbox")
    assert policy_of(outbox)["style-src"] == ["'self'"]
    assert "unsafe-inline" not in outbox["Content-Security-Policy"]


def test_the_invite_downloads_as_a_file(demo, admin_client, organization):
    """The invite downloads as invite.ics, text/calendar, never rendered in the page."""
    to_invitee, _ = send_booking_emails(organization)
    [invite] = to_invitee.attachments.all()
    response = admin_client.get(f"/360/outbox/{to_invitee.id}/attachments/{invite.id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert response.content == bytes(invite.content)
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_member_gets_403(demo, member_client, organization):
    """The outbox is for admins: a member gets 403 with words they can act on."""
    to_invitee, _ = send_booking_emails(organization)
    [invite] = to_invitee.attachments.all()
    for url in [
        "/360/outbox",
        f"/360/outbox/{to_invitee.id}",
        f"/360/outbox/{to_invitee.id}/attachments/{invite.id}",
    ]:
        response = member_client.get(url)
        assert response.status_code == 403
        assert b"Only organization admins can open this page." in response.content


def test_another_organizations_emails_are_not_found(demo, admin_client, organization):
    """Another organization's email and attachment answer 404, as if they did not exist;
    so does an attachment asked for under a different email."""
    theirs, _ = send_booking_emails(make_organization("Globex"))
    [their_invite] = theirs.attachments.all()
    assert admin_client.get(f"/360/outbox/{theirs.id}").status_code == 404
    url = f"/360/outbox/{theirs.id}/attachments/{their_invite.id}"
    assert admin_client.get(url).status_code == 404
    ours, _ = send_booking_emails(organization)
    url = f"/360/outbox/{ours.id}/attachments/{their_invite.id}"
    assert admin_client.get(url).status_code == 404


def test_a_globex_admin_sees_globex_mail_only(demo, organization):
    """Each organization's admins see their own mail."""
    globex = make_organization("Globex")
    globex_admin = make_member(globex, role=Membership.Role.ADMIN)
    send_booking_emails(globex, title="Globex call")
    send_booking_emails(organization, title="Acme call")
    client = Client()
    client.force_login(globex_admin.user)
    page = client.get("/360/outbox").content.decode()
    assert "Globex call" in page
    assert "Acme call" not in page


def test_outside_demo_mode_the_outbox_does_not_exist(settings, admin_client, organization):
    """Outside demo mode every outbox address answers 404, even to admins."""
    settings.DEMO = False
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"
    to_invitee, _ = send_booking_emails(organization)
    [invite] = to_invitee.attachments.all()
    for url in [
        "/360/outbox",
        f"/360/outbox/{to_invitee.id}",
        f"/360/outbox/{to_invitee.id}/attachments/{invite.id}",
    ]:
        assert admin_client.get(url).status_code == 404
        assert Client().get(url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(demo):
    """In demo mode, the outbox asks a signed-out visitor to sign in first."""
    response = Client().get("/360/outbox")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin")


def test_the_outbox_is_in_the_navigation_for_admins_in_demo_mode_only(
    settings, admin_client, member_client
):
    """Admins in demo mode find the Outbox in the navigation; members and production don't."""
    settings.DEMO = True
    assert b'href="/360/outbox"' in admin_client.get("/360/members").content
    assert b'href="/360/outbox"' not in member_client.get("/360/integrations").content
    settings.DEMO = False
    assert b'href="/360/outbox"' not in admin_client.get("/360/members").content


def test_many_emails_are_paged(demo, admin_client, organization):
    """Long outboxes are split into pages of the newest first."""
    OutboxEmail.objects.bulk_create(
        OutboxEmail(organization=organization, from_email="x", subject=f"Mail {n:03}")
        for n in range(60)
    )
    first = admin_client.get("/360/outbox").content.decode()
    assert "Page 1 of 2" in first
    assert re.findall(r"Mail \d{3}", first) == [f"Mail {n:03}" for n in range(59, 9, -1)]
    second = admin_client.get("/360/outbox?page=2").content.decode()
    assert re.findall(r"Mail \d{3}", second) == [f"Mail {n:03}" for n in range(9, -1, -1)]
