"""What a sync step comes to besides success, and what a sync tells its task."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django_tasks.base import Task

from slotlink.zoom.metrics import sync_timed
from slotlink.zoom.problems import Problem, problem_fields
from slotlink.zoom.sync.leases import leased_save


@dataclass(frozen=True)
class SyncResult:
    in_sync: bool
    retry_at: datetime | None = None  # when its task should run again


class Wait(Exception):
    """Zoom can't take it now (a rate limit, an outage): try again at `until`."""

    def __init__(self, until: datetime, problem: Problem, detail: str = "") -> None:
        super().__init__(problem, detail)
        self.until = until
        self.problem = problem_fields(problem, detail)


class Fail(Exception):
    """Retrying can't fix it: the row fails, saying why, until the host acts."""

    def __init__(self, problem: Problem, detail: str = "") -> None:
        super().__init__(problem, detail)
        self.problem = problem_fields(problem, detail)


def record_wait(row: Any, owner: str, wait: Wait) -> SyncResult:
    """The row waits for Zoom (a rate limit, an outage) until `wait.until`."""
    leased_save(
        row,
        owner,
        state=type(row).State.WAITING,
        **wait.problem,
        attempts=row.attempts + 1,
        next_attempt_at=wait.until,
    )
    return SyncResult(in_sync=False, retry_at=wait.until)


def sync_task_run(
    task_: Task[Any, Any], row_id: int, *, kind: str, sync: Callable[[int], SyncResult]
) -> None:
    """A sync task's body: sync the row (timed, as `kind`), and queue `task_` again for
    when it must wait."""
    with sync_timed(kind):
        result = sync(row_id)
    if result.retry_at is not None:
        task_.using(run_after=result.retry_at).enqueue(row_id)
