"""`slotlink db_worker`: django-tasks-db's worker, running several tasks at once.

A Zoom meeting sync spends nearly all its time waiting for Zoom, seconds when Zoom is
slow, so a worker that runs one task at a time makes one meeting per Zoom round trip: two
workers at 2 s make one meeting a second while bookings may arrive at ten. With
`--threads N` one worker process runs up to N tasks at once. Its main thread claims tasks
the way django-tasks-db's worker does (`SELECT ... FOR UPDATE SKIP LOCKED`, an exclusive
transaction on SQLite), but as many at once as threads are free, and only after a plain
read found one ready: one lock per batch rather than per task, and an idle worker's poll
takes no lock at all, so on SQLite a short `--interval` does not hold up the bookings that
need the one write lock. Each task runs in a pool
thread on that thread's own database connection. Tasks are taken in the order they became
due (`in_turn`). `--threads 1` is django-tasks-db's worker unchanged.

This command replaces django-tasks-db's of the same name because `slotlink.core` comes
before `django_tasks_db` in INSTALLED_APPS; every option of that command still applies.
"""

import logging
import os
import random
import signal
import sys
import threading
import time
from argparse import ArgumentParser, ArgumentTypeError
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django.db import close_old_connections
from django.db.models import Case, DateTimeField, F, When
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from slotlink.core.backends.sqlite3.base import writes_in_background
from slotlink.core.heartbeats import heartbeat_thread

logger = logging.getLogger("django_tasks_db")

DEFAULT_THREADS = 16


class ThreadedWorker(Worker):
    """django-tasks-db's worker with a pool of `threads` running the tasks it claims."""

    def __init__(self, *, threads: int, **options: Any) -> None:
        super().__init__(**options)
        self.threads = threads
        self._free = threading.BoundedSemaphore(threads)
        self._active = 0
        self._lock = threading.Lock()
        self._claimed = 0

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.threads == 1:
            super().shutdown(signum, frame)
            return
        if not self.running:
            logger.warning("Received %s again - stopping now.", signal_name(signum))
            os._exit(1)  # the running tasks stay RUNNING, as when the process is killed
        logger.warning(
            "Received %s - finishing the running tasks, then stopping (again to force)",
            signal_name(signum),
        )
        self.running = False
        # No lock: this runs in the main thread, which may hold `_lock` itself (counting what
        # it claimed) and would wait for itself forever. If a task ends just after this read,
        # the main loop, now stopping, exits once the pool is done.
        if not self._active:
            sys.exit(0)

    def run(self) -> None:
        if self.threads == 1:
            super().run()
            return
        logger.info(
            "Starting worker worker_id=%s queues=%s threads=%s",
            self.worker_id,
            ",".join(self.queue_names),
            self.threads,
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreading start-ups, not a secret
        with ThreadPoolExecutor(self.threads, thread_name_prefix="task") as pool:
            while self.running:
                free = self._free_threads()
                if not self.running:
                    self._free.release(free)
                    break
                close_old_connections()
                claimed, retrieved = self._claim(self._claimable(free))
                with self._lock:
                    self._active += len(claimed)
                    self._claimed += len(claimed)
                for task_result in claimed:
                    pool.submit(self._run_in_thread, task_result)
                if free > len(claimed):
                    self._free.release(free - len(claimed))
                close_old_connections()
                if self.max_tasks is not None and self._claimed >= self.max_tasks:
                    logger.info("Claimed the maximum tasks (%d) - exiting.", self.max_tasks)
                    break
                if not claimed:
                    if self.batch and retrieved and not self._busy():
                        logger.info("No more tasks to run for worker_id=%s.", self.worker_id)
                        break
                    if self.running:
                        time.sleep(self.interval)

    def _free_threads(self) -> int:
        """Wait for a free thread, then count (and reserve) every free one."""
        self._free.acquire()
        free = 1
        while self._free.acquire(blocking=False):
            free += 1
        return free

    def _claimable(self, free: int) -> int:
        if self.max_tasks is None:
            return free
        return max(0, min(free, self.max_tasks - self._claimed))

    def _busy(self) -> bool:
        with self._lock:
            return self._active > 0

    def _claim(self, limit: int) -> tuple[list[DBTaskResult], bool]:
        """Up to `limit` ready tasks, claimed for this worker in one transaction (as
        Worker.run claims one); and whether the queue could be read (False while SQLite's
        write lock was busy)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        # Turns are chosen inside the lock: a turn read before it would be the same for
        # every worker, and the ones that lost the race for it would claim nothing and
        # sleep, halving the throughput of two workers (P3, 12.6 against 19.0 creates/s).
        if not limit or not tasks.exists():
            # Looking is a plain read; only a claim takes the lock (on SQLite the one write
            # lock every booking needs too), so polling often costs writers nothing.
            return [], True
        try:
            with exclusive_transaction(tasks.db):
                claimed = list(in_turn(tasks).select_for_update(skip_locked=True)[:limit])
                for task_result in claimed:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return [], False
            raise
        return claimed, True

    def _run_in_thread(self, task_result: DBTaskResult) -> None:
        try:
            close_old_connections()
            self.run_task(task_result)
        finally:
            close_old_connections()
            with self._lock:
                self._active -= 1
            self._free.release()


def signal_name(signum: int) -> str:
    return signal.strsignal(signum) or str(signum)


class Command(DatabaseWorkerCommand):
    help = "Run a database background worker, several tasks at once (--threads)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--threads",
            type=positive,
            default=DEFAULT_THREADS,
            help="tasks run at once in this process; 1 runs one at a time (default: %(default)s)",
        )
        parser.add_argument(
            "--nice",
            type=niceness,
            default=0,
            help="lower this worker's CPU priority by this much (0-19), so web processes on "
            "the same machine answer first when both want the CPU (slotlink run: 10)",
        )

    def handle(  # type: ignore[override]  # django-tasks-db's handle builds its own Worker
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        threads: int,
        nice: int,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if nice:
            # Before any thread starts: on Linux each thread has its own priority, and new
            # ones take their creator's.
            os.nice(nice)
        # On SQLite its threads queue for the write lock one at a time, behind the web's
        # requests rather than ahead of them (core/backends/sqlite3).
        writes_in_background()
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together; not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ThreadedWorker(
            threads=threads,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        # The queue page lists the workers seen recently (core/heartbeats.py).
        beating = heartbeat_thread(name=worker_id, backend="database")
        try:
            if reload:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()  # only in the child that runs the tasks
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
        finally:
            beating.set()


def in_turn(tasks: Any) -> Any:
    """Ready tasks in the order they became due. django-tasks-db orders by `run_after`,
    which a task enqueued to run now holds as the far future: every task that was asked to
    wait (a confirmation's bound on waiting for its link, a retry) would then jump ahead of
    all the work enqueued before it was due, e.g. a backlog of Zoom syncs behind hundreds
    of emails that came due later. Here a task due now counts from when it was enqueued."""
    due = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=F("run_after"),
        output_field=DateTimeField(),
    )
    return tasks.order_by(F("priority").desc(), due.asc(), F("enqueued_at").asc())


def niceness(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 19:
        raise ArgumentTypeError("must be 0 to 19")
    return number


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError("must be 1 or more")
    return number
