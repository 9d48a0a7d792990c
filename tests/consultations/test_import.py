"""`manage.py import_consultations FILE` and the supervisors' upload page."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import import_writer, imports
from consultations.models import Agency, Case, Client, Contact, Referral
from kokona.models import AuditEvent, ImportBatch, Notice, User
from tests.consultations.factories import make_case, make_client

HEADER = "occurred_at,channel,client,age_band,categories,counselor,summary,referred_to\n"
ROWS = (
    "2021-04-05 21:30,LINE,R3-001,20代,孤独・孤立;こころ・メンタル,sakura,眠れない,\n"
    "2021/4/12 10:00,phone,R3-001,,isolation,,電話で近況,ハローワーク釧路\n"
    "2021-05-01 13:00,メール,,,生理・生理用品,,生理用品がほしい,\n"
    "2022/3/31 23:30,LINE,R3-002,10代以下,学校・進学,sakura,進路の悩み,釧路子ども食堂ひだまり\n"
)


def run(tmp_path, text: str, *, encoding: str = "utf-8") -> str:
    path = tmp_path / "past.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_consultations", str(path), "--as", "haruka", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def importer(supervisor):
    """The supervisor every import is recorded under (`--as haruka`)."""
    return supervisor


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_reads_each_encoding_and_both_labels_and_codes(tmp_path, counselor, encoding):
    run(tmp_path, HEADER + ROWS, encoding=encoding)

    assert Contact.objects.unscoped().count() == 4
    first = Client.objects.unscoped().get(nickname="R3-001")
    assert first.age_band.label == "20代"
    assert first.contacts.unscoped().count() == 2  # the same client text is the same person
    assert {c.channel.code for c in first.contacts.unscoped().all()} == {"line", "phone"}
    assert Contact.objects.unscoped().filter(client=None).count() == 1  # a blank client: anonymous
    case = Case.objects.unscoped().get(client=first)
    assert case.assigned_to == counselor
    assert case.primary_concern.code == "isolation"


def test_japanese_headings_are_accepted(tmp_path, counselor):
    header = "日時,相談経路,相談者,年代,相談内容,相談員,概要,つなぎ先\n"

    run(tmp_path, header + ROWS)

    assert Contact.objects.unscoped().count() == 4


def test_an_unknown_agency_is_added_for_review(tmp_path, counselor):
    run(tmp_path, HEADER + ROWS)

    added = Agency.objects.get(name="釧路子ども食堂ひだまり")
    assert added.needs_review
    assert not Agency.objects.get(name="ハローワーク釧路").needs_review
    assert Referral.objects.unscoped().count() == 2


def test_the_import_is_recorded_under_the_named_user(tmp_path, counselor, supervisor):
    run(tmp_path, HEADER + ROWS)

    assert set(Contact.objects.unscoped().values_list("created_by", flat=True)) == {supervisor.pk}
    assert AuditEvent.objects.filter(actor=supervisor, action="create").count() >= 4


@pytest.mark.parametrize("username", ["nobody", "city"])
def test_the_importer_must_be_npo_staff(tmp_path, city_staff, username):
    path = tmp_path / "past.csv"
    path.write_text(HEADER + ROWS)

    with pytest.raises(CommandError):
        call_command("import_consultations", str(path), "--as", username, stdout=io.StringIO())
    assert not Contact.objects.unscoped().exists()


def test_a_fresh_install_imports_under_its_first_superuser(tmp_path, db, counselor):
    # What `manage.py createsuperuser` makes: no role, no second factor yet.
    root = User.objects.create_superuser("root", "root@example.jp", "a long passphrase")
    path = tmp_path / "past.csv"
    path.write_text(HEADER + ROWS)

    call_command("import_consultations", str(path), "--as", "root", stdout=io.StringIO())

    assert Contact.objects.unscoped().count() == 4
    assert set(Contact.objects.unscoped().values_list("created_by", flat=True)) == {root.pk}


def test_the_command_help_says_what_the_readme_says(capsys):
    with pytest.raises(SystemExit):
        call_command("import_consultations", "--help")

    assert "--as USERNAME" in capsys.readouterr().out
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "import_consultations FILE --as USERNAME" in readme


def test_importing_the_same_file_twice_adds_nothing(tmp_path, counselor):
    run(tmp_path, HEADER + ROWS)
    counts = (
        Contact.objects.unscoped().count(),
        Client.objects.unscoped().count(),
        Case.objects.unscoped().count(),
        Referral.objects.unscoped().count(),
    )

    output = run(tmp_path, HEADER + ROWS)

    assert (
        Contact.objects.unscoped().count(),
        Client.objects.unscoped().count(),
        Case.objects.unscoped().count(),
        Referral.objects.unscoped().count(),
    ) == counts
    assert "取り込み済みでスキップしたもの 4 件" in output


def test_a_later_file_finds_the_same_woman(tmp_path, counselor):
    run(tmp_path, HEADER + ROWS)

    run(tmp_path, HEADER + "2022-06-01 20:00,LINE,R3-001,,,sakura,また連絡,\n")

    assert Client.objects.unscoped().filter(nickname="R3-001").count() == 1
    assert Client.objects.unscoped().get(nickname="R3-001").contacts.unscoped().count() == 3


@pytest.mark.parametrize(
    "row, line, column",
    [
        ("2021-13-05 10:00,LINE,A,,,,,\n", 3, "日時"),
        ("2021-04-05 10:00,FAX,A,,,,,\n", 3, "相談経路"),
        ("2021-04-05 10:00,LINE,A,20さい,,,,\n", 3, "年代"),
        ("2021-04-05 10:00,LINE,A,,孤独;宇宙,,,\n", 3, "相談内容"),
        ("2021-04-05 10:00,LINE,A,,,nobody,,\n", 3, "相談員"),
        ("2021-04-05 10:00,LINE,,,,,,法テラス釧路\n", 3, "つなぎ先"),
        ("2099-04-05 10:00,LINE,A,,,,,\n", 3, "日時"),
    ],
)
def test_a_bad_row_writes_nothing_and_names_its_line_and_column(
    tmp_path, counselor, row, line, column
):
    good = "2021-04-05 21:30,LINE,B,,,sakura,ok,\n"

    with pytest.raises(CommandError) as error:
        run(tmp_path, HEADER + good + row)

    assert f"{line}行目「{column}」" in str(error.value)
    assert not Contact.objects.unscoped().exists() and not Client.objects.unscoped().exists()
    assert not Agency.objects.filter(needs_review=True).exists()


def test_a_missing_heading_is_named(tmp_path, db):
    with pytest.raises(CommandError) as error:
        run(tmp_path, "occurred_at,client\n2021-04-05 10:00,A\n")

    assert "1行目「相談経路」" in str(error.value)


@pytest.mark.parametrize(
    "data, message",
    [
        (HEADER.encode("utf-16"), "CSVのテキストファイルではありません"),
        (
            HEADER.encode() + b"2021-04-05 10:00,LINE,\x82\xff,,,,,\n",
            "UTF-8 でも Shift_JIS でもありません",
        ),
    ],
    ids=["utf-16", "undecodable"],
)
def test_a_file_in_another_encoding_is_refused(tmp_path, db, data, message):
    path = tmp_path / "past.csv"
    path.write_bytes(data)

    with pytest.raises(CommandError) as error:
        call_command("import_consultations", str(path), "--as", "haruka", stdout=io.StringIO())

    assert message in str(error.value)
    assert not Contact.objects.unscoped().exists()


class TestUploadPage:
    URL = reverse("import_upload", args=["consultations"])

    def upload(
        self, client, content: bytes, name: str = "past.csv", content_type: str = "text/csv"
    ):
        return client.post(self.URL, {"file": SimpleUploadedFile(name, content, content_type)})

    def test_the_page_warns_that_a_real_name_never_goes_in_the_client_column(self, client_as):
        html = client_as("supervisor").get(self.URL).content.decode()

        assert "相談者の列に本名は絶対に書かないでください。" in html

    def test_it_previews_then_queues_the_import_on_confirmation(self, client_as, counselor):
        client = client_as("supervisor")

        response = self.upload(client, (HEADER + ROWS).encode("cp932"))

        assert response.status_code == 302
        assert not Contact.objects.unscoped().exists()  # nothing before the confirmation
        preview = client.get(response["Location"])
        html = preview.content.decode()
        assert "追加する相談記録" in html and "釧路子ども食堂ひだまり" in html
        assert "眠れない" not in html  # the summaries are not echoed

        done = client.post(response["Location"])

        assert done.status_code == 302 and done["Location"] == response["Location"]
        batch = ImportBatch.objects.get()
        assert batch.status == "queued" and batch.task_id
        assert not Contact.objects.unscoped().exists()  # the worker applies it, not the request
        assert "待機中" in client.get(response["Location"]).content.decode()

    def test_a_bad_file_shows_the_problems_and_keeps_nothing(self, client_as, counselor):
        response = self.upload(
            client_as("supervisor"), (HEADER + "2021-04-05 10:00,FAX,A,,,,,\n").encode()
        )

        assert response.status_code == 400
        assert "2行目「相談経路」" in response.content.decode()
        assert not ImportBatch.objects.exists() and not Contact.objects.unscoped().exists()

    def test_a_file_that_is_not_csv_is_refused(self, client_as, db):
        response = self.upload(
            client_as("supervisor"), b"\x89PNG\r\n", name="photo.png", content_type="image/png"
        )

        assert response.status_code == 400
        assert not ImportBatch.objects.exists()

    def test_an_oversized_file_is_refused(self, client_as, db):
        big = (HEADER + "x" * 1024 + "\n").encode() * 5200

        response = self.upload(client_as("supervisor"), big)

        # Refused from its Content-Length, before the body is read (kokona.request_size).
        assert response.status_code == 413
        assert "大きすぎ" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_the_held_file_is_encrypted(self, client_as, counselor):
        from django.db import connection

        self.upload(client_as("supervisor"), (HEADER + ROWS).encode())

        with connection.cursor() as cursor:
            cursor.execute("SELECT content FROM kokona_importbatch")
            (stored,) = cursor.fetchone()
        assert stored.startswith("v1:")
        assert (HEADER + ROWS).encode().hex() not in stored


class TestWhatThePreviewMustCatch:
    """A file that passes its preview must not fail when it is applied (issue 6, point 7)."""

    def test_an_agency_name_longer_than_the_field_is_refused_at_once(self, tmp_path, counselor):
        name = "釧" * 121

        with pytest.raises(CommandError) as error:
            run(tmp_path, HEADER + f"2021-04-05 10:00,LINE,A,,,,,{name}\n")

        assert "2行目「つなぎ先」" in str(error.value) and "120文字" in str(error.value)
        assert (
            not Contact.objects.unscoped().exists()
            and not Agency.objects.filter(name=name).exists()
        )

    def test_a_nul_byte_after_the_first_4_kb_is_refused_with_its_line(self, tmp_path, counselor):
        filler = "".join(
            f"2021-04-05 10:{n % 60:02d},LINE,A{n},,,,ふつうの相談,\n" for n in range(100)
        )

        with pytest.raises(CommandError) as error:
            run(tmp_path, HEADER + filler + "2021-04-06 10:00,LINE,B\x00C,,,,,\n")

        assert len(filler.encode()) > 4096
        assert "102行目「相談者」" in str(error.value) and "制御文字" in str(error.value)
        assert not Contact.objects.unscoped().exists()


class TestWhatAnImportWrites:
    """Each contact is written as the record screen would write it: on her open case, which
    learns its concerns and counselor from it, with a history row and an audit row each."""

    def test_a_known_womans_open_case_takes_the_contacts_and_learns_from_them(
        self, tmp_path, counselor, supervisor
    ):
        her = make_client("R3-009")
        her.import_ref = imports.client_ref("R3-009")
        her.save()
        case = make_case(her)  # nobody in charge yet, no concern
        version = case.version

        run(
            tmp_path,
            HEADER
            + "2021-04-06 10:00,LINE,R3-009,,仕事・就労;孤独・孤立,sakura,b,\n"
            + "2021-04-05 10:00,LINE,R3-009,30代,孤独・孤立,,a,\n",
        )

        case.refresh_from_db()
        assert case.contacts.unscoped().count() == 2 and her.cases.unscoped().count() == 1
        assert case.assigned_to == counselor
        assert case.primary_concern.code == "isolation"  # from her first contact in time
        assert set(case.categories.values_list("code", flat=True)) == {"isolation", "work"}
        assert case.version > version  # an edit form opened before the import is stale
        assert AuditEvent.objects.filter(
            action="update", object_type="consultations.case", object_id=str(case.pk)
        ).exists()
        her.refresh_from_db()
        assert her.age_band.code == "30s"

    def test_a_new_woman_gets_a_case_opened_on_her_first_contact(
        self, tmp_path, counselor, other_counselor
    ):
        run(
            tmp_path,
            HEADER
            + "2021-06-01 10:00,LINE,R3-010,40代,,sakura,later,\n"
            + "2021-05-01 10:00,LINE,R3-010,30代,子育て,mizuki,first,\n",
        )

        case = Case.objects.unscoped().get(client__nickname="R3-010")
        assert case.opened_on == dt.date(2021, 5, 1)
        assert case.assigned_to == other_counselor  # who talked with her first
        assert case.primary_concern.code == "childcare"
        assert [c.to_status for c in case.status_changes.unscoped().all()] == ["received"]
        assert case.client.age_band.code == "40s"  # the latest the file says

    def test_a_closed_case_is_left_closed_and_a_new_one_opened(self, tmp_path, counselor):
        her = make_client("R3-011")
        her.import_ref = imports.client_ref("R3-011")
        her.save()
        closed = make_case(
            her, status="closed", opened_on=dt.date(2021, 1, 1), closed_on=dt.date(2021, 3, 1)
        )

        run(tmp_path, HEADER + "2021-04-05 10:00,LINE,R3-011,,,sakura,a,\n")

        assert her.cases.unscoped().count() == 2
        assert not closed.contacts.unscoped().exists()

    def test_each_contact_has_one_history_row_and_one_audit_row(
        self, tmp_path, counselor, supervisor
    ):
        run(tmp_path, HEADER + ROWS)

        contacts = set(Contact.objects.unscoped().values_list("pk", flat=True))
        history = apps.get_model("consultations", "ContactEvent").objects
        assert sorted(history.values_list("pgh_obj_id", flat=True)) == sorted(contacts)
        audited = AuditEvent.objects.filter(
            action="create", object_type="consultations.contact", actor=supervisor
        )
        assert sorted(int(pk) for pk in audited.values_list("object_id", flat=True)) == sorted(
            contacts
        )

    def test_the_queries_do_not_grow_with_the_rows(self, counselor, supervisor):
        def file(women: str, contacts_each: int) -> bytes:
            lines = [
                f"2021-04-{day:02d} 10:00,LINE,{woman},20代,孤独・孤立,sakura,x,"
                for woman in women
                for day in range(1, contacts_each + 1)
            ]
            return (HEADER + "\n".join(lines) + "\n").encode()

        def queries(data: bytes) -> int:
            planned = imports.plan(data, by=supervisor)
            with CaptureQueriesContext(connection) as captured:
                import_writer.apply(planned, by=supervisor)
            return len(captured)

        assert queries(file("ABC", 2)) == queries(file("DEF", 8))


def test_an_import_never_writes_into_a_case_hidden_from_its_importer(
    tmp_path, counselor, other_counselor
):
    # Her restricted open case is sakura's; mizuki knows her from a closed case of her own.
    her = make_client("R3-012")
    her.import_ref = imports.client_ref("R3-012")
    her.save()
    hidden = make_case(her, assigned_to=counselor, restricted=True)
    make_case(
        her,
        assigned_to=other_counselor,
        status="closed",
        opened_on=dt.date(2021, 1, 1),
        closed_on=dt.date(2021, 3, 1),
    )
    path = tmp_path / "past.csv"
    path.write_text(HEADER + "2021-04-05 10:00,LINE,R3-012,,孤独・孤立,mizuki,x,\n")

    call_command("import_consultations", str(path), "--as", "mizuki", stdout=io.StringIO())

    assert not hidden.contacts.unscoped().exists()
    assert Case.objects.unscoped().filter(client=her).count() == 3
    notice = Notice.objects.get()
    assert her.code in notice.text and f"#{hidden.pk}" in notice.text
