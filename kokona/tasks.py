"""kokona's background tasks, run by `manage.py db_worker` (Django's tasks, django-tasks-db)."""

from django.tasks import task

from kokona import importing, request_context


@task()
def apply_import(batch_id: int) -> str:
    """Apply a confirmed import (`importing.apply_batch`). Only the batch id travels through the
    queue: the file stays encrypted on the batch."""
    with request_context.bound(id=f"import-{batch_id}"):  # ties the log lines together
        return importing.apply_batch(batch_id)
