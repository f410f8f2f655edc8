"""`/zoom/webhook`: where Zoom posts event notifications and deauthorizations.

The status ladder: 401 for a missing, wrong or stale signature; 400 for a body that is
not a Zoom event; 200 with the challenge answer for `endpoint.url_validation`; 204 for
every verified event, known or not (unknown ones are ignored). Work happens in a task.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from slotlink.accounts.access import public
from slotlink.zoom.webhooks import WebhookRefused, webhook_receive

log = logging.getLogger("slotlink.zoom")


@public
@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    try:
        answer = webhook_receive(
            body=request.body,
            timestamp=request.headers.get("x-zm-request-timestamp", ""),
            signature=request.headers.get("x-zm-signature", ""),
        )
    except WebhookRefused as refused:
        log.info("zoom.webhook.refused status=%s reason=%s", refused.status, refused.reason)
        return JsonResponse({"error": refused.reason}, status=refused.status)
    if answer is not None:
        return JsonResponse(answer)
    return HttpResponse(status=204)
