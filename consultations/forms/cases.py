"""The forms of a case: its status, who is in charge, its details, and the case list's filters."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.models import Case, CaseStatus, Channel, ClosingReason, ConcernCategory
from kokona.forms import (
    ErrorSummaryFocusMixin,
    OwnIdsMixin,
    ShortModelChoiceField,
    VersionedForm,
    not_in_past,
)
from kokona.models import User
from kokona.roles import Role
from kokona.widgets import CheckboxChips, ChoiceChips, DateInput


class StatusForm(OwnIdsMixin, ErrorSummaryFocusMixin, VersionedForm):
    """A step of the case. Closing names its outcome; reopening sets a new follow-up date."""

    id_prefix = "status"  # one of the case page's forms

    to = forms.ChoiceField(label=_("New status"), choices=Case.Status, widget=ChoiceChips)
    outcome = forms.ModelChoiceField(
        label=_("Outcome"),
        queryset=ClosingReason.objects.active(),
        required=False,
        widget=ChoiceChips,
        help_text=_("When closing: how the case ended."),
    )
    reason = forms.CharField(
        label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_due = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
        help_text=_("When reopening: the next date to be in touch."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)
        nexts = Case.Status(case.status).next_statuses
        self.fields["to"].choices = [(s.value, s.label) for s in nexts]  # type: ignore[attr-defined]
        self.fields["outcome"].empty_label = None  # type: ignore[attr-defined]
        self.fields["version"].initial = case.version
        if CaseStatus.CLOSED not in nexts:
            del self.fields["outcome"]
        if not case.is_closed:
            del self.fields["follow_up_due"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == CaseStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome of the case."))
        if self.case.is_closed:
            due = data.get("follow_up_due")
            if due is None:
                self.add_error("follow_up_due", _("Give the date by which to follow up."))
        return data

    def clean_follow_up_due(self) -> dt.date | None:
        return not_in_past(self.cleaned_data["follow_up_due"])


class AssignForm(OwnIdsMixin, VersionedForm):
    id_prefix = "assign"  # one of the case page's forms
    assigned_to = forms.ModelChoiceField(
        label=_("Counselor in charge"), queryset=User.objects.none(), empty_label=_("Choose")
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. her wish, a counselor's leave. It is kept with the case."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = User.objects.npo_staff()  # type: ignore[attr-defined]
        self.fields["assigned_to"].initial = case.assigned_to_id
        self.fields["version"].initial = case.version


class CaseForm(ErrorSummaryFocusMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Case
        fields = ["primary_concern", "categories", "risk", "follow_up_due", "restricted"]
        widgets = {
            "categories": CheckboxChips,
            "risk": ChoiceChips,
            "follow_up_due": DateInput(),
        }
        # services.update_case ticks it among the concerns when it is not.
        help_texts = {"primary_concern": _("The main concern is always one of her concerns.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = ConcernCategory.objects.filter(Q(is_active=True) | Q(cases=self.instance))
        self.fields["categories"].queryset = active.distinct()  # type: ignore[attr-defined]
        self.fields["version"].initial = self.instance.version
        if not (user.has_role(Role.SUPERVISOR) or self.instance.assigned_to_id == user.pk):
            # Opening or closing her record to the other counselors is for the counselor in
            # charge and supervisors only.
            del self.fields["restricted"]

    def clean_follow_up_due(self) -> dt.date | None:
        due = self.cleaned_data["follow_up_due"]
        # A date already past may stay as it was (the case is overdue); a new one is not past.
        return not_in_past(due) if "follow_up_due" in self.changed_data else due

    def changed_fields(self) -> dict[str, Any]:
        """The case fields this form changed (categories apart: they are a relation)."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name not in ("categories", "version")
        }


class CaseFilterForm(forms.Form):
    """The case list's filters. Every choice narrows what `visible_to` already allows.

    Filters travel in the URL, so none of them names a woman: finding her by name or phone is the
    search box, which posts.
    """

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open cases")), ("all", _("All")), *Case.Status.choices],
    )
    counselor = ShortModelChoiceField(
        label=_("Counselor in charge"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    category = ShortModelChoiceField(
        label=_("Concern"),
        queryset=ConcernCategory.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    channel = ShortModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Follow-up overdue"), required=False)
    quiet = forms.BooleanField(label=_("Crisis, no contact for 3 days"), required=False)
    date_from = forms.DateField(label=_("Contact from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Contact to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.npo_staff()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
