from django.contrib.auth import views as auth_views
from django.urls import path

from slotlink.accounts import setup_views, views
from slotlink.accounts.access import public

urlpatterns = [
    path("signin", public(setup_views.SignInView.as_view()), name="signin"),
    path("signout", public(auth_views.LogoutView.as_view()), name="signout"),
    path("setup", setup_views.setup, name="setup"),
    path("signup", setup_views.signup, name="signup"),
    path("360/members", views.member_list, name="members"),
    path("360/members/<int:membership_id>", views.member_detail, name="member-detail"),
    path("360/organization/switch", views.organization_switch, name="organization-switch"),
]
