"""Referring a case to an outside agency, with the consent rule of APPI 第三者提供."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.models import Agency, Referral
from kokona.forms import ErrorSummaryFocusMixin, OwnIdsMixin
from kokona.models import User
from kokona.roles import Role
from kokona.widgets import ChoiceChips, DateInput


def check_sharing(form: Any, data: dict[str, Any]) -> None:
    """Her information leaves only with her consent, or on a supervisor's reasoned override;
    the error goes where it can be mended."""
    if services.sharing_allowed(
        shares_information=bool(data.get("shares_information")),
        consent_recorded=bool(data.get("consent_recorded")),
        by=form.user,
        override_reason=data.get("override_reason", ""),
    ):
        return
    if form.user.has_role(Role.SUPERVISOR) and "override_reason" in form.fields:
        form.add_error("override_reason", _("Without her consent, give the reason for sharing."))
    else:
        form.add_error(
            "consent_recorded",
            _("Her information can only be shared with her consent. Without it, ask a supervisor."),
        )


class ReferralForm(OwnIdsMixin, ErrorSummaryFocusMixin, forms.ModelForm):
    id_prefix = "referral"  # one of the case page's forms

    class Meta:
        model = Referral
        fields = [
            "agency",
            "stage",
            "referred_on",
            "shares_information",
            "consent_recorded",
            "override_reason",
            "notes",
        ]
        widgets = {
            "stage": ChoiceChips,
            "referred_on": DateInput(),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["agency"].empty_label = _("Choose an agency")  # type: ignore[attr-defined]
        self.fields["stage"].choices = Referral.Stage.choices  # type: ignore[attr-defined]
        if not user.has_role(Role.SUPERVISOR):
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        check_sharing(self, self.cleaned_data)
        return self.cleaned_data
