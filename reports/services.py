"""Workflows of the reports app that write several rows, each with its audit event."""

from decimal import Decimal

from django.db import transaction

from kokona import audit
from kokona.models import User
from reports.models import Target, TargetChange


@transaction.atomic
def set_target(*, code: str, year: int, value: Decimal, note: str, by: User) -> Target:
    """Set the target and keep why, in one transaction with its audit event."""
    target = Target.objects.select_for_update().filter(indicator=code, fiscal_year=year).first()
    old = target.value if target is not None else None
    if target is None:
        target = Target.objects.create(indicator=code, fiscal_year=year, value=value)
    else:
        target.value = value
        target.save(update_fields=["value"])
    TargetChange.objects.create(
        target=target, old_value=old, new_value=value, note=note, changed_by=by
    )
    audit.record(
        audit.Action.CREATE if old is None else audit.Action.UPDATE,
        target,
        by=by,
        detail={"fields": ["value"], "fiscal_year": year, "indicator": code},
    )
    return target
