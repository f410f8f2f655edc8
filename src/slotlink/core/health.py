"""What `/readyz` asks before it says this process can take traffic: the database, and
Redis when tasks go through RQ. Each check answers None when fine, else a short reason."""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from slotlink.core.selectors import task_backend_path

log = logging.getLogger("slotlink.core")

REDIS_TIMEOUT = 2.0  # seconds


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
        for config in (getattr(settings, "RQ_QUEUES", None) or {}).values():
            _redis_ping(config)
    except Exception as error:  # redis-py's errors, or no Redis client: not ready either way
        log.warning("core.health.redis-down error=%s", type(error).__name__)
        return f"Redis did not answer ({type(error).__name__})"
    return None


def _redis_ping(config: dict[str, Any]) -> None:
    import redis

    if "URL" in config:
        # A Redis that doesn't answer must not hold the probe past the load balancer's wait.
        client = redis.Redis.from_url(
            config["URL"], socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
    else:
        from django_rq.connection_utils import get_redis_connection

        client = get_redis_connection(config)
    try:
        client.ping()
    finally:
        client.close()


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
