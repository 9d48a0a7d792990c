"""Survey answers: one by one, as a tally, from a file (twice adds nothing), and from the public
page of a programme's QR code (no sign-in, one answer per visit, rate-limited, CSRF, no session)."""

import io
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import ReachSettings
from kokona.models import AuditEvent
from reports.models import SurveyResponse, SurveySource
from reports.views.surveys import PER_ADDRESS_PER_HOUR, program_token
from tests.conftest import BrowserClient


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_a_supervisor_enters_one_paper_answer(client_as, supervisor):
    response = client_as("supervisor").post(
        reverse("reports:survey_add"),
        {"answered_on": "2021-06-08", "satisfaction": "4", "comment": "また来たい"},
    )

    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.satisfaction, answer.comment, answer.created_by) == (4, "また来たい", supervisor)
    assert AuditEvent.objects.filter(action="create", object_id=str(answer.pk)).exists()


def test_a_future_date_is_refused_and_nothing_written(client_as):
    html = (
        client_as("supervisor")
        .post(reverse("reports:survey_add"), {"answered_on": "2099-01-01", "satisfaction": "4"})
        .content.decode()
    )

    assert "未来の日付は入力できません。" in html
    assert SurveyResponse.objects.count() == 0


def test_a_tally_writes_one_answer_per_sheet(client_as):
    client_as("supervisor").post(
        reverse("reports:survey_tally"),
        {"answered_on": "2021-06-08", "count_5": "3", "count_4": "2", "count_2": "1"},
    )

    assert sorted(SurveyResponse.objects.values_list("satisfaction", flat=True)) == [
        2,
        4,
        4,
        5,
        5,
        5,
    ]


def test_an_empty_tally_is_refused(client_as):
    html = (
        client_as("supervisor")
        .post(reverse("reports:survey_tally"), {"answered_on": "2021-06-08"})
        .content.decode()
    )

    assert "いずれかの回答の枚数を入力してください。" in html
    assert SurveyResponse.objects.count() == 0


FILE = (
    "answered_on,satisfaction,program,comment\n"
    "2021-06-08,大変満足,居場所サロン,\n"
    "2021-06-08,満足,salon,また来たい\n"
    "2021/6/8,満足,salon,また来たい\n"
    "2021-06-09,3,,\n"
)


def import_file(tmp_path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "surveys.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_surveys", str(path), "--as", "haruka", stdout=out)
    return out.getvalue()


def test_importing_the_same_file_twice_adds_nothing(tmp_path, supervisor):
    first = import_file(tmp_path, FILE, "cp932")
    second = import_file(tmp_path, FILE)

    assert "4" in first
    # Two identical rows are two answers, and stay two.
    assert SurveyResponse.objects.count() == 4
    assert SurveyResponse.objects.filter(source=SurveySource.IMPORT, satisfaction=4).count() == 2
    assert "0" in second


def test_a_bad_file_names_line_and_column_and_writes_nothing(tmp_path, supervisor):
    bad = FILE + "2021-06-10,とても良い,salon,\n2030-01-01,5,,\n"

    with pytest.raises(CommandError) as refused:
        import_file(tmp_path, bad)

    message = str(refused.value)
    assert "6" in message and "満足度" in message
    assert "7" in message and "回答日" in message
    assert SurveyResponse.objects.count() == 0


def test_the_import_is_recorded_under_a_supervisor_only(tmp_path, city_staff):
    path = tmp_path / "s.csv"
    path.write_text(FILE)

    with pytest.raises(CommandError):
        call_command("import_surveys", str(path), "--as", "city")


def public_url(code: str = "salon") -> str:
    return reverse("reports:public_survey", args=[program_token(code)])


def visit(client: Client, code: str = "salon") -> str:
    html = client.get(public_url(code)).content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def browser() -> Client:
    # As a phone's browser posts the form: over HTTPS, from the page's own origin.
    return BrowserClient(
        enforce_csrf_checks=True,
        headers={
            "X-Forwarded-Proto": "https",
            "Origin": "https://testserver",
            "Host": "testserver",
        },
    )


def csrf_of(client: Client) -> str:
    return next(v.value for k, v in client.cookies.items() if "csrftoken" in k)


def test_the_public_answers_once_per_visit_without_signing_in(db):
    client = browser()
    token = visit(client)
    data = {
        "satisfaction": "5",
        "comment": "",
        "token": token,
        "csrfmiddlewaretoken": csrf_of(client),
    }

    first = client.post(public_url(), data)
    again = client.post(public_url(), data)  # a double tap, or the form sent again

    assert first.status_code == again.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.source, answer.satisfaction, answer.program.code) == ("web", 5, "salon")
    assert answer.answered_on == timezone.localdate()
    assert set(client.cookies) == {settings.CSRF_COOKIE_NAME}  # no session, no tracking


def test_the_public_page_sets_no_session(db):
    client = browser()
    response = client.get(public_url())

    assert response.status_code == 200
    assert not any("session" in name for name in response.cookies)


def test_a_post_without_the_csrf_token_is_refused(db):
    client = browser()
    token = visit(client)

    response = client.post(public_url(), {"satisfaction": "5", "token": token})

    assert response.status_code == 403
    assert SurveyResponse.objects.count() == 0


def test_a_visit_token_of_another_programme_is_refused(db):
    client = browser()
    token = visit(client, "salon")
    data = {"satisfaction": "5", "token": token, "csrfmiddlewaretoken": csrf_of(client)}

    html = client.post(public_url("learning"), data).content.decode()

    assert "有効期限" in html
    assert SurveyResponse.objects.count() == 0


def test_an_address_sending_too_many_answers_is_slowed_down(db):
    client = browser()
    for _ in range(PER_ADDRESS_PER_HOUR):
        token = visit(client)
        data = {"satisfaction": "4", "token": token, "csrfmiddlewaretoken": csrf_of(client)}
        assert client.post(public_url(), data).status_code == 302

    token = visit(client)
    data = {"satisfaction": "4", "token": token, "csrfmiddlewaretoken": csrf_of(client)}
    response = client.post(public_url(), data)

    assert response.status_code == 429
    assert SurveyResponse.objects.count() == PER_ADDRESS_PER_HOUR


def test_the_qr_code_is_an_svg_of_the_public_address(client_as):
    response = client_as("supervisor").get(reverse("reports:survey_qr", args=["salon"]))

    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    page = client_as("supervisor").get(reverse("reports:survey_codes")).content.decode()
    assert public_url("salon") in page


def test_the_public_pages_carry_the_quick_exit_to_the_address_the_npo_set(db):
    ReachSettings.objects.create(exit_url="https://weather.example.jp/kushiro")
    client = browser()
    token = visit(client)
    data = {"satisfaction": "5", "token": token, "csrfmiddlewaretoken": csrf_of(client)}
    thanks = client.post(public_url(), data, follow=True)

    for page in (client.get(public_url()), thanks):
        html = page.content.decode()
        assert re.search(
            r'<a class="quick-exit" href="https://weather.example.jp/kushiro" data-quick-exit', html
        )
        assert '<body class="public">' in html  # the layout women see, not the staff's
