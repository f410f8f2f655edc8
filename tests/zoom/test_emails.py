"""zoom/emails.py: the host's "Reconnect Zoom" email, built on core's one mail path."""

import pytest

from slotlink.core.mail import ORGANIZATION_HEADER
from slotlink.zoom.emails import connection_broken_email
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.zoom.factories import connected

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reconnect_email_is_automatic_and_belongs_to_its_organization(
    zoom: ZoomSandbox, member_membership
):
    """ "Reconnect Zoom" goes to the connection's owner, tagged with the organization (the
    demo outbox shows it to that organization only) and marked automatic, like every
    slotlink email (RFC 3834: no vacation auto-reply answers it)."""
    connection, zoom_user = connected(zoom, member_membership)
    message = connection_broken_email(connection=connection)
    assert message.to == [member_membership.user.email]
    assert message.subject == (
        f"Reconnect Zoom: {zoom_user['email']} is no longer connected to slotlink"
    )
    assert message.extra_headers[ORGANIZATION_HEADER] == str(member_membership.organization_id)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert [part.mimetype for part in message.alternatives] == ["text/html"]
