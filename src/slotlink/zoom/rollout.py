"""The Rollout card's switches: Zoom for the organization, multi-account routing, webinars."""

import logging

from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.zoom.models import ZoomConnection, ZoomRollout

log = logging.getLogger("slotlink.zoom")


def zoom_rollout_update(
    *,
    organization: Organization,
    enabled: bool,
    multi_account_routing: bool,
    webinars_enabled: bool,
    default_connection: ZoomConnection | None,
) -> ZoomRollout:
    if default_connection is not None and (
        default_connection.organization_id != organization.id
        or not default_connection.is_org_account
    ):
        raise ValueError("The default Zoom account must be one of this organization's accounts.")
    rollout, _ = ZoomRollout.objects.get_or_create(organization=organization)
    rollout.enabled = enabled
    rollout.multi_account_routing = multi_account_routing
    rollout.webinars_enabled = webinars_enabled
    rollout.default_connection = default_connection if multi_account_routing else None
    rollout.updated_at = timezone.now()
    rollout.save()
    log.info(
        "zoom.rollout.updated organization=%s enabled=%s routing=%s webinars=%s",
        organization.id,
        enabled,
        multi_account_routing,
        webinars_enabled,
    )
    return rollout


def zoom_enable(*, organization: Organization) -> ZoomRollout:
    """The master switch alone, from the Integrations page."""
    rollout, _ = ZoomRollout.objects.get_or_create(organization=organization)
    rollout.enabled = True
    rollout.updated_at = timezone.now()
    rollout.save(update_fields=["enabled", "updated_at"])
    log.info("zoom.rollout.enabled organization=%s", organization.id)
    return rollout
