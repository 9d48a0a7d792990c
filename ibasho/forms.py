"""Forms of the 居場所 screens. Each names exactly the fields a user may set."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ibasho.models import Frequency, Program, Role, Session, Status
from ibasho.services import Scope
from kokona.forms import ErrorSummaryFocusMixin, OwnIdsMixin, ShortModelChoiceField, VersionedForm
from kokona.models import User
from kokona.widgets import CheckboxChips, ChoiceChips, DateInput

ONCE = "once"
REPEATS = [(ONCE, _("Once")), *Frequency.choices]
SCOPES = [
    (Scope.THIS, _("This session only")),
    (Scope.FOLLOWING, _("This and the later sessions of the series")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def _staff_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Staff"),
        queryset=User.objects.npo_staff(),
        required=False,
        widget=CheckboxChips,
    )


class _SessionFields(ErrorSummaryFocusMixin, forms.Form):
    start = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end = forms.TimeField(label=_("Ends"), widget=TimeInput())
    venue = forms.CharField(
        label=_("Venue"),
        max_length=100,
        required=False,
        help_text=_("Blank: the programme's usual venue."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Blank: no limit. An expert consultation slot always has one."),
    )
    childcare_places = forms.IntegerField(
        label=_("Childcare places"), min_value=0, max_value=100, initial=0
    )
    guest = forms.CharField(
        label=_("Specialist or lecturer from outside"),
        max_length=100,
        required=False,
        help_text=_("e.g. 臨床心理士 山田"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"] = _staff_field()
        for name in ("capacity", "childcare_places"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The session must end after it starts."))
        return data


class SessionForm(_SessionFields):
    """A new session, or a repeating series from its first date."""

    program = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Program.objects.active(),
        empty_label=None,
        widget=ChoiceChips,
        error_messages={"required": _("Choose the programme.")},
    )
    day = forms.DateField(
        label=_("Date"), widget=DateInput(), help_text=_("The first date, for a series.")
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"), choices=REPEATS, initial=ONCE, widget=ChoiceChips
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The weekday, and for a monthly series its week (第2火曜日), come from the first date."
        ),
    )
    skip_holidays = forms.BooleanField(
        label=_("Not on public holidays"), required=False, initial=True
    )
    slot_minutes = forms.IntegerField(
        label=_("Length of each slot (minutes)"),
        min_value=10,
        max_value=240,
        required=False,
        help_text=_(
            "Expert consultations: the time is split into slots of this length, one woman each."
            " Blank: one slot."
        ),
    )

    field_order = ["program", "day", "start", "end", "repeat", "until", "skip_holidays"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, until = data.get("day"), data.get("until")
        if data.get("repeat", ONCE) != ONCE:
            if until is None:
                self.add_error("until", _("Give the last date of the series."))
            elif day and until < day:
                self.add_error("until", _("The series must end after its first date."))
        program = data.get("program")
        if program and data.get("childcare_places") and not program.offers_childcare:
            self.add_error(
                "childcare_places",
                _("%(program)s offers no childcare.") % {"program": program},
            )
        return data

    @property
    def series_rule(self) -> dict[str, Any]:
        day: dt.date = self.cleaned_data["day"]
        return {
            "frequency": self.cleaned_data["repeat"],
            "weekday": day.weekday(),
            "nth": (day.day - 1) // 7 + 1,
            "starts_on": day,
            "ends_on": self.cleaned_data["until"],
            "skip_holidays": self.cleaned_data["skip_holidays"],
        }


class SessionEditForm(VersionedForm, _SessionFields):
    scope = forms.ChoiceField(
        label=_("Change"), choices=SCOPES, initial=Scope.THIS, widget=ChoiceChips
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())

    field_order = ["scope", "day", "start", "end"]

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        self.session = session
        kwargs.setdefault(
            "initial",
            {
                "version": session.version,
                "day": session.date,
                "start": timezone.localtime(session.starts_at).time(),
                "end": timezone.localtime(session.ends_at).time(),
                "venue": session.venue,
                "capacity": session.capacity,
                "childcare_places": session.childcare_places,
                "guest": session.guest,
                "notes": session.notes,
                "staff": list(session.facilitators.all()),
            },
        )
        super().__init__(*args, **kwargs)
        if session.series_id is None:
            del self.fields["scope"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == Scope.FOLLOWING and data.get("day") not in (
            None,
            self.session.date,
        ):
            self.add_error("day", _("Only one session at a time can move to another date."))
        return data

    @property
    def chosen_scope(self) -> Scope:
        return Scope(self.cleaned_data.get("scope") or Scope.THIS)


class CancelForm(OwnIdsMixin, ErrorSummaryFocusMixin, forms.Form):
    id_prefix = "cancel"  # beside the session's own form on its edit page

    scope = forms.ChoiceField(
        label=_("Cancel"), choices=SCOPES, initial=Scope.THIS, widget=ChoiceChips
    )
    reason = forms.CharField(
        label=_("Why"), max_length=200, required=False, help_text=_("e.g. 会場の都合, 大雪")
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if session.series_id is None:
            del self.fields["scope"]

    @property
    def chosen_scope(self) -> Scope:
        return Scope(self.cleaned_data.get("scope") or Scope.THIS)


class AttendanceForm(ErrorSummaryFocusMixin, forms.Form):
    """A woman onto the list, once she is chosen from the search."""

    client = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose her from the search first.")},
    )
    status = forms.ChoiceField(
        label=_("She"),
        choices=[(Status.ATTENDED, Status.ATTENDED.label), (Status.BOOKED, _("Booked ahead"))],
        initial=Status.ATTENDED,
        widget=ChoiceChips,
    )
    role = forms.ChoiceField(
        label=_("Her part"),
        choices=[(r.value, r.label) for r in Role if r != Role.CONSULTEE],
        initial=Role.PARTICIPANT,
        widget=ChoiceChips,
    )
    children = forms.IntegerField(
        label=_("Children in childcare"), min_value=0, max_value=10, initial=0
    )
    helped_with = forms.CharField(
        label=_("What she did"),
        max_length=60,
        required=False,
        help_text=_("When she helps run it: e.g. 受付, お茶の準備"),
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if session.is_appointment:
            del self.fields["role"], self.fields["helped_with"]
            self.fields["status"].initial = Status.BOOKED
        if not session.childcare_places:
            del self.fields["children"]
        else:
            self.fields["children"].widget.attrs["inputmode"] = "numeric"


class AttendanceChangeForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, required=False)
    children = forms.IntegerField(min_value=0, max_value=10, required=False)
    role = forms.ChoiceField(choices=Role.choices, required=False)


class HeadCountForm(forms.Form):
    anonymous_count = forms.IntegerField(
        label=_("Came without giving a name"), min_value=0, max_value=500
    )
    anonymous_children = forms.IntegerField(
        label=_("Their children in childcare"), min_value=0, max_value=100
    )


class SurveyForm(ErrorSummaryFocusMixin, forms.Form):
    """The paper survey's answers, counted: how many ticked each box."""

    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())

    def __init__(self, *args: Any, choices: list[tuple[int, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in choices:
            self.fields[f"answer_{value}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=500,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(n) for n in self.fields if n.startswith("answer_")):
            raise forms.ValidationError(_("Enter how many answered at least one of the boxes."))
        return data

    @property
    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("answer_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_") and value
        }


class ListFilterForm(forms.Form):
    program = ShortModelChoiceField(
        label=_("Programme"), queryset=Program.objects.all(), required=False
    )
    first = forms.DateField(label=_("First date"), required=False, widget=DateInput())
    last = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    hide_cancelled = forms.BooleanField(label=_("Hide cancelled sessions"), required=False)
