"""The webhooks' background work: a stored event that needs something done is done here."""

from django_tasks import task

from slotlink.zoom.webhook_events import webhook_event_process


@task()
def webhook_event_handle(event_id: int) -> None:
    webhook_event_process(event_id=event_id)
