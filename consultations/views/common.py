"""What every consultation view shares: the access door and the stale-save answer."""

from django.contrib import messages
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _

from consultations.models import Case, Client
from kokona import audit
from kokona.audit import Action
from kokona.models import User

# --- the access door ---------------------------------------------------------------------------


def get_case_for_user(request: HttpRequest, pk: int) -> Case:
    """The case, if the user may see it; otherwise 404, the same whether it exists or not."""
    user: User = request.user  # type: ignore[assignment]
    case = (
        Case.objects.visible_to(user)
        .select_related("client", "client__age_band", "assigned_to", "primary_concern")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        if Case.objects.filter(pk=pk).exists():
            audit.record(
                Action.DENIED, by=request.user, object_type="consultations.case", object_id=pk
            )
        raise Http404
    return case


def get_client_for_user(request: HttpRequest, pk: int) -> Client:
    user: User = request.user  # type: ignore[assignment]
    client = Client.objects.visible_to(user).select_related("age_band").filter(pk=pk).first()
    if client is None:
        if Client.objects.filter(pk=pk).exists():
            audit.record(
                Action.DENIED, by=request.user, object_type="consultations.client", object_id=pk
            )
        raise Http404
    return client


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def current_version(data: QueryDict, record: Case | Client) -> QueryDict:
    """The posted form again, now on the version just saved by someone else: what the user
    typed is kept, and saving once more (after a look) goes through."""
    record.refresh_from_db()
    data = data.copy()
    data["version"] = str(record.version)
    return data


def say_conflict(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else saved this case after you opened it. Their changes are kept; yours are"
            " still in the form below: check the page and save again."
        ),
    )
