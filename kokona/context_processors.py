from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from kokona import navigation as registry
from kokona.two_factor import sign_in_complete


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees: only the places their role may go (kokona.navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    # As kokona.middleware.TwoFactorMiddleware found it, or asked here on the pages it leaves open.
    complete = getattr(request, "sign_in_complete", None)
    if not (sign_in_complete(user) if complete is None else complete):
        return {"navigation": []}
    items = []
    for entry in registry.entries():
        if user.has_role(*entry.roles):
            url = reverse(entry.url_name)
            items.append(
                {"label": entry.label, "url": url, "current": request.path.startswith(url)}
            )
    return {"navigation": items}


def session_timeout(request: HttpRequest) -> dict[str, object]:
    """The idle timeout, for the page's warning two minutes before it (static/js/kokona.js)."""
    return {"session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds())}
