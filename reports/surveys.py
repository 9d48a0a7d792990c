"""Recording satisfaction survey answers: the paper tally after a session, one row an answer.

Other apps call this service (ibasho's tally screen); reports imports none of them. The
satisfaction indicator counts these rows by fiscal year.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kokona import audit
from kokona.models import User
from reports.models import Satisfaction, SurveyResponse

# A paper tally larger than this for one session is a typing slip, not a crowd.
MAX_ANSWERS = 1000


@transaction.atomic
def record_tally(
    *,
    counts: dict[int, int],
    answered_on: dt.date,
    program: models.Model | None,
    session: models.Model | None = None,
    by: User,
) -> int:
    """Write one SurveyResponse per answer counted (e.g. {5: 8, 4: 3}); return how many.

    All or nothing, with one audit event for the tally (it names no one: answers are anonymous).
    """
    if any(value not in Satisfaction.values for value in counts):
        raise ValidationError(_("An answer must be between 1 and 5."))
    if any(n < 0 for n in counts.values()):
        raise ValidationError(_("A count cannot be negative."))
    total = sum(counts.values())
    if total > MAX_ANSWERS:
        raise ValidationError(_("More than %d answers at once: check the numbers.") % MAX_ANSWERS)
    rows = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            answered_on=answered_on,
            satisfaction=value,
            program_id=program.pk if program is not None else None,
            session_id=session.pk if session is not None else None,
            created_by=by,
        )
        for value, n in sorted(counts.items(), reverse=True)
        for _ in range(n)
    )
    if rows:
        audit.record(
            audit.Action.CREATE,
            by=by,
            object_type=SurveyResponse._meta.label_lower,
            object_id=rows[0].pk,
            detail={
                "tally": {str(k): v for k, v in sorted(counts.items(), reverse=True) if v},
                "session": session.pk if session is not None else None,
            },
        )
    return len(rows)


def counts_for_session(session_id: int) -> dict[int, int]:
    """How many answers of each kind were tallied for a session, 5 to 1 (zeros included)."""
    found = dict(
        SurveyResponse.objects.filter(session_id=session_id)
        .values_list("satisfaction")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    return {value: found.get(value, 0) for value in sorted(Satisfaction.values, reverse=True)}
