from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kokona.decorators import role_required
from kokona.roles import Role


@require_GET
@role_required(Role.SITE_MANAGER, Role.SUPERVISOR)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "supplies/home.html")
