"""/healthz says the web process answers; /readyz whether what it needs answers too."""

import socket
import threading

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


# What a Redis 7 answers to the client's greeting (HELLO 3): who it is, in RESP3.
HELLO_ANSWER = (
    b"%7\r\n+server\r\n+redis\r\n+version\r\n+7.0.0\r\n+proto\r\n:3\r\n+id\r\n:1\r\n"
    b"+mode\r\n+standalone\r\n+role\r\n+master\r\n+modules\r\n*0\r\n"
)


def _redis_answer(command: bytes) -> bytes:
    name = command.upper()
    if b"PING" in name:
        return b"+PONG\r\n"
    if b"HELLO" in name:
        return HELLO_ANSWER
    return b"+OK\r\n"  # the client's CLIENT SETINFO and the like


@pytest.fixture
def redis_url():
    """A stand-in for Redis (a service outside the project) on a free port, speaking just
    enough of its protocol for a client to connect and PING."""
    server = socket.create_server(("127.0.0.1", 0))

    def answer(connection: socket.socket) -> None:
        with connection:
            while data := connection.recv(65536):
                commands = data.split(b"*")[1:]  # one RESP array per command
                connection.sendall(b"".join(_redis_answer(command) for command in commands))

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return  # closed at the end of the test
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.mark.django_db
def test_readyz_is_ready_when_the_rq_redis_answers(redis_url, settings):
    """With the RQ backend, a Redis that answers PING makes the process ready."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
