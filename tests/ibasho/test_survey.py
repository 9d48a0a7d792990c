"""The paper survey tallied after a session: one SurveyResponse an answer, for reports."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kokona.models import AuditEvent
from reports import surveys
from reports.models import SurveyResponse
from tests.ibasho.factories import make_session


def test_a_tally_writes_one_answer_per_tick(client_as, counselor):
    session = make_session()

    response = client_as("counselor").post(
        reverse("ibasho:survey", args=[session.pk]),
        {
            "answered_on": "2026-11-12",
            "answer_5": "4",
            "answer_4": "3",
            "answer_3": "1",
            "answer_2": "0",
            "answer_1": "0",
        },
    )

    assert response.status_code == 302
    answers = SurveyResponse.objects.all()
    assert answers.count() == 8
    assert sorted(answers.values_list("satisfaction", flat=True)) == [3, 4, 4, 4, 5, 5, 5, 5]
    assert {(a.program, a.session, a.answered_on, a.created_by) for a in answers} == {
        (session.program, session, dt.date(2026, 11, 12), counselor)
    }
    event = AuditEvent.objects.get(object_type="reports.surveyresponse")
    assert event.detail["tally"] == {"5": 4, "4": 3, "3": 1}
    page = client_as("counselor").get(reverse("ibasho:survey", args=[session.pk])).content.decode()
    assert "8 件を集計済み" in page and "大変満足 4" in page


def test_an_empty_tally_is_refused(client_as):
    session = make_session()

    response = client_as("counselor").post(
        reverse("ibasho:survey", args=[session.pk]),
        {"answered_on": "2026-11-12", **{f"answer_{n}": "0" for n in range(1, 6)}},
    )

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_the_service_is_all_or_nothing(counselor):
    with pytest.raises(ValidationError):
        surveys.record_tally(
            counts={5: 2, 7: 1}, answered_on=dt.date(2026, 11, 12), program=None, by=counselor
        )
    assert not SurveyResponse.objects.exists()


def test_counts_for_a_session(counselor):
    session = make_session()
    surveys.record_tally(
        counts={5: 2, 1: 1},
        answered_on=dt.date(2026, 11, 12),
        program=session.program,
        session=session,
        by=counselor,
    )

    assert surveys.counts_for_session(session.pk) == {5: 2, 4: 0, 3: 0, 2: 0, 1: 1}
