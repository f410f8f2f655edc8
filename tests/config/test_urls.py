"""Every page declares who may see it, and visitors are kept out of every app page."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from slotlink.accounts.access import ACCESS_ATTRIBUTE

# The Django admin guards itself (staff only); static files are public by nature.
SELF_GUARDED_PREFIXES = ("django-admin/",)


def all_patterns(resolver: URLResolver | None = None, prefix: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def project_patterns():
    return [
        (route, pattern)
        for route, pattern in all_patterns()
        if not route.startswith(SELF_GUARDED_PREFIXES)
    ]


def test_every_view_declares_who_may_see_it():
    """Each URL's view is marked public, member-only or admin-only; none is left open by
    forgetting."""
    undeclared = [
        route
        for route, pattern in project_patterns()
        if not hasattr(pattern.callback, ACCESS_ATTRIBUTE)
    ]
    assert undeclared == []


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in_from_every_app_page():
    """Every member or admin page without parameters sends a visitor to sign in (or, for
    pages that don't exist in this mode, answers 404) and never shows its content."""
    redirected = 0
    for route, pattern in project_patterns():
        access = getattr(pattern.callback, ACCESS_ATTRIBUTE, None)
        if access == "public" or "<" in route:
            continue
        response = Client().get("/" + route)
        if response.status_code != 404:
            assert response.status_code == 302, route
            assert response["Location"].startswith("/signin?next="), route
            redirected += 1
    assert redirected > 0
