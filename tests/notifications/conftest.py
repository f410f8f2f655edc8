"""Fixtures of the notifications tests: a real mail server."""

from collections.abc import Iterator

import pytest

from tests.notifications.smtp_server import SMTPServer, smtp_server_for


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:
    """A real SMTP server on localhost, which the emails go through."""
    with smtp_server_for(settings) as server:
        yield server
