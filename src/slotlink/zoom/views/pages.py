"""The Zoom page under Integrations, its Rollout card, the sync log and the help pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from slotlink.accounts.access import MemberRequest, admin_required, member_required
from slotlink.zoom import selectors
from slotlink.zoom.checks import missing_zoom_settings
from slotlink.zoom.forms import RolloutForm, SyncLogFilterForm
from slotlink.zoom.rollout import ZoomNotConfigured, zoom_enable, zoom_rollout_update
from slotlink.zoom.synclog_selectors import KNOWN_ACTIONS, sync_log_page

NOT_ENABLED = "Zoom isn't enabled for this organization."


def not_enabled(request: HttpRequest) -> HttpResponse:
    return render(request, "zoom/not_enabled.html", {"message": NOT_ENABLED}, status=404)


def zoom_enabled_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Zoom URLs of an organization without Zoom say so (and change nothing)."""

    @wraps(view)
    def wrapped(request: MemberRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.zoom_enabled(organization_id=request.membership.organization_id):
            return not_enabled(request)
        return view(request, *args, **kwargs)

    return wrapped


def zoom_sign_out_url() -> str:
    return f"{settings.ZOOM_OAUTH_BASE_URL}/signout"


@member_required
@require_GET
def zoom_page(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    rollout = selectors.zoom_rollout_for(organization_id=membership.organization_id)
    if not rollout.enabled and not membership.is_admin:
        return not_enabled(request)
    connections = selectors.connections_visible_to(membership=membership)
    org_accounts = selectors.org_accounts(organization_id=membership.organization_id)
    context = {
        "rollout": rollout,
        "rows": selectors.connection_rows(connections),
        "has_personal": any(
            c.owner_id == request.user.id and not c.is_org_account for c in connections
        ),
        "rollout_form": RolloutForm(
            org_accounts=org_accounts,
            initial={
                "enabled": rollout.enabled,
                "multi_account_routing": rollout.multi_account_routing,
                "webinars_enabled": rollout.webinars_enabled,
                "default_connection": rollout.default_connection_id,
            },
        )
        if membership.is_admin
        else None,
        "zoom_sign_out_url": zoom_sign_out_url(),
        "missing_settings": missing_zoom_settings() if membership.is_admin else [],
    }
    return render(request, "zoom/zoom_page.html", context)


@admin_required
@require_POST
def rollout_update(request: MemberRequest) -> HttpResponse:
    organization = request.membership.organization
    form = RolloutForm(
        request.POST, org_accounts=selectors.org_accounts(organization_id=organization.id)
    )
    if not form.is_valid():
        messages.error(request, "The Rollout settings were not saved: " + _first_error(form))
        return redirect("zoom")
    try:
        zoom_rollout_update(
            organization=organization,
            enabled=form.cleaned_data["enabled"],
            multi_account_routing=form.cleaned_data["multi_account_routing"],
            webinars_enabled=form.cleaned_data["webinars_enabled"],
            default_connection=form.cleaned_data["default_connection"],
        )
    except ZoomNotConfigured as refusal:
        messages.error(request, f"The Rollout settings were not saved: {refusal}")
        return redirect("zoom")
    messages.success(request, "Rollout settings saved.")
    return redirect("zoom")


@admin_required
@require_POST
def enable(request: MemberRequest) -> HttpResponse:
    try:
        zoom_enable(organization=request.membership.organization)
    except ZoomNotConfigured as refusal:
        messages.error(request, str(refusal))
        return redirect("integrations")
    messages.success(request, "Zoom is enabled for this organization. Connect an account next.")
    return redirect("integrations")


@admin_required
@require_GET
def sync_log(request: MemberRequest) -> HttpResponse:
    organization_id = request.membership.organization_id
    accounts = [
        (c.zoom_user.zoom_user_id, c.zoom_user.email)
        for c in selectors.connections_visible_to(membership=request.membership)
    ]
    form = SyncLogFilterForm(request.GET or None, accounts=accounts, actions=KNOWN_ACTIONS)
    filters: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return render(
                request,
                "zoom/sync_log.html",
                {"form": form, "page": None, "error": _first_error(form)},
                status=400,
            )
        data = form.cleaned_data
        filters = {
            "zoom_user_id": data["account"],
            "action": data["action"],
            "outcome": data["outcome"],
            "booking_id": data["booking"],
            "before": data["before"],
        }
    page = sync_log_page(organization_id=organization_id, **filters)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "zoom/sync_log.html",
        {"form": form, "page": page, "filter_query": query.urlencode()},
    )


@member_required
@require_GET
def cannot_authorize(request: MemberRequest) -> HttpResponse:
    return render(request, "zoom/cannot_authorize.html")


def _first_error(form: Any) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "the form was not valid."
