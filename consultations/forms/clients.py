"""Her record: the profile a counselor keeps on a woman."""

from typing import Any

from django import forms

from consultations.models import Client
from kokona.forms import ErrorSummaryFocusMixin
from kokona.widgets import ChoiceChips


class ClientForm(ErrorSummaryFocusMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Client
        fields = [
            "nickname",
            "age_band",
            "under_18",
            "area",
            "line_id",
            "may_contact_by_line",
            "email",
            "may_contact_by_email",
            "phone",
            "may_contact_by_phone",
            "household_notes",
            "strengths",
            "interests",
        ]
        widgets = {
            "age_band": ChoiceChips,
            # Encrypted, so stored as text; one line of at most 60 characters (model max_length).
            "area": forms.TextInput,
            "line_id": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "household_notes": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["age_band"].empty_label = None  # type: ignore[attr-defined]
