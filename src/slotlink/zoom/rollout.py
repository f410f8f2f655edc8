"""The Rollout card's switches: Zoom for the organization, multi-account routing, webinars."""

import logging

from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.zoom.checks import missing_zoom_settings
from slotlink.zoom.models import ZoomConnection, ZoomRollout

log = logging.getLogger("slotlink.zoom")


class ZoomNotConfigured(Exception):
    """Zoom cannot be turned on: the install lacks its Zoom app's settings (production
    starts without them while Zoom is off everywhere; core checks warn, zoom.W001)."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "Zoom can't be turned on yet: whoever runs this slotlink must first set "
            + ", ".join(missing)
            + ' (the Zoom app\'s settings; README, "Configuration").'
        )


def _require_zoom_settings() -> None:
    if missing := missing_zoom_settings():
        raise ZoomNotConfigured(missing)


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
    if enabled:
        _require_zoom_settings()
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
    _require_zoom_settings()
    rollout, _ = ZoomRollout.objects.get_or_create(organization=organization)
    rollout.enabled = True
    rollout.updated_at = timezone.now()
    rollout.save(update_fields=["enabled", "updated_at"])
    log.info("zoom.rollout.enabled organization=%s", organization.id)
    return rollout
