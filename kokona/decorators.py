"""The one decorator views use to say who may use them."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from kokona.roles import Role


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let through signed-in users holding one of `roles`; send others to sign in or refuse them.

    A refusal is a 403, which leaves a `denied` audit event (kokona.views.pages.permission_denied).
    The view then receives a `kokona.http.AuthenticatedHttpRequest`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):  # type: ignore[union-attr]
                raise PermissionDenied  # audited by kokona.views.pages.permission_denied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator
