"""/metrics: Prometheus' text, behind a bearer token; counters recorded in any slotlink
process (web or worker) appear in it, gauges are read from the database at scrape time."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.test import Client, override_settings

from slotlink.zoom.models import WebhookEvent
from slotlink.zoom.webhook_tasks import webhook_event_handle
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.workers import database_url
from tests.web_process import WebProcess

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests"


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_need_the_bearer_token():
    assert Client().get("/metrics").status_code == 401
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    right = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain; version=0.0.4")


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="")
def test_without_a_token_metrics_are_off():
    """Even from this machine: behind a local proxy every visitor would look local."""
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="", DEMO=True)
def test_the_demo_serves_metrics_to_this_machine_only():
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="10.0.0.8").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_queue_gauges_are_read_at_scrape_time():
    for _ in range(3):
        write_marker.enqueue("/dev/null", "x")
    scraped = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "slotlink_task_queue_depth 3.0" in scraped
    assert "slotlink_task_queue_oldest_wait_seconds " in scraped
    assert "slotlink_workers_alive 0.0" in scraped


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_a_counter_a_worker_records_is_served_by_the_web_processes(tmp_path):
    """A webhook event handled by a `slotlink db_worker` process is counted in the metrics
    that gunicorn's web processes serve: they share PROMETHEUS_MULTIPROC_DIR."""
    env = {
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "SLOTLINK_METRICS_TOKEN": TOKEN,
    }
    event = WebhookEvent.objects.create(
        key="k" * 64,
        event="app_deauthorized",
        payload={"event": "app_deauthorized", "payload": {"user_id": "nobody"}},
    )
    webhook_event_handle.enqueue(event.id)
    worker = subprocess.run(
        [sys.executable, "-m", "slotlink", "db_worker", "--batch", "--threads=1"],
        cwd=ROOT,
        env={
            **os.environ,
            "SLOTLINK_MODE": "test",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    event.refresh_from_db()
    assert event.result == "ignored: no connection to this Zoom user"

    with WebProcess(env) as web:
        refused = httpx.get(f"{web.url}/metrics")
        scraped = httpx.get(f"{web.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 401
    assert scraped.status_code == 200
    assert (
        'slotlink_zoom_webhook_events_total{event="app_deauthorized",outcome="handled"} 1.0'
        in scraped.text
    )
    assert "slotlink_task_queue_depth 0.0" in scraped.text
