from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kokona.decorators import role_required
from kokona.roles import NPO_STAFF


@require_GET
@role_required(*NPO_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "ibasho/home.html")
