from django.urls import path

from slotlink.calendars.views import connect, events, pages

C = "360/integrations/calendars/"

urlpatterns = [
    path(C, pages.calendars_page, name="calendars"),
    path(f"{C}connect", connect.connect, name="calendars-connect"),
    path(f"{C}<int:connection_id>/choose", pages.choose, name="calendars-choose"),
    path(f"{C}<int:connection_id>/reconnect", connect.reconnect, name="calendars-reconnect"),
    path(f"{C}<int:connection_id>/remove", pages.remove, name="calendars-remove"),
    path(f"{C}events/<int:event_id>/put-back", events.put_back, name="calendars-event-put-back"),
]
