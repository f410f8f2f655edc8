from django.urls import path

from slotlink.shell import views

urlpatterns = [
    path("", views.root, name="root"),
    path("360/", views.home, name="home"),
    path("360/queue", views.queue, name="queue"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
