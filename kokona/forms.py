import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokona.models import User


class FormRenderer(TemplatesSetting):
    """Every field as templates/forms/field.html draws it: label above, 必須 mark, hint, error."""

    field_template_name = "forms/field.html"


class ErrorSummaryFocusMixin:
    """A form sent back with errors lets the error summary take the focus, not a field."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if self.is_bound:  # type: ignore[attr-defined]
            for field in self.fields.values():  # type: ignore[attr-defined]
                field.widget.attrs.pop("autofocus", None)


class OwnIdsMixin:
    """A form that shares its page with other forms: its ids start with its own `id_prefix`, so
    the 「メモ」 of one never takes the id of another's and every label names its own field
    (WCAG 1.3.1, 4.1.2). Field names, and so what the form posts, stay as they are."""

    id_prefix: str

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


def not_in_future(moment: dt.datetime) -> dt.datetime:
    """A moment that has happened: a few minutes' grace for a phone whose clock runs fast."""
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise forms.ValidationError(_("The time is in the future."))
    return moment


def not_in_past(day: dt.date | None) -> dt.date | None:
    """A date to come (today included): a follow-up date in the past would be overdue at once."""
    if day is not None and day < timezone.localdate():
        raise forms.ValidationError(_("The date is in the past: choose today or later."))
    return day


def validate_not_in_past(day: dt.date | None) -> None:
    """`not_in_past` as a field validator."""
    not_in_past(day)


class ShortChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a `ShortModelChoiceField`, from the rows it has read."""

    field: "ShortModelChoiceField"

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows():
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self.field.rows()) + (self.field.empty_label is not None)


class ShortModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice among a short list (a vocabulary, the staff) read once for the form: the value
    sent is found among the rows its options are drawn from. Django's field reads the list to
    draw the options and asks the database again for the value chosen, two queries for each
    filter a list is filtered by."""

    iterator = ShortChoiceIterator
    _rows: list[Any] | None = None

    def rows(self) -> list[Any]:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def _set_queryset(self, queryset: Any) -> None:
        self._rows = None
        super()._set_queryset(queryset)  # type: ignore[misc]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for row in self.rows():
            if str(getattr(row, key)) == str(value):
                return row
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class VersionedForm(forms.Form):
    """Carries the version of the record the form was opened on, for the stale-save check
    (kokona.locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SignInForm(ErrorSummaryFocusMixin, AuthenticationForm):
    """Django's sign-in form with Japanese labels and the browser hints a phone needs."""

    error_messages = {
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = _("Password")


class TokenForm(ErrorSummaryFocusMixin, forms.Form):
    """A code from the authenticator app (6 digits) or a printed backup code."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split()).lower()


class PasswordConfirmForm(forms.Form):
    """Asks again for the password before a factor is added, replaced or removed (ASVS 7.5.1)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: object, locked: bool = False, **kwargs: object) -> None:
        """`locked`: too many wrong answers lately (kokona.step_up); nothing is checked."""
        self.user = user
        self.locked = locked
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if self.locked:
            raise forms.ValidationError(_("Too many wrong passwords. Try again in 30 minutes."))
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        error_messages={"required": _("Choose the CSV file to import.")},
        help_text=_("UTF-8 or Shift_JIS (as Excel saves it), with a header row. Up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
