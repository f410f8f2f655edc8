"""`slotlink scheduler`: enqueue periodic jobs when due (see core/periodic.py)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from slotlink.core.periodic import periodic_jobs, periodic_run_due
from slotlink.core.stop_signals import StopSignals


class Command(BaseCommand):
    help = "Enqueue the periodic jobs the apps registered (e.g. a provider's sweep) when due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        names = ", ".join(job.name for job in periodic_jobs())
        self.stdout.write(f"scheduler: {names}")
        with StopSignals() as signals:  # SIGINT or SIGTERM: stop after the current check
            while not signals.received:
                periodic_run_due()
                close_old_connections()
                if once:
                    break
                signals.wait(interval)
