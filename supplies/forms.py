"""The site manager's forms: filters, a site and a placement, and the ledger's short forms."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokona.forms import ErrorSummaryFocusMixin, ShortModelChoiceField
from kokona.widgets import ChoiceChips, DateInput
from supplies.models import Area, Item, OutreachPlacement, SchoolLevel, Site, SiteCategory
from supplies.models.ledger import Source

NO_WOMAN = _("Never anything about a woman.")


def not_in_future(day: dt.date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future."))


def date_field(label: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label or _("Date"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[not_in_future],
    )


# --- filters -----------------------------------------------------------------------------------


class SiteFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("active", _("Active")),
        ("not_started", _("Not started yet")),
        ("ended", _("Ended")),
        ("all", _("All")),
    ]

    q = forms.CharField(label=_("Name or address"), required=False, max_length=60)
    category = ShortModelChoiceField(
        label=_("Category"), queryset=SiteCategory.objects.all(), required=False
    )
    school_level = ShortModelChoiceField(
        label=_("School level"), queryset=SchoolLevel.objects.all(), required=False
    )
    area = ShortModelChoiceField(label=_("Area"), queryset=Area.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    needs_restock = forms.BooleanField(label=_("Needs restocking only"), required=False)


class PlacementFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("In place")), ("removed", _("Removed")), ("all", _("All"))]

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All"))] + list(OutreachPlacement.Kind.choices),
        required=False,
    )
    area = ShortModelChoiceField(label=_("Area"), queryset=Area.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class RoundForm(forms.Form):
    not_visited_for = forms.TypedChoiceField(
        label=_("Also sites without a delivery for"),
        choices=[("", _("—")), ("30", _("30 days")), ("60", _("60 days")), ("90", _("90 days"))],
        coerce=int,
        empty_value=None,
        required=False,
    )


# --- records -----------------------------------------------------------------------------------


class SiteForm(ErrorSummaryFocusMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Site
        fields = [
            "name",
            "category",
            "school_level",
            "area",
            "address",
            "phone",
            "contact_person",
            "has_consultation",
            "started_on",
            "ended_on",
            "restock_threshold",
            "delivery_notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "delivery_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["category"].queryset = SiteCategory.objects.active()  # type: ignore[attr-defined]
        self.fields["school_level"].queryset = SchoolLevel.objects.active()  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.active()  # type: ignore[attr-defined]
        self.fields["school_level"].help_text = _("Only for a school nurse's room.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category, level = data.get("category"), data.get("school_level")
        if category is not None:
            if category.needs_school_level and level is None:
                self.add_error("school_level", _("Choose the school level of this school."))
            if not category.needs_school_level and level is not None:
                self.add_error("school_level", _("Only a school has a school level."))
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("A site ends after it starts."))
        return data


class PlacementForm(ErrorSummaryFocusMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = OutreachPlacement
        fields = [
            "kind",
            "name",
            "address",
            "area",
            "site",
            "cards",
            "poster",
            "flyers",
            "placed_on",
            "removed_on",
            "last_checked_on",
            "notes",
        ]
        widgets = {
            "kind": ChoiceChips,
            "placed_on": DateInput(),
            "removed_on": DateInput(),
            "last_checked_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["area"].queryset = Area.objects.active()  # type: ignore[attr-defined]
        self.fields["site"].queryset = Site.objects.active_on()  # type: ignore[attr-defined]
        self.fields["notes"].help_text = NO_WOMAN

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("cards", "poster", "flyers")):
            self.add_error("cards", _("Choose what is placed there: cards, a poster or flyers."))
        placed, removed = data.get("placed_on"), data.get("removed_on")
        if placed and removed and removed < placed:
            self.add_error("removed_on", _("A placement is removed after it is placed."))
        return data


def _item_choice(products_only: bool = False, **kwargs: Any) -> forms.ModelChoiceField:
    items = Item.objects.active()
    if products_only:
        items = items.filter(is_product=True)
    return forms.ModelChoiceField(
        label=_("Item"),
        queryset=items,
        widget=ChoiceChips,
        empty_label=None,
        error_messages={"required": _("Choose the item.")},
        **kwargs,
    )


def _quantity(label: Any = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Quantity"),
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ReceiptForm(ErrorSummaryFocusMixin, forms.Form):
    item = _item_choice()
    quantity = _quantity()
    source = forms.ChoiceField(
        label=_("Obtained from"),
        choices=Source.choices,
        widget=ChoiceChips,
        initial=Source.PURCHASE,
    )
    moved_on = date_field(_("Received on"))
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("The supplier or the donor, an order number."),
    )


class HandOutForm(ErrorSummaryFocusMixin, forms.Form):
    site = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("At the NPO (from the store)"),
    )
    item = _item_choice(products_only=True)
    quantity = _quantity()
    moved_on = date_field(_("Handed out on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.active_on()  # type: ignore[attr-defined]


class DisposalForm(ErrorSummaryFocusMixin, forms.Form):
    site = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("The NPO's store"),
    )
    item = _item_choice()
    quantity = _quantity()
    reason = forms.CharField(label=_("Why"), max_length=200, help_text=NO_WOMAN)
    moved_on = date_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.all()  # type: ignore[attr-defined]


class ReverseForm(ErrorSummaryFocusMixin, forms.Form):
    reason = forms.CharField(
        label=_("What was wrong"),
        max_length=200,
        help_text=_("e.g. typed 100 instead of 10. The record stays; a correction is added."),
    )


class ItemCountsForm(ErrorSummaryFocusMixin, forms.Form):
    """A number per item in use: what was left (a count) and, for a restock, what was delivered.

    Fields are named `<kind>_<item code>` so a phone's form posts plainly; `rows()` hands them to
    the template item by item.
    """

    KINDS: tuple[str, ...] = ()

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        labels = {"remaining": _("Left"), "delivered": _("Delivered"), "counted": _("Counted")}
        for item in items:
            for kind in self.KINDS:
                self.fields[f"{kind}_{item.code}"] = forms.IntegerField(
                    label=f"{item}：{labels[kind]}",
                    min_value=0,
                    max_value=100000,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def rows(self) -> list[tuple[Item, list[forms.BoundField]]]:
        return [(item, [self[f"{kind}_{item.code}"] for kind in self.KINDS]) for item in self.items]

    def value(self, kind: str, item: Item) -> int | None:
        return self.cleaned_data.get(f"{kind}_{item.code}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and all(
            data.get(f"{kind}_{item.code}") is None for item in self.items for kind in self.KINDS
        ):
            raise forms.ValidationError(_("Fill in at least one number."))
        return data


class RestockForm(ItemCountsForm):
    KINDS = ("remaining", "delivered")

    moved_on = date_field(_("Visited on"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False, help_text=NO_WOMAN)


class StockTakeForm(ItemCountsForm):
    KINDS = ("counted",)

    moved_on = date_field(_("Counted on"))
    reason = forms.CharField(
        label=_("Why the count"),
        max_length=200,
        help_text=_("e.g. the yearly stock-take, packs found damp."),
    )
