"""The year's figures taken away: CSV with kpi_report's columns, the Excel year-end report, the
printable page and the PDF; each leaves an audit event, none runs a formula, Japanese stays."""

import csv
import datetime as dt
import io
import shutil
import subprocess  # nosec B404 - pdfinfo, to read the PDF's page size
import tempfile

from django.urls import reverse
from openpyxl import load_workbook

from kokona import indicators as registry
from kokona.fiscal import JST
from kokona.models import AuditEvent
from reports.models import SurveyResponse
from tests.consultations.factories import make_contact


def exported(client, name: str, year: int = 2021):
    response = client.get(reverse(f"reports:{name}", args=[year]))
    assert response.status_code == 200
    return response


def test_the_csv_has_the_kpi_report_columns_and_leaves_an_audit_event(client_as, city_staff):
    SurveyResponse.objects.create(answered_on=dt.date(2021, 5, 1), satisfaction=5)

    response = exported(client_as("city_staff"), "export_csv")

    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["code", "name", "unit", "target", "actual", "achievement_rate"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["satisfaction_rate"][1:] == ["満足度", "%", "80", "100", "125.0"]
    assert by_code["survey_responses"][4] == "5未満"  # one answer, to the city
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.detail["format"], event.object_id) == (city_staff, "csv", "2021")


def test_supervisors_get_the_small_counts(client_as):
    SurveyResponse.objects.create(answered_on=dt.date(2021, 5, 1), satisfaction=5)

    text = exported(client_as("supervisor"), "export_csv").content.decode()

    assert "survey_responses,アンケート回答数,件,,1," in text


def test_exported_cells_never_run_as_formulas(client_as, monkeypatch):
    # A copy of the registry for this test alone: the indicator is gone afterwards.
    monkeypatch.setattr(registry, "_indicators", dict(registry._indicators))
    registry.register("evil", '=HYPERLINK("http://evil.example","開く")', unit="@件", order=999)(
        lambda year: 12
    )
    client = client_as("city_staff")
    text = exported(client, "export_csv").content.decode()
    book = load_workbook(io.BytesIO(exported(client, "export_xlsx").content))

    assert '\'=HYPERLINK(""http://evil.example"",""開く"")' in text
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
    assert '\'=HYPERLINK("http://evil.example","開く")' in cells
    assert "'@件" in cells
    assert not any(isinstance(c, str) and c.startswith(("=", "@", "+", "-")) for c in cells)


def test_the_excel_report_is_laid_out_as_the_year_end_table(client_as):
    response = exported(client_as("city_staff"), "export_xlsx")

    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0][0] == "釧路市女性活躍推進つながりサポート事業"
    assert rows[1][0] == "令和3年度（2021年度）"
    assert rows[3][:4] == ["指標", "単位", "目標値", "実績値"]
    sites = next(row for row in rows if row[0] == "生理用品の配置場所数")
    assert sites[2] == 70
    assert any(row[0] == "月別の推移" for row in rows)
    assert AuditEvent.objects.filter(action="export", detail__format="xlsx").exists()


def test_the_printable_report_names_the_project_and_the_day(client_as):
    html = exported(client_as("city_staff"), "year_report").content.decode()

    assert "釧路市女性活躍推進つながりサポート事業" in html
    assert "現在" in html and "令和" in html
    assert AuditEvent.objects.filter(action="export", detail__format="print").exists()


def test_the_pdf_is_an_a4_document(client_as):
    response = exported(client_as("city_staff"), "year_report_pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    info = pdfinfo(response.content)
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert AuditEvent.objects.filter(action="export", detail__format="pdf").exists()


def pdfinfo(content: bytes) -> str:
    program = shutil.which("pdfinfo")
    assert program, "pdfinfo (poppler-utils) is needed: bash .ci/run installs it"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run(  # noqa: S603  # nosec B603 - a fixed program on our own file
            [program, pdf.name], check=True, capture_output=True, text=True
        ).stdout


def test_the_excel_report_carries_the_breakdowns_hidden_as_on_the_city_page(client_as):
    for i, channel in enumerate(["phone"] * 7 + ["line"] * 2):
        make_contact(at=dt.datetime(2021, 5, 1, 10, i, tzinfo=JST), channel=channel)

    city = load_workbook(io.BytesIO(exported(client_as("city_staff"), "export_xlsx").content))
    npo = load_workbook(io.BytesIO(exported(client_as("supervisor"), "export_xlsx").content))

    def channel_rows(book) -> dict[str, list[object]]:
        rows = [[c.value for c in row] for row in book.active.iter_rows()]
        start = next(i for i, row in enumerate(rows) if row[0] == "相談経路別の相談件数（件）")
        assert rows[start + 1][:2] == ["区分", "相談件数"]
        end = next(i for i in range(start, len(rows)) if not any(rows[i]))
        return {row[0]: row[1:] for row in rows[start + 2 : end]}

    assert channel_rows(city)["LINE"][0] == "5未満"
    assert channel_rows(city)["電話"][0] == "非表示"
    assert channel_rows(city)["計"][0] == 9
    assert channel_rows(npo)["LINE"][0] == 2 and channel_rows(npo)["電話"][0] == 7
