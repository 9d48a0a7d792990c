"""No code reads a woman's records except through `visible_to(user)` (consultations.access).

A read that skips the door is the bug that leaks a restricted case (an earlier one wrote a
police referral into a case the writer could not see). The rule is kept by the code itself:
the default manager of every personal model refuses to run a query that did not go through the
door or say by name that it looks past it. Every other test of the suite runs with that guard on,
so a view, service, form, import or command that read past the door would fail there.
"""

import pghistory.models
import pytest
from django.apps import apps
from django.db import models

from consultations.access import PersonalQuerySet
from consultations.models import Case, CaseStatusChange, Client, Contact, Referral, SupportActivity
from kokona.doors import DoorQuerySet, UnscopedRead
from tests.consultations.factories import agency, make_case, make_client, make_contact

PERSONAL = [Client, Case, Contact, Referral, SupportActivity, CaseStatusChange]


@pytest.fixture
def her_story(counselor):
    """One record of each kind, all about a woman whose case is restricted to `counselor`."""
    case = make_case(make_client("あおい"), assigned_to=counselor, restricted=True)
    make_contact(case)
    Referral.objects.create(case=case, agency=agency())
    SupportActivity.objects.create(case=case, kind=SupportActivity.Kind.VISIT)
    CaseStatusChange.objects.create(case=case, to_status=Case.Status.RECEIVED)
    return case


@pytest.mark.parametrize("model", PERSONAL, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "read",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.filter(pk=1).values_list("pk", flat=True)[:1].get(),
        lambda qs: qs.aggregate(n=models.Count("pk")),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.update(pk=models.F("pk")),
        lambda qs: qs.filter(pk=0).delete(),
    ],
    ids=["list", "count", "exists", "first", "get", "aggregate", "iterator", "update", "delete"],
)
def test_a_read_past_the_door_fails_loudly_and_by_name(her_story, model, read):
    with pytest.raises(UnscopedRead, match=f"{model.__name__}.objects.visible_to"):
        read(model.objects.all())


def test_relations_need_the_door_too(her_story):
    woman = Client.objects.unscoped().get()

    with pytest.raises(UnscopedRead):
        list(woman.cases.all())
    with pytest.raises(UnscopedRead):
        her_story.contacts.count()


@pytest.mark.parametrize("model", PERSONAL, ids=lambda m: m.__name__)
def test_the_door_and_a_named_look_past_it_run(her_story, model, counselor, other_counselor):
    assert model.objects.visible_to(counselor).count() == 1
    assert model.objects.visible_to(other_counselor).count() == 0
    assert model.objects.unscoped().count() == 1


def test_the_door_survives_chaining_and_relations(her_story, counselor, other_counselor):
    woman = Client.objects.visible_to(counselor).get()

    assert list(woman.cases.visible_to(counselor).open()) == [her_story]
    assert list(woman.cases.visible_to(other_counselor)) == []


def test_every_model_about_a_woman_in_every_app_has_a_door():
    """A model that points at her, her case or one of her records (ibasho's attendance, a LINE
    message…) holds something about her: its default manager must be a door."""
    personal = set(PERSONAL)
    found = []
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event):
            continue  # history: read by key rotation only, never by a screen
        points_at_her = any(
            field.is_relation and field.many_to_one and field.related_model in personal
            for field in model._meta.get_fields()
        )
        if model in personal or points_at_her:
            found.append(model)
            assert isinstance(model._default_manager.all(), DoorQuerySet), model
    assert personal <= set(found)


def test_each_door_says_how_its_rows_reach_her():
    for model in PERSONAL:
        queryset = model.objects.all()
        assert isinstance(queryset, PersonalQuerySet)
        assert queryset.client_path


@pytest.mark.parametrize("model", [Client, Case, Contact], ids=lambda m: m.__name__)
def test_the_door_holds_inside_another_query(her_story, model, counselor, other_counselor):
    """The door's SQL is kokona's own (access.WomanSeenBy): as a subquery of another query, its
    aliases must still point at the rows of its own query, not at the enclosing query's."""
    plain = make_contact(make_case(make_client("ふつう")))  # restricted from nobody

    def seen_within(user):
        inner = model.objects.visible_to(user).values("pk")
        return set(model.objects.visible_to(user).filter(pk__in=inner).values_list("pk", flat=True))

    hers = {Client: plain.client_id, Case: plain.case_id, Contact: plain.pk}[model]
    assert seen_within(other_counselor) == {hers}
    assert seen_within(counselor) == set(model.objects.unscoped().values_list("pk", flat=True))
    assert set(
        Case.objects.unscoped()
        .filter(pk__in=Case.objects.visible_to(other_counselor).values("pk"))
        .values_list("pk", flat=True)
    ) == {plain.case_id}


def test_the_door_sees_a_woman_in_his_charge_too_and_a_contact_about_nobody(
    her_story, counselor, other_counselor
):
    woman = her_story.client
    anonymous = make_contact()  # a one-off contact about no woman on record

    assert list(Contact.objects.visible_to(other_counselor)) == [anonymous]

    his = make_case(woman, assigned_to=other_counselor)  # she is now in his charge too

    assert list(Client.objects.visible_to(other_counselor)) == [woman]
    assert list(Case.objects.visible_to(other_counselor)) == [his]  # not the restricted one
    assert set(Case.objects.visible_to(counselor)) == {her_story, his}
