"""A case's main concern is always among her concerns: the case list's concern filter asks her
concerns alone (consultations.case_list.filtered_cases)."""

import datetime as dt
import importlib

from django.db import connection
from django.urls import reverse

from consultations import services
from consultations.case_list import filtered_cases
from consultations.models import Case
from kokona.fiscal import JST
from tests.consultations.factories import make_client, vocabulary

main_concern_migration = importlib.import_module(
    "consultations.migrations.0021_main_concern_among_concerns"
)


def concerns_of(case: Case) -> set[str]:
    return set(case.categories.values_list("code", flat=True))


def found_by(user, code: str) -> list[int]:
    concern = vocabulary("ConcernCategory", code)
    return [case.pk for case in filtered_cases(user, {"category": concern, "status": "all"})]


def test_a_main_concern_given_apart_from_the_concerns_joins_them(counselor):
    poverty = vocabulary("ConcernCategory", "poverty")
    contact = services.record_contact(
        by=counselor,
        counselor=counselor,
        client=make_client("みさき"),
        channel=vocabulary("Channel", "phone"),
        occurred_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=JST),
        categories=[vocabulary("ConcernCategory", "isolation")],
        primary_concern=poverty,
        summary="家計の相談",
    )

    case = contact.case
    assert case.primary_concern == poverty
    assert concerns_of(case) == {"isolation", "poverty"}
    assert found_by(counselor, "poverty") == [case.pk]


def test_a_main_concern_changed_on_the_edit_page_joins_her_concerns(client_as, counselor):
    case = Case.objects.create(client=make_client("みなと"), assigned_to=counselor)
    housing = vocabulary("ConcernCategory", "housing")
    case.categories.add(housing)
    dv = vocabulary("ConcernCategory", "dv")
    assert found_by(counselor, "dv") == []

    response = client_as("counselor").post(
        reverse("consultations:case_edit", args=[case.pk]),
        {"primary_concern": dv.pk, "categories": [housing.pk], "risk": "low", "version": 1},
    )

    assert response.status_code == 302
    assert concerns_of(case) == {"housing", "dv"}
    assert found_by(counselor, "dv") == [case.pk]


def test_concerns_set_on_the_edit_page_keep_the_main_concern(client_as, counselor):
    dv = vocabulary("ConcernCategory", "dv")
    case = Case.objects.create(
        client=make_client("あかり"), assigned_to=counselor, primary_concern=dv
    )
    poverty = vocabulary("ConcernCategory", "poverty")

    response = client_as("counselor").post(
        reverse("consultations:case_edit", args=[case.pk]),
        {"primary_concern": dv.pk, "categories": [poverty.pk], "risk": "low", "version": 1},
    )

    assert response.status_code == 302
    assert concerns_of(case) == {"poverty", "dv"}


def test_the_migration_puts_each_main_concern_among_the_concerns_once(counselor):
    dv = vocabulary("ConcernCategory", "dv")
    apart = Case.objects.create(client=make_client("A"), assigned_to=counselor, primary_concern=dv)
    among = Case.objects.create(client=make_client("B"), assigned_to=counselor, primary_concern=dv)
    among.categories.add(dv)
    none = Case.objects.create(client=make_client("C"), assigned_to=counselor)

    for _ in range(2):  # run again, it adds nothing
        with connection.cursor() as cursor:
            cursor.execute(main_concern_migration.SQL)

    assert concerns_of(apart) == {"dv"}
    assert among.categories.count() == 1
    assert concerns_of(none) == set()
    assert sorted(found_by(counselor, "dv")) == sorted([apart.pk, among.pk])


def test_the_edit_page_says_the_main_concern_is_among_the_concerns(client_as, counselor):
    case = Case.objects.create(client=make_client("ゆい"), assigned_to=counselor)

    html = client_as("counselor").get(reverse("consultations:case_edit", args=[case.pk]))

    assert "主訴は相談内容にも必ず含まれます" in html.content.decode()
