from django.urls import path

from slotlink.scheduling import views

urlpatterns = [
    path("360/events", views.event_type_list, name="events"),
]
