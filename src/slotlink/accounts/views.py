"""Members of an organization (admins) and switching between one's organizations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, admin_required, member_required
from slotlink.accounts.forms import RoleForm
from slotlink.accounts.invitations import invitations_pending
from slotlink.accounts.member_providers import member_statuses
from slotlink.accounts.middleware import CURRENT_ORGANIZATION_SESSION_KEY
from slotlink.accounts.models import Membership
from slotlink.accounts.selectors import members_of, memberships_of_user
from slotlink.accounts.services import membership_change_role
from slotlink.core.ids import parse_id


@admin_required
def member_list(request: MemberRequest) -> HttpResponse:
    organization = request.membership.organization
    members = list(members_of(organization=organization))
    # Each conferencing provider's status of every member (e.g. their own Zoom), one query
    # per provider, through the seam: accounts knows no provider.
    statuses = member_statuses(
        organization_id=organization.id, user_ids=[member.user_id for member in members]
    )
    return render(
        request,
        "accounts/member_list.html",
        {
            "members": [(member, statuses[member.user_id]) for member in members],
            "invitations": invitations_pending(organization=organization),
        },
    )


@admin_required
def member_detail(request: MemberRequest, membership_id: int) -> HttpResponse:
    member = get_object_or_404(
        Membership.objects.select_related("user"),
        id=membership_id,
        organization=request.membership.organization,
    )
    form = RoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            membership_change_role(membership=member, role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error("role", error)
        else:
            messages.success(
                request,
                format_html(
                    "<bdi>{}</bdi> is now {}.",
                    member.user.get_full_name(),
                    member.get_role_display().lower(),
                ),
            )
            return redirect("member-detail", membership_id=member.id)
    return render(request, "accounts/member_detail.html", {"member": member, "form": form})


@member_required
@require_POST
def organization_switch(request: MemberRequest) -> HttpResponse:
    organization_id = parse_id(request.POST.get("organization", ""))
    if organization_id is None:
        raise Http404("No such organization.")
    membership = get_object_or_404(
        memberships_of_user(user=request.user), organization_id=organization_id
    )
    request.session[CURRENT_ORGANIZATION_SESSION_KEY] = membership.organization_id
    messages.info(
        request, format_html("You are now in <bdi>{}</bdi>.", membership.organization.name)
    )
    return redirect("home")
