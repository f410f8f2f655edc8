from django.urls import path

from slotlink.core import views

urlpatterns = [
    path("", views.root, name="root"),
    path("360/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
