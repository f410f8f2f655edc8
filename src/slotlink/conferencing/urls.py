from django.urls import path

from slotlink.conferencing import views

urlpatterns = [
    path("integrations", views.integrations, name="integrations"),
]
