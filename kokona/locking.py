"""Optimistic locking: of two people saving the same record, the later is refused rather than
silently winning, and keeps what she typed.

A record carries a `version`; a form carries the version it was opened on (kokona.forms.
VersionedForm). `save_versioned` writes only if nobody saved in between, and views answer a
conflict with `conflict_form`: the same form, filled as it was posted, now on the latest version,
so that saving again (after a look) goes through. The answer's status is 409.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models
from django.db.models import F
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

CONFLICT = 409


class VersionConflict(Exception):
    """Someone saved the record after this form was opened; their save is kept."""


def save_versioned(record: models.Model, expected_version: int, fields: dict[str, Any]) -> None:
    """Update `fields` only if nobody saved since `expected_version`; raise VersionConflict if not.

    A queryset update (pghistory's triggers record it like any other change) through the base
    manager: the record was fetched through its door already.
    """
    model = type(record)
    values = {**fields, "version": F("version") + 1}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    updated = model._base_manager.filter(pk=record.pk, version=expected_version).update(**values)
    if not updated:
        raise VersionConflict
    record.refresh_from_db()


def conflict_form[F](
    request: HttpRequest, record: models.Model, build: Callable[[QueryDict], F]
) -> F:
    """Say that someone saved first, and build the form again from what was posted, on the
    version now saved (`build` makes the form from data)."""
    messages.error(
        request,
        _(
            "Someone else saved this case after you opened it. Their changes are kept; yours are"
            " still in the form below: check the page and save again."
        ),
    )
    record.refresh_from_db()
    data = request.POST.copy()
    data["version"] = str(record.version)  # type: ignore[attr-defined]
    return build(data)
