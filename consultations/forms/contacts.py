"""The forms that record an exchange with a woman: 相談を記録 and a contact on her case page."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.forms.referrals import check_sharing
from consultations.models import (
    AgeBand,
    Agency,
    Case,
    Channel,
    Client,
    ConcernCategory,
    Contact,
    Referral,
    Risk,
)
from kokona.crypto import HANDLE_KINDS
from kokona.forms import ErrorSummaryFocusMixin, OwnIdsMixin, not_in_future, validate_not_in_past
from kokona.models import User
from kokona.widgets import CheckboxChips, ChoiceChips, DateInput, DateTimeInput


def handle_choices() -> list[tuple[str, str]]:
    """No handle, or one of the kinds a woman may give us (kokona.crypto.HANDLE_KINDS)."""
    return [("", str(_("None")))] + [(kind, Client.handle_label(kind)) for kind in HANDLE_KINDS]


NEW, ANONYMOUS = "new", "anonymous"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9０-９+\-\s()（）－]{10,20}")
_LINE_ID = re.compile(r"[A-Za-z0-9._\-]{4,20}")


def guess_handle_kind(text: str) -> str | None:
    """What a searched text looks like: an email, a phone number, a LINE ID, or a name (None)."""
    text = text.strip()
    if _EMAIL.fullmatch(text):
        return "email"
    if _PHONE.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 10:
        return "phone"
    if _LINE_ID.fullmatch(text) and not text.isdigit():
        return "line"
    return None


class QuickContactForm(ErrorSummaryFocusMixin, forms.Form):
    """相談を記録: one screen from a LINE message to a saved record.

    `client` is "new", "anonymous", or the id of a woman the user may see.
    """

    client = forms.CharField(label=_("Who"), initial=NEW, widget=forms.HiddenInput)
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=60,
        required=False,
        help_text=_("Needed when she is new: the name she goes by with us."),
    )
    age_band = forms.ModelChoiceField(
        label=_("Age"), queryset=AgeBand.objects.active(), required=False, widget=ChoiceChips
    )
    under_18 = forms.BooleanField(label=_("Under 18"), required=False)
    handle_kind = forms.ChoiceField(
        label=_("Contact handle"), choices=handle_choices, required=False, widget=ChoiceChips
    )
    handle = forms.CharField(
        label=_("LINE ID, email or phone number"), max_length=200, required=False
    )
    may_contact = forms.BooleanField(
        label=_("She agreed that we contact her there"),
        required=False,
        help_text=_("Ask first: someone else may read her messages or answer her phone."),
    )
    confirm_new = forms.BooleanField(
        label=_("This is a different person: register her as new"), required=False
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.active(),
        widget=ChoiceChips,
        empty_label=None,
        error_messages={"required": _("Choose how she got in touch.")},
    )
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    categories = forms.ModelMultipleChoiceField(
        label=_("Concerns"),
        queryset=ConcernCategory.objects.active(),
        required=False,
        widget=CheckboxChips,
    )
    primary_concern = forms.ModelChoiceField(
        label=_("Main concern"),
        queryset=ConcernCategory.objects.active(),
        required=False,
        widget=ChoiceChips,
        help_text=_("What she came about most: one of the concerns ticked above."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Contact.Urgency,
        initial=Contact.Urgency.NORMAL,
        widget=ChoiceChips,
    )
    risk = forms.ChoiceField(
        label=_("Risk"),
        choices=[("", _("As the urgency says")), *Risk.choices],
        required=False,
        initial="",
        widget=ChoiceChips,
        help_text=_("Left as the urgency says: Soon means medium risk, Urgent high."),
    )
    restricted = forms.BooleanField(
        label=_("Restrict her record"),
        required=False,
        help_text=_(
            "Only you and the supervisors will see her case, e.g. when the person she fears"
            " could learn of it through someone here."
        ),
    )
    summary = forms.CharField(
        label=_("What she said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write down what she said, even in a few words.")},
    )
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_due = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
        validators=[validate_not_in_past],
    )
    agency = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label=_("No referral"),
    )
    stage = forms.ChoiceField(
        label=_("Referral stage"),
        choices=Referral.Stage,
        initial=Referral.Stage.INFORMED,
        required=False,
        widget=ChoiceChips,
    )
    shares_information = forms.BooleanField(
        label=_("We pass her information to the agency"), required=False
    )
    consent_recorded = forms.BooleanField(label=_("She agreed to the sharing"), required=False)
    override_reason = forms.CharField(
        label=_("Supervisor: reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, user: User, chosen_client: Client | None = None, **kwargs: Any
    ) -> None:
        """`chosen_client` is the woman the posted `client` id names, fetched by the view through
        the access door (a form sent back with errors still shows whom it was about)."""
        self.user = user
        self.chosen_client = chosen_client
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.duplicates: list[Client] = []
        # As she types a new woman's name or handle, women already known by it show at once.
        live = {
            "hx-post": reverse("consultations:likely_duplicates"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#duplicates",
            "hx-include": "[name=nickname], [name=handle], [name=handle_kind], [name=client]:checked",
        }
        for name in ("nickname", "handle"):
            self.fields[name].widget.attrs.update(live)

    def clean_client(self) -> str:
        value = self.cleaned_data["client"]
        if value in (NEW, ANONYMOUS):
            return value
        if self.chosen_client is None or str(self.chosen_client.pk) != value:
            raise forms.ValidationError(_("Choose the person again."))
        return value

    def clean_occurred_at(self) -> dt.datetime:
        return not_in_future(self.cleaned_data["occurred_at"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        mode = data.get("client")
        if mode == NEW:
            self._clean_new_client(data)
        if mode == ANONYMOUS:
            # The error goes on the field that was filled in, where the counselor will look.
            for name in ("follow_up_due", "agency"):
                if data.get(name):
                    self.add_error(
                        name,
                        _(
                            "An anonymous one-off contact has no case: record a referral or"
                            " follow-up for a registered person."
                        ),
                    )
        if data.get("agency"):
            check_sharing(self, data)
        self._clean_main_concern(data)
        return data

    def _clean_main_concern(self, data: dict[str, Any]) -> None:
        """She marks the main concern herself when she ticks several (recording puts the main
        concern among the concerns: services.with_main_concern)."""
        categories = list(data.get("categories") or [])
        if (
            data.get("primary_concern") is None
            and len(categories) > 1
            and self._case_needs_a_main_concern(data)
        ):
            self.add_error(
                "primary_concern", _("Several concerns are ticked: mark the one she came about.")
            )

    def _case_needs_a_main_concern(self, data: dict[str, Any]) -> bool:
        if data.get("client") == ANONYMOUS:
            return False
        if self.chosen_client is None:
            return True
        cases = Case.objects.visible_to(self.user).filter(client=self.chosen_client).open()
        return not cases.exclude(primary_concern=None).exists()

    def _clean_new_client(self, data: dict[str, Any]) -> None:
        if not data.get("nickname", "").strip():
            self.add_error("nickname", _("Enter the name she goes by."))
            return
        kind, handle = data.get("handle_kind", ""), data.get("handle", "").strip()
        if handle and not kind:
            self.add_error("handle_kind", _("Say whether this is a LINE ID, email or phone."))
        if kind == "email" and handle:
            try:
                forms.EmailField().clean(handle)
            except forms.ValidationError:
                self.add_error("handle", _("Enter a valid email address."))
        if (
            kind == "phone"
            and handle
            and not re.fullmatch(r"[0-9０-９+\-\s()（）－]{6,20}", handle)
        ):
            self.add_error("handle", _("Enter a phone number with digits only."))
        self.duplicates = services.likely_duplicates(
            nickname=data["nickname"],
            handles={kind: handle} if kind and handle else {},
            user=self.user,
        )
        if self.duplicates and not data.get("confirm_new"):
            self.add_error(
                "nickname",
                _(
                    "Someone with this name or handle is already registered. Choose her below, or"
                    " tick the box to register a different person."
                ),
            )

    def new_client_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            "nickname": data["nickname"].strip(),
            "age_band": data.get("age_band"),
            "under_18": data.get("under_18", False),
        }
        kind, handle = data.get("handle_kind"), data.get("handle", "").strip()
        if kind and handle:
            fields[Client.HANDLE_FIELDS[kind]] = handle
            fields[f"may_contact_by_{kind}"] = data.get("may_contact", False)
        return fields

    def contact_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [
            "channel",
            "occurred_at",
            "categories",
            "summary",
            "next_step",
            "urgency",
            "follow_up_due",
            "primary_concern",
            "risk",
            "restricted",
        ]
        return {name: data[name] for name in names}

    def referral_fields(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("agency"):
            return None
        names = ["agency", "shares_information", "consent_recorded", "override_reason"]
        return {name: data[name] for name in names} | {
            "stage": data["stage"] or Referral.Stage.INFORMED
        }


class ContactForm(OwnIdsMixin, ErrorSummaryFocusMixin, forms.ModelForm):
    id_prefix = "contact"  # one of the case page's forms
    follow_up_due = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
        validators=[validate_not_in_past],
    )

    class Meta:
        model = Contact
        fields = [
            "channel",
            "occurred_at",
            "direction",
            "duration_minutes",
            "categories",
            "urgency",
            "summary",
            "next_step",
        ]
        widgets = {
            "channel": ChoiceChips,
            "occurred_at": DateTimeInput(),
            "direction": ChoiceChips,
            "categories": CheckboxChips,
            "urgency": ChoiceChips,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.active()  # type: ignore[attr-defined]
        self.fields["categories"].queryset = ConcernCategory.objects.active()  # type: ignore[attr-defined]
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["channel"].empty_label = None  # type: ignore[attr-defined]
        self.fields["channel"].error_messages["required"] = _("Choose how she got in touch.")
        self.fields["direction"].choices = Contact.Direction.choices  # type: ignore[attr-defined]
        self.fields["urgency"].choices = Contact.Urgency.choices  # type: ignore[attr-defined]
        self.fields["summary"].required = True  # only imported history may lack one
        self.fields["summary"].error_messages["required"] = _(
            "Write down what she said, even in a few words."
        )

    def clean_occurred_at(self) -> dt.datetime:
        return not_in_future(self.cleaned_data["occurred_at"])
