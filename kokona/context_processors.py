from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kokona.roles import Role
from kokona.two_factor import sign_in_complete

# (label, url name, roles that see it). Order is the order on screen.
_NAVIGATION = [
    (_("Consultations"), "consultations:home", (Role.COUNSELOR, Role.SUPERVISOR)),
    (_("Drop-in space"), "ibasho:home", (Role.COUNSELOR, Role.SUPERVISOR)),
    (_("Supplies"), "supplies:home", (Role.SITE_MANAGER, Role.SUPERVISOR)),
    (_("Reports"), "reports:home", (Role.CITY_STAFF, Role.SUPERVISOR)),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees: only the places their role may go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not sign_in_complete(user):
        return {"navigation": []}
    items = []
    for label, url_name, roles in _NAVIGATION:
        if user.has_role(*roles):
            url = reverse(url_name)
            items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"navigation": items}
