"""Workers say they are alive: one row per worker process, its `last_seen_at` moved on
every few seconds, for the queue page's "workers seen recently".

`worker_heartbeat` is the one write; any worker calls it, whichever task backend it runs
(slotlink's database worker does through `heartbeat_thread`). A beat that fails (the
database restarting) is logged and skipped: the worker's tasks matter more than its beat.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from slotlink.core.models import WorkerHeartbeat

log = logging.getLogger("slotlink.core")

BEAT_EVERY_SECONDS = 5.0
# Rows of workers silent this long are deleted, so the table holds only recent workers.
FORGET_AFTER = timedelta(days=1)


def worker_heartbeat(*, name: str, backend: str) -> WorkerHeartbeat:
    """Record that the worker `name` (this process, on this host) is alive now."""
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.update_or_create(
        name=name[:120],
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "backend": backend[:40],
            "last_seen_at": now,
        },
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "backend": backend[:40],
            "started_at": now,
            "last_seen_at": now,
        },
    )
    if created:
        WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_AFTER).delete()
    return beat


def heartbeat_thread(
    *, name: str, backend: str, every: float = BEAT_EVERY_SECONDS
) -> threading.Event:
    """Beat now and then every `every` seconds in a daemon thread; set the returned event
    to stop it."""
    stop = threading.Event()

    def beat() -> None:
        try:
            worker_heartbeat(name=name, backend=backend)
        except DatabaseError:
            log.warning("core.worker.heartbeat-failed worker=%s", name, exc_info=True)
        finally:
            close_old_connections()

    def loop() -> None:
        beat()
        while not stop.wait(every):
            beat()

    threading.Thread(target=loop, name=f"heartbeat-{name}", daemon=True).start()
    return stop
