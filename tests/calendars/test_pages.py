"""Integrations → Calendars against real CalDAV servers: connecting through the form,
choosing calendars, Reconnect, Remove, what a refused form leaves (nothing), where the
password never shows, and that only the owner sees or changes a connection."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from slotlink.calendars.client import CalendarError, CredentialsRefused, discover
from slotlink.calendars.models import CalendarConnection, ConnectedCalendar
from slotlink.calendars.services.connections import calendar_connection_broken
from tests.calendars.connecting import calendar_named, connect
from tests.calendars.servers import CalDAVServer
from tests.factories import make_member
from tests.local_http import Reply, local_http
from tests.ports import free_port

pytestmark = pytest.mark.django_db

C = "/360/integrations/calendars/"


def html_of(response) -> str:
    return response.content.decode()


def connect_form(server: CalDAVServer, **changes: str) -> dict[str, str]:
    return {
        "address": server.base_url,
        "username": server.username,
        "password": server.password,
        "label": "Work",
        **changes,
    }


def nothing_written() -> bool:
    return not CalendarConnection.objects.exists() and not ConnectedCalendar.objects.exists()


def test_integrations_offers_calendars(member_client):
    """The Integrations page's Calendars section links to the calendars page and to
    Connect a calendar; Google and Microsoft are still marked as not available."""
    html = html_of(member_client.get("/360/integrations"))
    assert f'href="{C}"' in html
    assert f'href="{C}connect"' in html
    assert "Google Calendar" in html
    assert "Not available yet" in html
    page = html_of(member_client.get(C))
    assert "You haven't connected a calendar yet." in page


def test_connecting_through_the_form_lists_the_calendars(
    caldav_server: CalDAVServer, member_client, member_membership
):
    """The form's address, username and app password connect the account; the host is
    taken to choose its calendars, and the list shows the label, the server's host, the
    username, each calendar and Connected."""
    calendar_url = caldav_server.new_calendar("Team meetings")
    response = member_client.post(f"{C}connect", connect_form(caldav_server))
    connection = CalendarConnection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{C}{connection.id}/choose"
    choose = html_of(member_client.get(response["Location"]))
    assert "Team meetings" in choose
    page = html_of(member_client.get(C))
    host = caldav_server.base_url.removeprefix("http://")
    for words in [
        "Work",
        f"<bdi>{caldav_server.username}</bdi> at {host}",
        "Team meetings",
        "Connected",
    ]:
        assert words in page
    assert calendar_named(connection, calendar_url).is_busy
    assert "busy times not read yet" in page


def words_of_refusal(form: dict[str, str]) -> str:
    """What the client says of these form values, HTML-escaped as a page shows it."""
    try:
        discover(form["address"], form["username"], form["password"])
    except CalendarError as error:
        return escape(error.words)
    raise AssertionError("the server took them")


@pytest.mark.parametrize(
    "changes",
    [
        {"password": "wrong"},
        {"address": "not a server address"},
        {"address": "²"},  # a host name with no IDNA form
        {"address": "http://[::1"},
    ],
)
def test_a_refused_form_says_why_and_writes_nothing(
    caldav_server: CalDAVServer, member_client, changes
):
    """A wrong password, or an address that is none (or that no URL can hold), re-shows
    the form with the client's words; the password typed is not sent back; nothing is
    stored."""
    form = connect_form(caldav_server, **changes)
    response = member_client.post(f"{C}connect", form)
    html = html_of(response)
    assert response.status_code == 400
    assert words_of_refusal(form) in html
    assert f'value="{escape(form["address"])}"' in html  # the form is kept
    assert form["password"] not in html
    assert nothing_written()


def test_an_unreachable_server_is_refused_in_words(member_client, settings):
    """A server address where nothing listens re-shows the form saying it couldn't be
    reached, and writes nothing."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    address = f"http://127.0.0.1:{free_port()}"
    response = member_client.post(
        f"{C}connect", {"address": address, "username": "ada", "password": "pw"}
    )
    assert response.status_code == 400
    assert escape("couldn't reach") in html_of(response)
    assert nothing_written()


