"""Forms of the consultation screens. Each names exactly the fields a user may set: a posted
`assigned_to` or `restricted` that the form does not name changes nothing."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.models import (
    AgeBand,
    Agency,
    Case,
    Channel,
    Client,
    ConcernCategory,
    Contact,
    Referral,
    SupportActivity,
)
from kokona.forms import ErrorSummaryFocusMixin
from kokona.models import User
from kokona.roles import Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ChoiceChips(forms.RadioSelect):
    """Radio buttons drawn as a row of large chips: quick to hit with a thumb."""

    template_name = "forms/chips.html"


class CheckboxChips(forms.CheckboxSelectMultiple):
    template_name = "forms/chips.html"


def _not_in_future(moment: dt.datetime) -> dt.datetime:
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise forms.ValidationError(_("The time is in the future."))
    return moment


class VersionedForm(forms.Form):
    """Carries the version of the record the form was opened on, for the stale-save check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- the quick form ----------------------------------------------------------------------------

HANDLE_CHOICES = [
    ("", _("None")),
    ("line", _("LINE")),
    ("email", _("Email")),
    ("phone", _("Phone")),
]
NEW, ANONYMOUS = "new", "anonymous"


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
        label=_("Contact handle"), choices=HANDLE_CHOICES, required=False, widget=ChoiceChips
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
        help_text=_(
            "For a new case, the ticked concern highest in the list becomes the main concern;"
            " it can be changed later."
        ),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Contact.Urgency,
        initial=Contact.Urgency.NORMAL,
        widget=ChoiceChips,
    )
    summary = forms.CharField(
        label=_("What she said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write down what she said, even in a few words.")},
    )
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_due = forms.DateField(label=_("Follow up by"), required=False, widget=DateInput())
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

    def clean_client(self) -> str:
        value = self.cleaned_data["client"]
        if value in (NEW, ANONYMOUS):
            return value
        if self.chosen_client is None or str(self.chosen_client.pk) != value:
            raise forms.ValidationError(_("Choose the person again."))
        return value

    def clean_occurred_at(self) -> dt.datetime:
        return _not_in_future(self.cleaned_data["occurred_at"])

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
            _check_sharing(self, data)
        return data

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
        names = ["channel", "occurred_at", "categories", "summary", "next_step", "urgency"]
        return {name: data[name] for name in names} | {"follow_up_due": data["follow_up_due"]}

    def referral_fields(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("agency"):
            return None
        names = ["agency", "shares_information", "consent_recorded", "override_reason"]
        return {name: data[name] for name in names} | {
            "stage": data["stage"] or Referral.Stage.INFORMED
        }


def _check_sharing(form: "QuickContactForm | ReferralForm", data: dict[str, Any]) -> None:
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


# --- the case page -----------------------------------------------------------------------------


class ContactForm(ErrorSummaryFocusMixin, forms.ModelForm):
    follow_up_due = forms.DateField(label=_("Follow up by"), required=False, widget=DateInput())

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
        return _not_in_future(self.cleaned_data["occurred_at"])


class StatusForm(ErrorSummaryFocusMixin, VersionedForm):
    to = forms.ChoiceField(label=_("New status"), choices=Case.Status, widget=ChoiceChips)
    reason = forms.CharField(
        label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nexts = Case.Status(case.status).next_statuses
        self.fields["to"].choices = [(s.value, s.label) for s in nexts]  # type: ignore[attr-defined]
        self.fields["version"].initial = case.version


class AssignForm(VersionedForm):
    assigned_to = forms.ModelChoiceField(
        label=_("Counselor in charge"), queryset=User.objects.none()
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = ConcernCategory.objects.filter(Q(is_active=True) | Q(cases=self.instance))
        self.fields["categories"].queryset = active.distinct()  # type: ignore[attr-defined]
        self.fields["version"].initial = self.instance.version
        if not (user.has_role(Role.SUPERVISOR) or self.instance.assigned_to_id == user.pk):
            # Opening or closing her record to the other counselors is for the counselor in
            # charge and supervisors only.
            del self.fields["restricted"]

    def changed_fields(self) -> dict[str, Any]:
        """The case fields this form changed (categories apart: they are a relation)."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name not in ("categories", "version")
        }


class ReferralForm(ErrorSummaryFocusMixin, forms.ModelForm):
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
        _check_sharing(self, self.cleaned_data)
        return self.cleaned_data


class ActivityForm(ErrorSummaryFocusMixin, forms.ModelForm):
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


# --- lists -------------------------------------------------------------------------------------


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
    counselor = forms.ModelChoiceField(
        label=_("Counselor in charge"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    category = forms.ModelChoiceField(
        label=_("Concern"),
        queryset=ConcernCategory.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Follow-up overdue"), required=False)
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


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        error_messages={"required": _("Choose the CSV file to import.")},
        help_text=_("UTF-8 or Shift_JIS (as Excel saves it), with a header row. Up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
