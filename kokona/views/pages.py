"""The landing redirect, the supervisors' notices, the health check and the refusal pages."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kokona import audit
from kokona.audit import Action
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.models import Notice
from kokona.roles import Role


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    """Each role lands on its own home page."""
    return redirect(request.user.get_home_url())


@require_POST
@role_required(Role.SUPERVISOR)
def notice_seen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A supervisor has looked into a notice: it leaves the home page of every supervisor."""
    notice = get_object_or_404(Notice.objects.unseen(), pk=pk)
    notice.mark_seen(by=request.user)
    audit.record(Action.UPDATE, notice, by=request.user, detail={"fields": ["seen_at"]})
    return redirect("home")


@require_GET
@login_required
def no_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "kokona/no_role.html", status=403)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Every 403 of the site, the admin's included, leaves a `denied` audit event (ASVS 16.3.2)."""
    audit.record(Action.DENIED, by=request.user, detail={"path": request.path})
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid CSRF token: refused, and audited like any refusal."""
    audit.record(
        Action.DENIED, by=request.user, detail={"path": request.path, "csrf": reason[:100]}
    )
    return render(request, "403_csrf.html", status=403)