def test_a_server_that_is_not_caldav_is_refused_in_words(member_client, settings):
    """A web server that answers but speaks no CalDAV re-shows the form saying so."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    with local_http(lambda request: Reply(200, b"<html>hello</html>")) as server:
        response = member_client.post(
            f"{C}connect", {"address": server.url, "username": "ada", "password": "pw"}
        )
    assert response.status_code == 400
    assert "look like a CalDAV server" in html_of(response)
    assert nothing_written()


def test_a_private_address_is_refused_unless_allowed(
    caldav_server: CalDAVServer, member_client, settings
):
    """With private networks not allowed (production's default), the test server's
    loopback address is refused before any request, in words, and nothing is stored."""
    settings.ALLOW_PRIVATE_NETWORKS = False
    response = member_client.post(f"{C}connect", connect_form(caldav_server))
    assert response.status_code == 400
    assert "errorlist" in html_of(response)
    assert nothing_written()


def test_the_password_is_on_no_page(caldav_server: CalDAVServer, member_client, member_membership):
    """After connecting, no page of the connection shows the app password, not even the
    forms (password inputs are never filled in)."""
    connection = connect(caldav_server, member_membership)
    for url in [
        "/360/integrations",
        C,
        f"{C}connect",
        f"{C}{connection.id}/choose",
        f"{C}{connection.id}/reconnect",
        f"{C}{connection.id}/remove",
    ]:
        response = member_client.get(url)
        assert response.status_code == 200, url
        assert caldav_server.password not in html_of(response), url


def test_the_choose_form_saves_ticks_and_the_target(
    caldav_server: CalDAVServer, member_client, member_membership
):
    """Ticking calendars and picking one to add bookings to is saved and shown on the
    list; a calendar id that is not one of the connection's is refused with nothing saved."""
    work_url = caldav_server.new_calendar("Work")
    home_url = caldav_server.new_calendar("Home")
    connection = connect(caldav_server, member_membership)
    work, home = calendar_named(connection, work_url), calendar_named(connection, home_url)
    choose = f"{C}{connection.id}/choose"
    response = member_client.post(choose, {"busy": [work.id], "target": str(home.id)})
    assert response.status_code == 302
    work.refresh_from_db()
    home.refresh_from_db()
    assert (work.is_busy, work.is_target, home.is_busy, home.is_target) == (
        True,
        False,
        False,
        True,
    )
    page = html_of(member_client.get(C))
    assert "Chosen for bookings" in page

    before = list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target"))
    refused = member_client.post(choose, {"busy": ["999999"], "target": ""})
    assert refused.status_code == 400
    assert list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target")) == before


def test_a_broken_connection_shows_why_and_reconnects_with_a_password(
    caldav_server: CalDAVServer, member_client, member_membership
):
    """Connection broken with the server's reason in words and a Reconnect link; the
    Reconnect page asks only for a password; a wrong one is refused in words, the right
    one makes it Connected again."""
    connection = connect(caldav_server, member_membership)
    CalendarConnection.objects.filter(id=connection.id).update(password="revoked")
    error = CredentialsRefused("The server at example said the password is wrong.")
    calendar_connection_broken(connection=connection, error=error)
    page = html_of(member_client.get(C))
    assert "Connection broken" in page
    assert "The server at example said the password is wrong." in page
    assert f'href="{C}{connection.id}/reconnect"' in page

    reconnect = f"{C}{connection.id}/reconnect"
    form = html_of(member_client.get(reconnect))
    assert 'name="password"' in form
    assert 'name="address"' not in form
    assert 'name="username"' not in form
    wrong = member_client.post(reconnect, {"password": "still wrong"})
    assert wrong.status_code == 400
    assert "errorlist" in html_of(wrong)
    assert not CalendarConnection.objects.get().is_connected

    right = member_client.post(reconnect, {"password": caldav_server.password})
    assert right.status_code == 302
    assert CalendarConnection.objects.get().is_connected
    assert "Connection broken" not in html_of(member_client.get(C))


def test_remove_asks_first_then_deletes(
    caldav_server: CalDAVServer, member_client, member_membership
):
    """Remove shows a confirmation (a GET changes nothing); the POST deletes the
    connection and its calendars."""
    connection = connect(caldav_server, member_membership)
    remove = f"{C}{connection.id}/remove"
    confirm = member_client.get(remove)
    assert confirm.status_code == 200
    assert 'method="post"' in html_of(confirm)
    assert CalendarConnection.objects.exists()
    done = member_client.post(remove)
    assert done.status_code == 302
    assert nothing_written()


def test_several_connections_are_listed(
    radicale_server: CalDAVServer, xandikos_server: CalDAVServer, member_client, settings
):
    """A host connects a work and a personal account through the form; both are listed."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    for server, label in [(radicale_server, "Work"), (xandikos_server, "Personal")]:
        response = member_client.post(f"{C}connect", connect_form(server, label=label))
        assert response.status_code == 302
    page = html_of(member_client.get(C))
    assert page.count('class="connection"') == 2
    assert "Work" in page
    assert "Personal" in page


def test_only_the_owner_sees_or_changes_a_connection(
    caldav_server: CalDAVServer, organization, member_membership, admin_client, settings
):
    """A co-worker, and an admin, get 404 for every page of another's connection, GET or
    POST, and see none of it on their own pages; nothing changes."""
    calendar_url = caldav_server.new_calendar("Max-private-calendar")
    connection = connect(caldav_server, member_membership, label="Max's own")
    coworker = Client()
    coworker.force_login(make_member(organization).user)
    before = list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target"))
    chosen = calendar_named(connection, calendar_url).id
    for client in (coworker, admin_client):
        for page in ["choose", "reconnect", "remove"]:
            url = f"{C}{connection.id}/{page}"
            assert client.get(url).status_code == 404, url
        assert (
            client.post(f"{C}{connection.id}/choose", {"busy": [], "target": chosen}).status_code
            == 404
        )
        assert client.post(f"{C}{connection.id}/reconnect", {"password": "x"}).status_code == 404
        assert client.post(f"{C}{connection.id}/remove").status_code == 404
        for url in [C, "/360/integrations"]:
            html = html_of(client.get(url))
            assert escape("Max's own") not in html, url
            assert "Max-private-calendar" not in html, url
    assert CalendarConnection.objects.get().password == caldav_server.password
    assert list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target")) == before
