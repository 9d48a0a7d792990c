"""The consultation KPIs, exactly as design.md defines them, counted on Japan-time dates.

They count every record, past the access door (`unscoped`): a count is not a record, and only
counts leave this module.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from consultations.models import Contact
from kokona.fiscal import fiscal_year_span
from kokona.indicators import register


@register("unique_consultees", _("People consulting"), unit=_("people"), order=20)
def unique_consultees(fiscal_year: int) -> int:
    """Distinct women with a contact in the year, across channels; each anonymous contact is
    one more person, since nothing tells two anonymous contacts apart."""
    counts = (
        Contact.objects.unscoped()
        .in_period(*fiscal_year_span(fiscal_year))
        .aggregate(
            women=Count("client", distinct=True),
            anonymous=Count("pk", filter=Q(client__isnull=True)),
        )
    )
    return counts["women"] + counts["anonymous"]


@register("consultations_total", _("Total consultations"), unit=_("cases"), order=30)
def consultations_total(fiscal_year: int) -> int:
    return Contact.objects.unscoped().in_period(*fiscal_year_span(fiscal_year)).count()
