"""The first run of a production install: a one-time setup token, and the first organization.

While no organization exists, each web process issues a token when it starts and prints
the first-run link to its log (`accounts.setup.token`); only the token's hash is stored, so
any web process accepts any live token. Creating the first organization deletes them all,
and from then on the first-run page does not exist.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from slotlink.accounts.models import Organization, SetupToken
from slotlink.accounts.services import NewOrganization, organization_create_with_admin
from slotlink.accounts.tokens import looks_like_token, token_hash, token_new
from slotlink.core.logs import KEEP_SECRETS

log = logging.getLogger("slotlink.accounts")

WRONG_SETUP_LINK = (
    "That setup token isn't valid. Use the one the web server printed to its log at start "
    "(look for accounts.setup.token), or print a new one with `slotlink setuptoken`."
)
ALREADY_SET_UP = "slotlink already has an organization. Sign in instead."


def setup_needed() -> bool:
    return not Organization.objects.exists()


def setup_token_issue() -> str | None:
    """A new setup token while no organization exists (None once one does)."""
    if not setup_needed():
        return None
    token, hashed = token_new()
    SetupToken.objects.create(token_hash=hashed)
    return token


def setup_token_announce() -> None:
    """At a web process's start: print the first-run link while slotlink has no
    organization. A database not migrated yet is no reason to fail starting."""
    try:
        token = setup_token_issue()
    except DatabaseError:
        log.warning("accounts.setup.token-unavailable (is the database migrated?)")
        return
    if token is not None:
        url = f"{settings.BASE_URL}{reverse('setup')}?token={token}"
        log.warning(
            "accounts.setup.token No organization yet. Create the first one at %s",
            url,
            extra={KEEP_SECRETS: True},  # the operator reads it here; every other link redacted
        )


def setup_token_valid(token: str) -> bool:
    return (
        looks_like_token(token) and SetupToken.objects.filter(token_hash=token_hash(token)).exists()
    )


def setup_complete(*, token: str, **organization: str) -> NewOrganization:
    """Create the first organization and its admin with a live setup token; every setup
    token dies with it. Raises ValidationError (nothing changes) when the token is not
    live, the install already has an organization, or the details are wrong."""
    with transaction.atomic():
        # Two first runs at once queue here; the second finds the organization.
        tokens = list(SetupToken.objects.select_for_update().all())
        if not setup_needed():
            raise ValidationError(ALREADY_SET_UP)
        if not looks_like_token(token) or token_hash(token) not in {t.token_hash for t in tokens}:
            raise ValidationError({"token": WRONG_SETUP_LINK})
        created = organization_create_with_admin(**organization)
        SetupToken.objects.all().delete()
    log.info("accounts.setup.done organization=%s", created.organization.id)
    return created
