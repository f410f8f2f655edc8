"""/healthz says the web process answers; /readyz whether what it needs answers too."""

import httpx
import pytest
from django.test import Client, override_settings

from tests.ports import free_port
from tests.web_process import WebProcess


def test_healthz_answers_without_touching_the_database():
    """Liveness needs no database: this test has no database access at all."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_when_the_database_does():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.processes
def test_readyz_names_the_database_when_it_is_down():
    """A web process whose PostgreSQL does not answer stays alive (/healthz 200) but is not
    ready: /readyz answers 503 saying the database failed."""
    nowhere = f"postgres://slotlink@127.0.0.1:{free_port()}/slotlink"
    with WebProcess({"DATABASE_URL": nowhere}) as web:
        assert httpx.get(f"{web.url}/healthz").status_code == 200
        ready = httpx.get(f"{web.url}/readyz", timeout=30)
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert list(body["failed"]) == ["database"]
    assert body["failed"]["database"].startswith("the database did not answer")


@pytest.mark.django_db
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
    RQ_QUEUES={"default": {"URL": f"redis://127.0.0.1:{free_port()}/0"}},
)
def test_readyz_asks_redis_when_tasks_go_through_rq():
    """With the RQ backend a Redis that does not answer makes the process not ready."""
    response = Client().get("/readyz")
    assert response.status_code == 503
    failed = response.json()["failed"]
    assert list(failed) == ["redis"]
    assert failed["redis"].startswith("Redis did not answer")
