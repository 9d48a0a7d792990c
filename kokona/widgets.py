"""Form widgets every app uses: browser date pickers, and choices as thumb-sized chips."""

from typing import Any

from django import forms


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
