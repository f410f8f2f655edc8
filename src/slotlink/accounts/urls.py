from django.contrib.auth import views as auth_views
from django.urls import path

from slotlink.accounts import views
from slotlink.accounts.access import public
from slotlink.accounts.forms import SignInForm

urlpatterns = [
    path(
        "signin",
        public(
            auth_views.LoginView.as_view(
                template_name="accounts/signin.html",
                authentication_form=SignInForm,
                redirect_authenticated_user=True,
            )
        ),
        name="signin",
    ),
    path("signout", public(auth_views.LogoutView.as_view()), name="signout"),
    path("360/members", views.member_list, name="members"),
    path("360/members/<int:membership_id>", views.member_detail, name="member-detail"),
    path("360/organization/switch", views.organization_switch, name="organization-switch"),
]
