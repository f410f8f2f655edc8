"""The shell's own pages: the root redirect, the /360/ home, and a health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from slotlink.accounts.access import member_required, public


@public
def root(request: HttpRequest) -> HttpResponse:
    return redirect("home")


@member_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("events")


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and `slotlink run`: answers 200 only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
