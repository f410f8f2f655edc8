"""What `/readyz` asks before it says this process can take traffic: the database, and
Redis when tasks go through RQ. Each check answers None when fine, else a short reason."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection

from slotlink.core.selectors import task_backend_path

log = logging.getLogger("slotlink.core")


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        log.warning("core.health.database-down error=%s", type(error).__name__)
        return f"the database did not answer ({type(error).__name__})"
    return None


def redis_problem() -> str | None:
    """Every RQ queue's Redis answers PING; None (fine) when tasks don't go through RQ."""
    if "rq" not in task_backend_path().lower():
        return None
    try:
        import django_rq

        for name in getattr(settings, "RQ_QUEUES", {}) or {"default": {}}:
            django_rq.get_connection(name).ping()
    except Exception as error:  # redis-py's errors, or django_rq missing: not ready either way
        log.warning("core.health.redis-down error=%s", type(error).__name__)
        return f"Redis did not answer ({type(error).__name__})"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": database_problem,
    "redis": redis_problem,
}


def readiness_problems() -> dict[str, str]:
    """What is down, by check name; empty when everything answers."""
    problems = {}
    for name, check in CHECKS.items():
        problem = check()
        if problem:
            problems[name] = problem
    return problems
