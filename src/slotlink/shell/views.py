"""The shell's own pages: the root redirect, the /360/ home, health checks, the queue."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from slotlink.accounts.access import member_required, platform_staff_required, public
from slotlink.core.health import readiness_problems
from slotlink.core.metrics import metrics_exposition
from slotlink.core.selectors import RQ_BACKEND, queue_stats, task_backend_path, workers_seen


@public
def root(request: HttpRequest) -> HttpResponse:
    return redirect("home")


@member_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("events")


@public
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness, for load balancers and `slotlink run`: this process answers. It touches
    nothing else, so a database outage doesn't get healthy web processes restarted."""
    return JsonResponse({"status": "ok"})


@public
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers, and Redis when tasks go through RQ; 503 naming
    what failed otherwise, so a load balancer stops sending traffic here meanwhile."""
    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "unavailable", "failed": problems}, status=503)
    return JsonResponse({"status": "ok"})


@platform_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The task queue's health: how much waits and for how long, what failed, who works."""
    return render(
        request,
        "shell/queue.html",
        {
            "stats": queue_stats(),
            "backend": task_backend_path(),
            "workers": workers_seen(),
            "worker_command": (
                "slotlink rqworker --with-scheduler"
                if task_backend_path() == RQ_BACKEND
                else "slotlink db_worker"
            ),
        },
    )


LOOPBACK_ADDRESSES = {"127.0.0.1", "::1"}


@public
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape. With SLOTLINK_METRICS_TOKEN set, only for `Authorization: Bearer
    <token>`; without it the page does not exist (404), except in the demo, where it
    answers this machine only (a proxy on the same machine would make every visitor look
    local, so production needs the token)."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            response = JsonResponse({"error": "a valid bearer token is required"}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="slotlink metrics"'
            return response
    elif not (settings.DEMO and request.META.get("REMOTE_ADDR") in LOOPBACK_ADDRESSES):
        raise Http404("Metrics are off: set SLOTLINK_METRICS_TOKEN to turn them on.")
    return HttpResponse(
        metrics_exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
