"""`slotlink scheduler`: enqueue periodic jobs when due (see core/periodic.py)."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from slotlink.core.periodic import periodic_jobs, periodic_run_due


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (Zoom sweep and reconcile) when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        names = ", ".join(job.name for job in periodic_jobs())
        self.stdout.write(f"scheduler: {names}")
        while not stop.is_set():
            periodic_run_due()
            close_old_connections()
            if once:
                break
            stop.wait(interval)
