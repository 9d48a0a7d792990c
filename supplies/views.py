from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kokona.roles import Role, role_required


@require_GET
@role_required(Role.SITE_MANAGER, Role.SUPERVISOR)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "supplies/home.html")
