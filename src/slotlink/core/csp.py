"""Every response carries a Content-Security-Policy (django-csp), so that markup an attacker
gets onto a page can't run script, load from elsewhere or post a form off-site.

The policy itself is in settings (CONTENT_SECURITY_POLICY). This middleware adds what
settings can't know when they load:
- where forms may send the browser besides slotlink (`form-action`): a provider's sign-in
  and start pages, which an app names with `register_form_targets` (read per request, so
  a changed setting counts at once);
- who may frame the invitee's pages (`PUBLIC_FRAME_ANCESTORS` under
  `PUBLIC_PAGE_PREFIXES`); their embed variant (`?embed=1`, scheduling/embed.py) by any
  site (`EMBED_FRAME_ANCESTORS`), since a host pastes it on a site of their own; every
  other page may be framed by no one.
"""

from collections.abc import Callable, Iterable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

FormTargets = Callable[[], Iterable[str]]
_form_targets: list[FormTargets] = []


def register_form_targets(targets: FormTargets) -> None:
    """Add origins slotlink's forms may lead the browser to (a POST answered with a
    redirect there counts too); apps call this in `ready`."""
    if targets not in _form_targets:
        _form_targets.append(targets)


def is_public_page(path: str) -> bool:
    return path.startswith(tuple(settings.PUBLIC_PAGE_PREFIXES))


def frame_ancestors(request: HttpRequest) -> list[str] | None:
    """Who may frame this page, when it isn't the policy's 'none'. Only the public pages'
    embed variant is open to every site: it shows what the public page shows, and the
    signed-in pages a clickjacker would want stay framed by no one."""
    if not is_public_page(request.path_info):
        return None
    if request.GET.get("embed") == "1":
        return list(settings.EMBED_FRAME_ANCESTORS)
    return list(settings.PUBLIC_FRAME_ANCESTORS)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the form targets and framing above. Sits below
    XFrameOptionsMiddleware, so an invitee's page can tell it which X-Frame-Options fits."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        targets = [origin for collect in _form_targets for origin in collect()]
        if targets:
            update["form-action"] = [*update.get("form-action", []), *targets]
        parts.update = update
        ancestors = frame_ancestors(request)
        if ancestors is not None:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ancestors}
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        ancestors = frame_ancestors(request)
        if ancestors is not None:
            # Browsers obey frame-ancestors over X-Frame-Options; older ones read only the
            # latter, which can say "this site" but can't name another.
            if ancestors == ["'self'"]:
                response["X-Frame-Options"] = "SAMEORIGIN"
            elif ancestors != ["'none'"]:
                response.xframe_options_exempt = True  # type: ignore[attr-defined]
        return super().process_response(request, response)
