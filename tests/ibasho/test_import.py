"""`manage.py import_sessions FILE --as USERNAME` and the same upload on the web."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ibasho.indicators import ibasho_attendance, ibasho_sessions
from ibasho.models import Session
from kokona.fiscal import JST
from kokona.models import AuditEvent, ImportBatch

HEADER = "date,start,end,program,venue,participants,children_in_childcare,notes\n"
ROWS = (
    "2021-04-13,10:00,12:00,居場所サロン,ふらっと,6,0,\n"
    "2021/4/27,10:00,12:00,salon_childcare,,4,3,初参加2名\n"
    "2022/3/31,13:30,15:00,学びの場,生涯学習センター,8人,,お金の話\n"
)


def run(tmp_path, text: str, *, encoding: str = "utf-8") -> str:
    path = tmp_path / "sessions.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_sessions", str(path), "--as", "haruka", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def importer(supervisor):
    return supervisor


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_reads_each_encoding_labels_and_codes(tmp_path, encoding, supervisor):
    output = run(tmp_path, HEADER + ROWS, encoding=encoding)

    sessions = list(Session.objects.order_by("starts_at"))
    assert [s.program.code for s in sessions] == ["salon", "salon_childcare", "learning"]
    first = sessions[0]
    assert first.starts_at == dt.datetime(2021, 4, 13, 10, tzinfo=JST)
    assert (first.venue, first.anonymous_count, first.created_by) == ("ふらっと", 6, supervisor)
    assert (sessions[1].anonymous_count, sessions[1].anonymous_children) == (4, 3)
    assert sessions[2].anonymous_count == 8 and sessions[2].notes == "お金の話"
    assert "3" in output
    assert AuditEvent.objects.filter(action="create", object_type="ibasho.session").count() == 3


def test_the_imported_year_counts_in_the_indicators(tmp_path):
    run(tmp_path, HEADER + ROWS)

    assert ibasho_sessions(2021) == 3
    assert ibasho_attendance(2021) == 6 + 4 + 8


def test_japanese_headings(tmp_path):
    run(tmp_path, "開催日,開始,終了,プログラム,会場,参加者数,託児人数,備考\n" + ROWS)

    assert Session.objects.count() == 3


def test_importing_the_same_file_again_adds_nothing(tmp_path):
    run(tmp_path, HEADER + ROWS)

    output = run(tmp_path, HEADER + ROWS)

    assert Session.objects.count() == 3
    assert "取り込み済みでスキップしたもの 3 件" in output


@pytest.mark.parametrize(
    "row, column",
    [
        ("2021-02-30,10:00,12:00,居場所サロン,,1,0,\n", "日付"),
        ("2099-04-01,10:00,12:00,居場所サロン,,1,0,\n", "日付"),
        ("2021-05-01,25:00,12:00,居場所サロン,,1,0,\n", "開始"),
        ("2021-05-01,12:00,10:00,居場所サロン,,1,0,\n", "終了"),
        ("2021-05-01,10:00,12:00,ヨガ,,1,0,\n", "プログラム"),
        ("2021-05-01,10:00,12:00,居場所サロン,,たくさん,0,\n", "参加者数"),
        ("2021-05-01,10:00,12:00,居場所サロン,,1,-1,\n", "託児の子ども"),
    ],
)
def test_a_bad_row_writes_nothing_and_names_its_line(tmp_path, row, column):
    with pytest.raises(CommandError) as error:
        run(tmp_path, HEADER + ROWS + row)

    assert f"5行目「{column}」" in str(error.value)
    assert not Session.objects.exists()


def test_the_command_is_in_the_readme(capsys):
    with pytest.raises(SystemExit):
        call_command("import_sessions", "--help")

    assert "--as USERNAME" in capsys.readouterr().out
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "import_sessions FILE --as USERNAME" in readme
    assert "## Ibasho / 居場所" in readme


def test_the_same_upload_on_the_web(client_as, supervisor):
    client = client_as("supervisor")
    upload = SimpleUploadedFile("sessions.csv", (HEADER + ROWS).encode("cp932"), "text/csv")

    response = client.post(reverse("import_upload", args=["sessions"]), {"file": upload})

    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_preview", args=["sessions", batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "追加する開催回" in preview and "居場所サロン" in preview
    assert not Session.objects.exists()  # nothing until the worker applies it


def test_a_bad_upload_names_the_line(client_as):
    upload = SimpleUploadedFile(
        "sessions.csv", (HEADER + "2021-05-01,10:00,12:00,ヨガ,,1,0,\n").encode(), "text/csv"
    )

    response = client_as("supervisor").post(
        reverse("import_upload", args=["sessions"]), {"file": upload}
    )

    assert response.status_code == 400
    assert "2行目「プログラム」" in response.content.decode()
    assert not ImportBatch.objects.exists()
