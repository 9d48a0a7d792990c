"""Background tasks of the consultations app, run by `manage.py db_worker`."""

from django.tasks import task

from consultations import import_writer
from kokona import request_context


@task()
def apply_import(batch_id: int) -> str:
    """Apply a confirmed import (`import_writer.apply_batch`). Only the batch id travels through the
    queue: the file stays encrypted on the batch."""
    with request_context.bound(id=f"import-{batch_id}"):  # ties the log lines together
        return import_writer.apply_batch(batch_id)
