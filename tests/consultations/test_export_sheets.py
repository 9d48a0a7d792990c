"""Her export as a Japanese Excel workbook, and a wrong password answered beside the field with
the tries left, the export panel still open (issue 8.10)."""

import datetime as dt
import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from kokona.models import AuditEvent
from tests.conftest import PASSWORD
from tests.consultations.factories import make_case, make_client, make_contact

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(client, woman, **data):  # type: ignore[no-untyped-def]
    url = reverse("consultations:client_export", args=[woman.pk])
    return client.post(url, {"password": PASSWORD, **data})


def _sheets(response) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_her_record_as_a_japanese_workbook(client_as, counselor, supervisor):
    woman = make_client("ちか", phone="090-5555-6666", strengths="絵が得意")
    make_contact(make_case(woman, assigned_to=counselor), summary="仕事のことで相談")

    response = _export(client_as("supervisor"), woman, format="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert re.fullmatch(
        rf'attachment; filename="client-{woman.pk}-\d{{8}}\.xlsx"',
        response["Content-Disposition"],
    )
    sheets = _sheets(response)
    assert list(sheets)[:3] == ["相談者", "ケース", "相談記録"]
    about_her = dict(sheets["相談者"][1:])
    assert about_her["呼び名"] == "ちか"
    assert about_her["電話番号"] == "090-5555-6666"
    header, contact = sheets["相談記録"][0], sheets["相談記録"][1]
    assert "相談の内容" in header and "仕事のことで相談" in contact
    when = contact[header.index("日時")]
    assert isinstance(when, dt.datetime)  # a date Excel can sort, in Japan time
    assert "閲覧・変更の記録" in sheets
    event = AuditEvent.objects.get(action="export")
    assert event.actor == supervisor and event.detail == {"format": "xlsx"}


def test_no_english_heading_and_no_formula_in_the_workbook(client_as, counselor):
    woman = make_client("=HYPERLINK(1)", strengths="+1 かけ算が得意")
    make_contact(make_case(woman, assigned_to=counselor), summary="@相談")

    sheets = _sheets(_export(client_as("supervisor"), woman, format="xlsx"))

    for title, rows in sheets.items():
        assert not re.search(r"[A-Za-z]{3,}", title.replace("LINE", "")), title
        for heading in rows[0]:
            assert not re.search(r"[A-Za-z]{3,}", str(heading).replace("LINE", "")), heading
    cells = [c for rows in sheets.values() for row in rows for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(1)" in cells and "'+1 かけ算が得意" in cells and "'@相談" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_a_wrong_password_shows_beside_the_field_with_the_tries_left(client_as, supervisor):
    woman = make_client("ちか")
    client = client_as("supervisor")

    response = _export(client, woman, format="xlsx", password="not it at all")

    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="panel" id="export" open>' in html
    field = html[html.index('id="export"') :]
    assert "パスワードが正しくありません。あと 4 回まちがえると、30分間使えなくなります。" in field
    assert "field--error" in field
    assert not AuditEvent.objects.filter(action="export").exists()

    for _ in range(3):
        _export(client, woman, password="still wrong")
    last = _export(client, woman, password="still wrong").content.decode()
    assert "パスワードの誤りが続いたため、30分間この操作はできません。" in last
    assert "あと 0 回" not in last


def test_the_panel_stays_closed_until_something_is_wrong(client_as):
    woman = make_client("ちか")

    html = client_as("supervisor").get(woman.get_absolute_url()).content.decode()

    assert '<details class="panel" id="export">' in html
