"""Running a confirmed import in the background worker (`apply_batch`, through
kokona.tasks.apply_import): claim it, report progress, finish it, whichever app's importer it is.

An import is applied in one transaction, all or nothing. Three things follow from that:

- Claiming: the apply transaction takes a PostgreSQL advisory lock on the batch
  (`pg_try_advisory_xact_lock`) and reads the batch only after it holds the lock. A second
  worker, or the same task delivered twice, fails to take the lock and leaves; one that comes
  after the first committed finds the batch applied. The lock goes with the transaction, so a
  worker that dies leaves a batch another run can claim again.
- Progress: rows written inside the apply transaction are invisible to everyone else until it
  commits, so progress goes through a separate autocommitting connection (`Progress`) onto the
  batch row. The apply transaction holds no lock on that row until its very last statement
  (`finish`), after the last progress write; the advisory lock blocks nothing but other claims.
- Failure: the refusal lines are written after the rollback, by `fail`, outside the transaction
  that was undone.
"""

import datetime as dt
import logging
import time
from collections.abc import Sequence
from types import TracebackType

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kokona import audit, importers
from kokona.csvio import ImportRefused
from kokona.models import ImportBatch

logger = logging.getLogger(__name__)

# The first key of the two-key advisory lock: "kokonaim" would not fit in 32 bits, this does.
_LOCK_SPACE = 0x6B6F6B6F  # "koko"
# A batch still "running" with nobody holding its lock and no progress for this long was
# abandoned: its worker was killed before it could roll back and say so.
ABANDONED_AFTER = dt.timedelta(seconds=60)

Status = ImportBatch.Status


def claim(batch_id: int) -> ImportBatch | None:
    """The queued batch, locked for this transaction; None if another worker holds it or it is
    no longer waiting. Call inside the apply transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, batch_id])
        (locked,) = cursor.fetchone()
    if not locked:
        return None
    # Read after the lock: a worker that finished first has committed "applied" by now.
    return (
        ImportBatch.objects.select_related("uploaded_by")
        .filter(pk=batch_id, status__in=[Status.QUEUED, Status.RUNNING])
        .first()
    )


def is_held(batch_id: int) -> bool:
    """Whether a worker holds the batch's lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = %s::oid AND objid = %s::oid AND objsubid = 2 AND granted)",
            [_LOCK_SPACE, batch_id],
        )
        (held,) = cursor.fetchone()
    return bool(held)


def is_abandoned(batch: ImportBatch) -> bool:
    """A batch left "running" by a worker that died without rolling back cleanly."""
    if batch.status != Status.RUNNING or is_held(batch.pk):
        return False
    # Read again after the lock check: a commit is visible before its lock is released.
    batch.refresh_from_db(fields=["status", "progress_at"])
    stale = batch.progress_at is None or batch.progress_at < timezone.now() - ABANDONED_AFTER
    return batch.status == Status.RUNNING and stale


def finish(batch: ImportBatch, result: dict[str, object]) -> None:
    """Mark the batch applied and drop its file, in the apply transaction: the contacts and the
    "applied" line commit together, or neither does."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.APPLIED,
        content="",
        result=result,
        applied_at=timezone.now(),
        rows_total=batch.rows_total,
        rows_done=batch.rows_total,
        progress_at=timezone.now(),
    )


def fail(batch_id: int, problems: list[str]) -> None:
    """Mark the batch failed with the lines the supervisor will read, and drop its file.

    Called after the apply transaction was rolled back, so this write stays.
    """
    ImportBatch.objects.filter(pk=batch_id).exclude(status=Status.APPLIED).update(
        status=Status.FAILED,
        content="",
        problems="\n".join(line.replace("\n", " ") for line in problems),
        progress_at=timezone.now(),
    )


class Progress:
    """Rows done, written through a connection of its own that autocommits each write, so other
    connections see it while the apply transaction is still open.

    At most one write a second. A write that would wait for a lock gives up after a moment
    (`lock_timeout`): progress is a courtesy and must never hold the import back.
    """

    INTERVAL = 1.0  # seconds between writes

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.total = 0
        self._written_at = 0.0
        self._connection = connections.create_connection("default")

    def __enter__(self) -> "Progress":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._connection.close()

    def start(self, total: int) -> None:
        """The batch is running: `total` rows to write."""
        self.total = total
        self._write(
            "UPDATE kokona_importbatch SET status = %s, rows_total = %s, rows_done = 0,"
            " progress_at = %s WHERE id = %s AND status IN (%s, %s)",
            [Status.RUNNING, total, timezone.now(), self.batch_id, Status.QUEUED, Status.RUNNING],
        )

    def __call__(self, done: int) -> None:
        if done < self.total and time.monotonic() - self._written_at < self.INTERVAL:
            return
        self._write(
            "UPDATE kokona_importbatch SET rows_done = %s, progress_at = %s"
            " WHERE id = %s AND status = %s",
            [min(done, self.total), timezone.now(), self.batch_id, Status.RUNNING],
        )

    def _write(self, sql: str, params: Sequence[str | int | dt.datetime]) -> None:
        self._written_at = time.monotonic()
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(sql, params)
        except DatabaseError:
            logger.warning("Import %s: progress not written", self.batch_id, exc_info=True)


class ImportFailed(Exception):
    """An import stopped on an error that is not the file's fault; nothing was written."""


def apply_batch(batch_id: int) -> str:
    """The worker's side of a confirmed upload: claim it, plan the file again (the database may
    have changed since the preview), apply it all or nothing, and mark it applied in the same
    transaction. A refusal or an error rolls everything back, then marks the batch failed.

    Returns what happened, for the task's result: "applied", "failed" or "skipped" (another
    worker holds it, or it was already applied).
    """
    try:
        with transaction.atomic():
            batch = claim(batch_id)
            if batch is None:
                return "skipped"
            importer = importers.get(batch.kind)
            if importer is None:
                raise ImportFailed(f"import {batch_id}: no importer {batch.kind!r}")
            with Progress(batch.pk) as progress:
                progress.start(0)
                planned = importer.plan(bytes.fromhex(batch.content), by=batch.uploaded_by)
                progress.start(len(planned.rows))
                added = importer.apply(planned, by=batch.uploaded_by, progress=progress)
            batch.rows_total = len(planned.rows)
            finish(batch, importer.result(planned, added))
            audit.record(
                audit.Action.UPDATE,
                batch,
                by=batch.uploaded_by,
                detail={"status": ImportBatch.Status.APPLIED, "added": added},
            )
    except ImportRefused as refused:
        fail(batch_id, importers.refusal_lines(refused))
        return "failed"
    except (KeyboardInterrupt, SystemExit):
        fail(batch_id, [_("The import was interrupted. Nothing was saved.")])
        raise
    except Exception as error:
        # Logged and raised with the batch id and the error's type only: a database error can
        # quote a row, and the task's traceback is kept in a table in plain text.
        logger.exception("Import %s failed; nothing was written", batch_id)
        fail(
            batch_id,
            [_("The import stopped on an unexpected error. Nothing was saved. Try again later.")],
        )
        raise ImportFailed(f"import {batch_id}: {type(error).__name__}") from None
    return "applied"
