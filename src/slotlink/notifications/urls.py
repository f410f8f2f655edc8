from django.urls import path

from slotlink.notifications import views

urlpatterns = [
    path("outbox", views.outbox_list, name="outbox"),
    path("outbox/<int:email_id>", views.outbox_detail, name="outbox-detail"),
    path(
        "outbox/<int:email_id>/attachments/<int:attachment_id>",
        views.outbox_attachment_download,
        name="outbox-attachment",
    ),
]
