"""The URL map: the app shell under /360/, sign-in, the Django admin for staff."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("slotlink.shell.urls")),
    path("", include("slotlink.accounts.urls")),
    path("", include("slotlink.scheduling.urls")),
    path("360/", include("slotlink.conferencing.urls")),
    path("360/", include("slotlink.notifications.urls")),
    path("", include("slotlink.zoom.urls")),
    path("", include("slotlink.calendars.urls")),
    path("django-admin/", admin.site.urls),
]
