"""`manage.py import_sites FILE --as USERNAME` and the same upload on the web page."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kokona import importing
from kokona.models import AuditEvent, ImportBatch
from supplies import exports
from supplies.models import Site
from tests.supplies.factories import make_site

HEADER = "name,category,school_level,address,phone,has_consultation,started_on,ended_on\n"
ROWS = (
    "釧路市 こども支援課,市役所関係課,,釧路市黒金町7丁目5,0154-31-4593,はい,2021-06-01,\n"
    "釧路市立 鳥取小学校,school_nurse,elementary,釧路市鳥取大通,,いいえ,2021/6/1,\n"
    "釧路公立大学,学校保健室,大学,,,no,2021/9/1,2022/3/31\n"
)


def run(tmp_path, text: str, *, encoding: str = "utf-8", username: str = "flat") -> str:
    path = tmp_path / "sites.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_sites", str(path), "--as", username, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def importer(site_manager):
    return site_manager


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_reads_each_encoding_and_both_labels_and_codes(tmp_path, encoding):
    output = run(tmp_path, HEADER + ROWS, encoding=encoding)

    assert Site.objects.count() == 3
    school = Site.objects.get(name="釧路市立 鳥取小学校")
    assert (school.category.label, school.school_level.label) == ("学校保健室", "小学校")
    assert Site.objects.get(name="釧路市 こども支援課").has_consultation
    university = Site.objects.get(name="釧路公立大学")
    assert (str(university.started_on), str(university.ended_on)) == ("2021-09-01", "2022-03-31")
    assert "3 か所追加" in output


def test_japanese_headings_are_accepted(tmp_path):
    header = "名称,種別,学校種別,住所,電話,相談機能,開始日,終了日\n"

    run(tmp_path, header + ROWS)

    assert Site.objects.count() == 3


def test_a_bad_row_writes_nothing_and_names_its_line_and_column(tmp_path):
    rows = ROWS + "釧路市立 春採中学校,学校保健室,,,,いいえ,2021-06-01,\n"  # line 5: no level
    rows += "ふらっと,男女平等参画センター,,,,たぶん,2021-06-31,\n"  # line 6: two bad cells

    with pytest.raises(CommandError) as refused:
        run(tmp_path, HEADER + rows)

    message = str(refused.value)
    assert "5行目「学校種別」" in message
    assert "6行目「相談機能」" in message
    assert "6行目「開始日」" in message
    assert not Site.objects.exists()
    assert not AuditEvent.objects.filter(object_type="supplies.site").exists()


def test_importing_the_same_file_again_changes_and_adds_nothing(tmp_path):
    run(tmp_path, HEADER + ROWS)
    before = list(Site.objects.order_by("pk").values("pk", "version", "updated_at"))

    output = run(tmp_path, HEADER + ROWS)

    assert list(Site.objects.order_by("pk").values("pk", "version", "updated_at")) == before
    assert "0 か所追加" in output and "3 か所は変更がありません" in output


def test_a_changed_cell_updates_that_site_in_place(tmp_path, site_manager):
    run(tmp_path, HEADER + ROWS)
    site = Site.objects.get(name="釧路公立大学")

    output = run(tmp_path, HEADER + ROWS.replace("2022/3/31", "2022/2/28"))

    site.refresh_from_db()
    assert str(site.ended_on) == "2022-02-28"
    assert site.version == 2
    assert Site.objects.count() == 3
    assert "1 か所を更新" in output
    event = AuditEvent.objects.get(action="update", object_id=str(site.pk))
    assert event.detail == {"import": True, "fields": ["ended_on"]}


def test_a_file_the_export_wrote_comes_back_unchanged(tmp_path, site_manager):
    make_site('=HYPERLINK("x")', area="central", restock_threshold=7, phone="0154-00-0000")
    make_site("釧路市立 鳥取小学校", category="school_nurse", school_level="elementary")
    content, _, _ = exports.write(exports.SiteResource, Site.objects.all(), "csv", by=site_manager)
    path = tmp_path / "export.csv"
    path.write_bytes(content)

    out = io.StringIO()
    call_command("import_sites", str(path), "--as", "flat", stdout=out)

    # The formula-safe quote came back as part of the name: a new site, the others unchanged.
    assert "'=HYPERLINK" in "".join(Site.objects.values_list("name", flat=True))
    assert Site.objects.count() == 3
    assert "1 か所を" not in out.getvalue()


@pytest.mark.parametrize("username", ["nobody", "city", "sakura"])
def test_the_importer_must_manage_sites(tmp_path, city_staff, counselor, username):
    with pytest.raises(CommandError, match="拠点管理・管理者"):
        run(tmp_path, HEADER + ROWS, username=username)
    assert not Site.objects.exists()


def test_the_command_help_says_what_the_readme_says(capsys):
    with pytest.raises(SystemExit):
        call_command("import_sites", "--help")

    out = capsys.readouterr().out
    assert "--as USERNAME" in out
    # The help names who may be named: the sites' managers, not counselors.
    assert "拠点管理・管理者" in " ".join(out.split())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "import_sites FILE --as USERNAME" in readme


def test_the_upload_previews_then_the_worker_applies(client_as, site_manager):
    client = client_as("site_manager")
    upload = SimpleUploadedFile("sites.csv", (HEADER + ROWS).encode("cp932"), "text/csv")

    response = client.post(reverse("import_upload", args=["sites"]), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    preview = client.get(reverse("import_preview", args=["sites", batch.pk])).content.decode()
    assert "追加する提供場所" in preview and "釧路公立大学" in preview
    assert not Site.objects.exists()

    client.post(reverse("import_preview", args=["sites", batch.pk]))
    assert importing.apply_batch(batch.pk) == "applied"

    assert Site.objects.count() == 3
    status = client.get(reverse("import_status", args=["sites", batch.pk])).content.decode()
    assert "3件の生理用品の提供場所を取り込みました" in status


def test_a_bad_upload_shows_the_line_and_column(client_as):
    upload = SimpleUploadedFile(
        "sites.csv", (HEADER + "ふらっと,体育館,,,,,2021-06-01,\n").encode(), "text/csv"
    )

    response = client_as("site_manager").post(
        reverse("import_upload", args=["sites"]), {"file": upload}
    )

    assert response.status_code == 400
    assert "2行目「種別」: 種別「体育館」はありません。" in response.content.decode()
    assert not ImportBatch.objects.exists()
