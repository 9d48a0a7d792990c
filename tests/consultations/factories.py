"""Plain factories for the consultation records: fixed values, nothing random. Each test builds
what it needs with them."""

import datetime as dt

from django.apps import apps

from consultations.models import Agency, Case, Client, Contact
from kokona.fiscal import JST
from kokona.models import User


def vocabulary(model_name: str, code: str):
    return apps.get_model("consultations", model_name).objects.get(code=code)


def make_client(nickname: str = "みさき", *, by: User | None = None, **fields: object):
    client = Client(nickname=nickname, created_by=by, **fields)
    client.save()
    return client


def make_case(client=None, *, assigned_to: User | None = None, **fields: object):
    """A case; its main concern, when given, is among its concerns as the services keep it."""
    client = client or make_client()
    case = Case.objects.create(client=client, assigned_to=assigned_to, **fields)
    if case.primary_concern_id is not None:
        case.categories.add(case.primary_concern_id)
    return case


def make_contact(case=None, *, client=None, at=None, channel: str = "line", **fields: object):
    """A contact on `case` (its woman), or an anonymous one-off when neither is given."""
    if case is not None:
        client = case.client
    fields.setdefault("summary", "眠れない日が続いている")
    return Contact.objects.create(
        case=case,
        client=client,
        channel=vocabulary("Channel", channel),
        occurred_at=at or dt.datetime(2026, 11, 20, 22, 0, tzinfo=JST),
        **fields,
    )


def agency(name: str = "ハローワーク釧路"):
    return Agency.objects.get(name=name)
