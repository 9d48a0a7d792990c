"""Forms of the reports app: a target with its reason, and survey answers."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import Satisfaction

MAX_TARGET = Decimal("99999999")


class TargetForm(forms.Form):
    value = forms.DecimalField(
        label=_("Target"),
        min_value=Decimal(0),
        max_value=MAX_TARGET,
        decimal_places=1,
        error_messages={"required": _("Enter the target.")},
    )
    note = forms.CharField(
        label=_("Why the target is set or changed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the city's contract for 令和5年度, agreed on 4月10日."),
        error_messages={"required": _("Say why the target is set or changed.")},
    )


class SurveyAnswerForm(forms.Form):
    """One answer from a paper sheet, or from the public page (without the date)."""

    answered_on = forms.DateField(
        label=_("Answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied were you?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def clean_answered_on(self) -> Any:
        day = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class SurveyTallyForm(forms.Form):
    """A paper batch: how many sheets ticked each answer."""

    answered_on = forms.DateField(
        label=_("Answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        for value, label in Satisfaction.choices:
            self.fields[f"count_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=1000, initial=0, required=False
            )

    def clean_answered_on(self) -> Any:
        day = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def counts(self) -> dict[int, int]:
        return {
            value: self.cleaned_data.get(f"count_{value}") or 0 for value in Satisfaction.values
        }


class PublicSurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied were you today?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional; please do not write your name)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    token = forms.CharField(widget=forms.HiddenInput)
