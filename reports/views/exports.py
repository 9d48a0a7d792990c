"""The year's figures to take away: the KPI table as CSV, the year-end report as Excel and as an
A4 page to print. Each download leaves an audit event; city staff get the same hiding of small
counts (and the locked snapshot) as on the dashboard."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from kokona import audit
from kokona.decorators import role_required
from kokona.fiscal import fiscal_year_label
from kokona.http import AuthenticatedHttpRequest
from kokona.spreadsheets import csv_bytes, xlsx_bytes
from reports import dashboard as dashboards
from reports.breakdowns import BreakdownTable
from reports.pdf import pdf_bytes
from reports.suppression import Cell
from reports.views import READERS, checked_year, reader_view
from reports.wareki import wareki_date

FIELDS = ["code", "name", "unit", "target", "actual", "achievement_rate"]


def _value(cell: Cell) -> object:
    return cell.reason if cell.hidden else cell.value


def _kpi_rows(board: dashboards.Dashboard) -> list[list[object]]:
    return [
        [
            card.code,
            card.name,
            card.unit,
            card.target,
            _value(card.actual),
            card.achievement_rate,
        ]
        for card in board.cards
        if card.registered
    ]


def _audit(request: AuthenticatedHttpRequest, year: int, kind: str) -> None:
    audit.record(
        audit.Action.EXPORT,
        by=request.user,
        object_type="reports.kpi",
        object_id=year,
        detail={"format": kind, "fiscal_year": year},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(*READERS)
def kpi_csv(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """`kpi_report`'s columns, one row per indicator (UTF-8 with BOM, for Excel in Japan)."""
    view = reader_view(request.user)
    board = dashboards.build(checked_year(year), with_trends=False, **view)  # type: ignore[arg-type]
    _audit(request, year, "csv")
    return _download(
        csv_bytes(FIELDS, _kpi_rows(board)), "text/csv; charset=utf-8", f"kpi-{year}.csv"
    )


@require_GET
@role_required(*READERS)
def kpi_xlsx(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The year-end report table (実績報告): title, the indicators, then the months."""
    board = dashboards.build(checked_year(year), **reader_view(request.user))  # type: ignore[arg-type]
    label = fiscal_year_label(year)
    rows: list[list[object]] = [
        [label, _("%s as of") % wareki_date(board.as_of)],
        [],
        [_("Indicator"), _("Unit"), _("Target"), _("Actual"), _("Achievement (%)"), _("Status")],
    ]
    for card in board.cards:
        rows.append(
            [
                card.name,
                card.unit,
                card.target,
                _value(card.actual),
                card.achievement_rate,
                card.status,
            ]
        )
    rows += [[], [_("Month by month")], [_("Indicator"), *[f"{m}月" for m in dashboards.MONTHS]]]
    for trend in board.trends:
        rows.append([trend.name, *[_value(now) for _m, now, _b in trend.months]])
    rows += [[], [_("Breakdowns")]]
    for table in board.breakdowns:
        rows += _breakdown_rows(table)
    _audit(request, year, "xlsx")
    title = _("Kushiro City Women's Advancement Connection Support Project")
    return _download(
        xlsx_bytes([title], rows, title=f"{year}"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"year-end-report-{year}.xlsx",
    )


def _breakdown_rows(table: BreakdownTable) -> list[list[object]]:
    """A breakdown as the report table lays it out: its title, the heading, a row per category
    and the totals, with what is hidden for the reader hidden here too."""
    total = [_("Total")] if table.row_total else []
    rows: list[list[object]] = [
        [],
        [table.title + (f"（{table.unit}）" if table.unit else "")],
        [pgettext("breakdown", "Category"), *table.columns, *total],
    ]
    for label, cells, row_total in table.rows:
        rows.append([label, *map(_value, cells), *([_value(row_total)] if row_total else [])])
    if table.column_totals is not None and table.rows:
        grand = [_value(table.grand)] if table.grand is not None else []
        rows.append([_("Total"), *map(_value, table.column_totals), *grand])
    return rows


def _report_context(request: AuthenticatedHttpRequest, year: int) -> dict[str, object]:
    board = dashboards.build(checked_year(year), **reader_view(request.user))  # type: ignore[arg-type]
    return {
        "board": board,
        "year": year,
        "year_label": fiscal_year_label(year),
        "as_of_wareki": wareki_date(board.as_of),
    }


@require_GET
@role_required(*READERS)
def year_report(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The year-end report on A4: the dashboard's figures laid out for paper."""
    context = _report_context(request, year)
    _audit(request, year, "print")
    return render(request, "reports/year_report.html", context)


@require_GET
@role_required(*READERS)
def year_report_pdf(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The same report as an A4 PDF (WeasyPrint), to hand in or attach to a mail."""
    context = _report_context(request, year) | {"pdf": True}
    html = render_to_string("reports/year_report.html", context, request=request)
    _audit(request, year, "pdf")
    return _download(pdf_bytes(html), "application/pdf", f"year-end-report-{year}.pdf")
