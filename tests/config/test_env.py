"""The environment readers that settings are built from: bad values stop start-up with the
setting's name and what it takes."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from slotlink.config.env import env_csp_sources

NAME = "SLOTLINK_PUBLIC_FRAME_ANCESTORS"


def test_csp_sources_are_read_as_a_policy_writes_them(monkeypatch):
    """Sources are separated by spaces; unset or blank means the default."""
    assert env_csp_sources(NAME, ["'self'"]) == ["'self'"]
    monkeypatch.setenv(NAME, "  ")
    assert env_csp_sources(NAME, ["'self'"]) == ["'self'"]
    monkeypatch.setenv(NAME, "'self' https://www.example.com https://*.example.org:8443")
    assert env_csp_sources(NAME, []) == [
        "'self'",
        "https://www.example.com",
        "https://*.example.org:8443",
    ]
    monkeypatch.setenv(NAME, "*")  # any site: the embed pages' default
    assert env_csp_sources(NAME, []) == ["*"]


@pytest.mark.parametrize(
    "value",
    [
        "self",  # a keyword keeps its quotes
        "'unsafe-inline'",  # no other keyword belongs in frame-ancestors
        "https://www.example.com/embed",  # an origin, not a page
        "https://example.com; script-src *",  # one directive can't write another
        "'none' https://www.example.com",
        "**",
        "https://*",
    ],
)
def test_a_value_that_is_not_a_list_of_sources_stops_start_up(monkeypatch, value):
    """Anything but sources is refused by name, before the policy could carry it."""
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_csp_sources(NAME, ["'self'"])
