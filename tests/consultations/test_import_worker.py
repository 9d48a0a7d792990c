"""Applying a confirmed import in the background worker (issue 6, point 6).

The tests that run the worker commit for real (`transaction=True`), as the worker does: its
progress goes through a connection of its own, and its claim is a lock other connections see.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from consultations.models import Agency, Case, Client, Contact, Referral
from kokona import importing
from kokona.db_roles import as_owner
from kokona.models import AuditEvent, ImportBatch
from kokona.roles import Role
from kokona.tasks import apply_import
from tests.conftest import https_client, load_reference_data, make_user, sign_in
from tests.consultations.test_import import HEADER, ROWS

committing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Roles and vocabularies: a committing test starts from tables the last one emptied."""
    load_reference_data()


def run_worker() -> None:
    """What `manage.py db_worker` does in production: every queued task, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def upload_and_confirm(client, text: str = HEADER + ROWS) -> str:
    response = client.post(
        reverse("import_upload", args=["consultations"]),
        {"file": SimpleUploadedFile("past.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 302, response.content.decode()
    assert client.post(response["Location"]).status_code == 302
    return response["Location"]


def read_elsewhere(batch: ImportBatch) -> tuple[str, int, int]:
    """The batch as another connection (the status page's) sees it."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT status, rows_done, rows_total FROM kokona_importbatch WHERE id = %s",
                [batch.pk],
            )
            return cursor.fetchone()
    finally:
        other.close()


