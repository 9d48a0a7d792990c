"""Recording what we did with her."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import SupportActivity
from kokona.forms import ErrorSummaryFocusMixin, OwnIdsMixin
from kokona.widgets import ChoiceChips, DateInput


class ActivityForm(OwnIdsMixin, ErrorSummaryFocusMixin, forms.ModelForm):
    id_prefix = "activity"  # one of the case page's forms

    class Meta:
        model = SupportActivity
        fields = ["kind", "done_on", "role_taken", "notes"]
        widgets = {
            "kind": ChoiceChips,
            "done_on": DateInput(),
            # Encrypted, so stored as text; one line of at most 60 characters (model max_length).
            "role_taken": forms.TextInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"kind": {"required": _("Choose what kind of support it was.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SupportActivity.Kind.choices  # type: ignore[attr-defined]
