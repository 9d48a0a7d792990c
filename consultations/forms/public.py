"""The public web consultation form: short, every field but her message optional, and an empty
field hidden from people (the honeypot) that only robots fill in."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.forms.contacts import _EMAIL, _LINE_ID, _PHONE
from consultations.intake import ReplyBy
from consultations.models import AgeBand
from kokona.forms import ErrorSummaryFocusMixin
from kokona.widgets import ChoiceChips

MESSAGE_MAX = 2000
# The honeypot's name: a field people do not see (hidden by CSS and from screen readers).
HONEYPOT = "website"


class WebConsultationForm(ErrorSummaryFocusMixin, forms.Form):
    message = forms.CharField(
        label=_("What is troubling you?"),
        help_text=_("As much or as little as you like. You do not have to write your name."),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("Write a few words about what is troubling you.")},
    )
    nickname = forms.CharField(
        label=_("What may we call you? (optional)"),
        help_text=_("A nickname is fine. Please not your real name."),
        max_length=30,
        required=False,
    )
    age_band = forms.ModelChoiceField(
        label=_("Your age (optional)"),
        queryset=AgeBand.objects.active(),
        required=False,
        empty_label=_("I would rather not say"),
    )
    reply_by = forms.ChoiceField(
        label=_("How shall we answer you?"),
        choices=[
            (ReplyBy.LINE, _("On LINE")),
            (ReplyBy.EMAIL, _("By email")),
            (ReplyBy.PHONE, _("By phone")),
            (ReplyBy.NONE, _("No answer, I only wanted to tell someone")),
        ],
        widget=ChoiceChips,
        error_messages={"required": _("Choose how we should answer you.")},
    )
    handle = forms.CharField(
        label=_("Your LINE ID, email address or phone number"),
        help_text=_("Only for our answer. Leave it empty if you chose no answer."),
        max_length=100,
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reply_by, handle = data.get("reply_by"), (data.get("handle") or "").strip()
        patterns = {ReplyBy.EMAIL: _EMAIL, ReplyBy.PHONE: _PHONE, ReplyBy.LINE: _LINE_ID}
        messages = {
            ReplyBy.EMAIL: _("Write your email address, e.g. name@example.jp."),
            ReplyBy.PHONE: _("Write your phone number with its area code, e.g. 090-1234-5678."),
            ReplyBy.LINE: _("Write your LINE ID (4 to 20 letters, digits, . _ -)."),
        }
        if reply_by in patterns and not patterns[reply_by].fullmatch(handle):
            self.add_error("handle", messages[reply_by])
        if reply_by == ReplyBy.NONE:
            data["handle"] = ""
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))
