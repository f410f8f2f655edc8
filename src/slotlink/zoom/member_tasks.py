"""The members' background work: closing a departed member's own Zoom, retried until its
meetings are done (departures.py)."""

from django_tasks import task

from slotlink.zoom.departures import departed_connection_close


@task()
def zoom_connection_close(connection_id: int, attempt: int = 1) -> None:
    """A departed member's Zoom: revoke and delete it once its meetings are done."""
    retry_at = departed_connection_close(connection_id=connection_id, attempt=attempt)
    if retry_at is not None:
        zoom_connection_close.using(run_after=retry_at).enqueue(connection_id, attempt + 1)
