from django.urls import path

from slotlink.zoom.views import connect, meetings, pages, webhook, webinars

urlpatterns = [
    path("360/integrations/zoom", pages.zoom_page, name="zoom"),
    path("360/integrations/zoom/enable", pages.enable, name="zoom-enable"),
    path("360/integrations/zoom/rollout", pages.rollout_update, name="zoom-rollout"),
    path("360/integrations/zoom/sync-log", pages.sync_log, name="zoom-sync-log"),
    path(
        "360/integrations/zoom/cannot-authorize",
        pages.cannot_authorize,
        name="zoom-cannot-authorize",
    ),
    path("360/integrations/zoom/connect", connect.connect, name="zoom-connect"),
    path("360/integrations/zoom/callback", connect.callback, name="zoom-callback"),
    path(
        "360/integrations/zoom/callback/resume/<str:hold_id>",
        connect.callback_resume,
        name="zoom-callback-resume",
    ),
    path(
        "360/integrations/zoom/confirm/<int:authorization_id>",
        connect.confirm,
        name="zoom-confirm",
    ),
    path(
        "360/integrations/zoom/connections/<int:connection_id>/reconnect",
        connect.reconnect,
        name="zoom-reconnect",
    ),
    path(
        "360/integrations/zoom/connections/<int:connection_id>/disconnect",
        connect.disconnect,
        name="zoom-disconnect",
    ),
    path(
        "360/integrations/zoom/meetings/<int:meeting_id>/fix",
        meetings.meeting_fix_view,
        name="zoom-meeting-fix",
    ),
    path(
        "360/integrations/zoom/webinars/<int:webinar_id>/fix",
        meetings.webinar_fix_view,
        name="zoom-webinar-fix",
    ),
    path("360/integrations/zoom/webinars", webinars.webinar_list, name="zoom-webinars"),
    path(
        "360/integrations/zoom/webinars/export", webinars.webinar_export, name="zoom-webinar-export"
    ),
    path(
        "360/integrations/zoom/webinars/<int:webinar_id>/attendance",
        webinars.webinar_attendance_refresh,
        name="zoom-webinar-attendance",
    ),
    path("zoom/webhook", webhook.webhook, name="zoom-webhook"),
]
