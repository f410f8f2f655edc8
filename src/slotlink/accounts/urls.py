from django.contrib.auth import views as auth_views
from django.urls import path

from slotlink.accounts import account_views, invitation_views, setup_views, views
from slotlink.accounts.access import public

urlpatterns = [
    path("signin", public(setup_views.SignInView.as_view()), name="signin"),
    path("signout", public(auth_views.LogoutView.as_view()), name="signout"),
    path("password/reset", account_views.password_reset, name="password-reset"),
    path("password/reset/sent", account_views.password_reset_done, name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>",
        account_views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done",
        account_views.password_reset_complete,
        name="password-reset-complete",
    ),
    path("360/profile", account_views.profile, name="profile"),
    path("360/profile/password", account_views.password_change, name="password-change"),
    path("setup", setup_views.setup, name="setup"),
    path("signup", setup_views.signup, name="signup"),
    path("signup/sent", setup_views.signup_sent, name="signup-sent"),
    path("signup/finish/<str:token>", setup_views.signup_finish, name="signup-finish"),
    path("360/members", views.member_list, name="members"),
    path("360/members/<int:membership_id>", views.member_detail, name="member-detail"),
    path("360/members/invite", invitation_views.invite, name="invite"),
    path(
        "360/invitations/<int:invitation_id>/resend",
        invitation_views.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        "360/invitations/<int:invitation_id>/revoke",
        invitation_views.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("invitation/<str:token>", invitation_views.accept, name="invitation"),
    path("360/organization/switch", views.organization_switch, name="organization-switch"),
]
