"""Forms of the consultation screens, one module per record. Each names exactly the fields a user
may set: a posted `assigned_to` or `restricted` that the form does not name changes nothing."""

from consultations.forms.cases import AssignForm, CaseFilterForm, CaseForm, StatusForm
from consultations.forms.clients import ClientForm
from consultations.forms.contacts import (
    ANONYMOUS,
    NEW,
    ContactForm,
    QuickContactForm,
    guess_handle_kind,
)
from consultations.forms.referrals import ReferralForm
from consultations.forms.support import ActivityForm

__all__ = [
    "ANONYMOUS",
    "NEW",
    "ActivityForm",
    "AssignForm",
    "CaseFilterForm",
    "CaseForm",
    "ClientForm",
    "ContactForm",
    "QuickContactForm",
    "ReferralForm",
    "StatusForm",
    "guess_handle_kind",
]