@committing
def test_the_worker_applies_a_confirmed_import(reference_data, client_as, supervisor, counselor):
    client = client_as("supervisor")
    url = upload_and_confirm(client)

    run_worker()

    assert Contact.objects.unscoped().count() == 4
    assert Referral.objects.unscoped().count() == 2
    batch = ImportBatch.objects.get()
    assert batch.status == "applied" and batch.applied_at
    assert batch.content == ""
    assert (batch.rows_done, batch.rows_total) == (4, 4)
    assert batch.result["added"] == 4
    assert set(Contact.objects.unscoped().values_list("created_by", flat=True)) == {supervisor.pk}
    created = AuditEvent.objects.filter(action="create", object_type="consultations.contact")
    assert created.count() == 4
    assert set(created.values_list("actor", flat=True)) == {supervisor.pk}
    assert AuditEvent.objects.filter(
        action="update", object_type="kokona.importbatch", actor=supervisor
    ).exists()
    page = client.get(url).content.decode()
    assert "完了" in page and reverse("consultations:case_list") in page
    assert "every 2s" not in page
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@committing
def test_a_row_that_became_invalid_after_the_preview_writes_nothing(
    reference_data, client_as, supervisor, counselor
):
    client = client_as("supervisor")
    upload_and_confirm(client)
    counselor.is_active = False  # sakura left between the preview and the worker
    counselor.save()

    run_worker()

    assert not Contact.objects.unscoped().exists() and not Client.objects.unscoped().exists()
    assert (
        not Case.objects.unscoped().exists()
        and not Agency.objects.filter(needs_review=True).exists()
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.content == ""
    assert any("2行目「相談員」" in line for line in batch.problem_lines)
    with connection.cursor() as cursor:  # the lines may quote a cell: encrypted like the file
        cursor.execute("SELECT problems FROM kokona_importbatch WHERE id = %s", [batch.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    fragment = client.get(reverse("import_status", args=["consultations", batch.pk]))
    html = fragment.content.decode()
    assert "失敗" in html and "2行目「相談員」" in html
    assert "hx-trigger" not in html  # finished: the polling stops


def ddl(sql: str) -> None:
    with as_owner(), connection.cursor() as cursor:  # the app's role may not alter a table
        cursor.execute(sql)


@committing
def test_a_failure_half_way_rolls_back_every_row(reference_data, client_as, counselor):
    # The database refuses the first referral (line 3), after a contact was written.
    upload_and_confirm(client_as("supervisor"))
    batch = ImportBatch.objects.get()
    ddl("ALTER TABLE consultations_referral ADD CONSTRAINT test_refuse_all CHECK (false)")
    try:
        with pytest.raises(Exception, match="IntegrityError"):
            apply_import.call(batch.pk)
    finally:
        ddl("ALTER TABLE consultations_referral DROP CONSTRAINT test_refuse_all")

    assert not Contact.objects.unscoped().exists() and not Client.objects.unscoped().exists()
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.content == ""
    assert batch.problem_lines == [
        "予期しないエラーで取り込みが止まりました。何も保存していません。"
        "しばらくしてからもう一度お試しください。"
    ]


@committing
def test_confirming_twice_queues_and_applies_once(reference_data, client_as, counselor):
    client = client_as("supervisor")
    url = upload_and_confirm(client)

    assert client.post(url).status_code == 302

    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert Contact.objects.unscoped().count() == 4


@committing
def test_a_task_delivered_twice_applies_once(reference_data, client_as, counselor):
    upload_and_confirm(client_as("supervisor"))
    batch = ImportBatch.objects.get()
    other = connections.create_connection("default")
    other.set_autocommit(False)
    try:
        with other.cursor() as cursor:  # another worker has claimed it
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [importing._LOCK_SPACE, batch.pk]
            )
        assert apply_import.call(batch.pk) == "skipped"
        assert not Contact.objects.unscoped().exists()
    finally:
        other.rollback()  # that worker died: its claim goes with its transaction
        other.close()

    assert apply_import.call(batch.pk) == "applied"
    assert apply_import.call(batch.pk) == "skipped"
    assert Contact.objects.unscoped().count() == 4


@committing
def test_progress_is_seen_while_the_apply_transaction_is_open(
    reference_data, supervisor, monkeypatch
):
    monkeypatch.setattr(importing.Progress, "INTERVAL", 0)
    batch = ImportBatch.objects.create(
        kind="consultations",
        filename="past.csv",
        content=b"x".hex(),
        uploaded_by=supervisor,
        status=ImportBatch.Status.QUEUED,
    )

    with transaction.atomic():
        assert importing.claim(batch.pk) is not None
        Client.objects.create(nickname="まだ見えない")  # uncommitted work, like the import's
        with importing.Progress(batch.pk) as progress:
            progress.start(10)
            progress(4)
            seen = read_elsewhere(batch)
        assert importing.is_held(batch.pk)

    assert seen == ("running", 4, 10)
    assert not importing.is_held(batch.pk)


# --- the status page and its fragment, without the worker --------------------------------------


def test_the_fragment_polls_while_queued(client_as, counselor):
    client = client_as("supervisor")
    upload_and_confirm(client)
    batch = ImportBatch.objects.get()

    fragment = client.get(
        reverse("import_status", args=["consultations", batch.pk]), headers={"HX-Request": "true"}
    )

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'hx-trigger="every 2s"' in html and "待機中" in html


def running_batch(user, **fields) -> ImportBatch:
    return ImportBatch.objects.create(
        kind="consultations",
        filename="past.csv",
        content=b"x".hex(),
        uploaded_by=user,
        status=ImportBatch.Status.RUNNING,
        rows_total=3000,
        rows_done=1200,
        **fields,
    )


def test_the_fragment_shows_rows_done_while_running(client_as, supervisor):
    batch = running_batch(supervisor, progress_at=timezone.now())

    html = (
        client_as("supervisor")
        .get(reverse("import_status", args=["consultations", batch.pk]))
        .content.decode()
    )

    assert "取り込み中" in html and "1200 / 3000" in html and "every 2s" in html


def test_an_import_whose_worker_died_says_so_and_stops_polling(client_as, supervisor):
    batch = running_batch(supervisor, progress_at=timezone.now() - importing.ABANDONED_AFTER * 2)

    html = (
        client_as("supervisor")
        .get(reverse("import_status", args=["consultations", batch.pk]))
        .content.decode()
    )

    assert "止まりました" in html and "every 2s" not in html


def test_another_supervisors_import_is_hidden_and_the_refusal_audited(client_as, counselor):
    upload_and_confirm(client_as("supervisor"))
    batch = ImportBatch.objects.get()
    second = make_user("second", Role.SUPERVISOR, staff=True)
    other = sign_in(https_client(), second)

    for url in (
        reverse("import_preview", args=["consultations", batch.pk]),
        reverse("import_status", args=["consultations", batch.pk]),
    ):
        assert other.get(url).status_code == 404
    assert (
        other.post(reverse("import_preview", args=["consultations", batch.pk])).status_code == 404
    )
    missing = other.get(reverse("import_status", args=["consultations", batch.pk + 999]))

    assert missing.status_code == 404
    denied = AuditEvent.objects.filter(action="denied", actor=second)
    assert denied.count() == 3
    assert set(denied.values_list("object_id", flat=True)) == {str(batch.pk)}
    assert ImportBatch.objects.get().status == "queued"
