"""Saving a site or a placement from its form: created, or changed only if nobody saved it in
between (kokona.locking), with its audit event, in one transaction."""

from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kokona import audit
from kokona.locking import VersionConflict, save_versioned
from kokona.models import User


def save_record[M: models.Model](form: ModelForm[M], *, by: User) -> M:
    """Create the form's record, or update the fields it changed; raise VersionConflict when
    someone else saved since the form was opened."""
    record = form.instance
    with transaction.atomic():
        if record.pk is None:
            record.created_by = by  # type: ignore[attr-defined]
            record = form.save()
            audit.record(audit.Action.CREATE, record, by=by)
            return record
        changed = [name for name in form.changed_data if name != "version"]
        fields = {name: form.cleaned_data[name] for name in changed}
        version = form.cleaned_data.get("version") or record.version  # type: ignore[attr-defined]
        save_versioned(record, version, fields)
        audit.record(audit.Action.UPDATE, record, by=by, detail={"fields": sorted(fields)})
    return record


def conflict[F: ModelForm[Any]](request: HttpRequest, form: F) -> F:
    """The same form, as posted, on the version someone else saved meanwhile."""
    messages.error(
        request,
        _(
            "Someone else saved this record after you opened it. Their changes are kept; yours"
            " are still in the form below: check and save again."
        ),
    )
    form.instance.refresh_from_db()
    data = request.POST.copy()
    data["version"] = str(form.instance.version)  # type: ignore[attr-defined]
    return type(form)(data, instance=form.instance)


__all__ = ["VersionConflict", "conflict", "save_record"]
