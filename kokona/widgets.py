"""Form widgets every app uses: browser date pickers, and choices as thumb-sized chips.

A select's options and the chips are written here in Python, not by a template each: Django's
select_option.html and input.html take two template renders an option, and the case list's
filters alone have 50 options (templates/django/forms/widgets/select.html, forms/chips.html).
What is written is what those templates write, escaped and localised the same way."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Option = dict[str, Any]
OptGroups = Iterable[tuple[str | None, list[Option], int]]


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


def flat_attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes as django/forms/widgets/attrs.html writes them: True bare, False left out."""
    return _joined(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def select_options(optgroups: OptGroups) -> SafeString:
    """A select's options (and groups), as select.html and select_option.html write them."""
    parts = []
    for group, options, _index in optgroups:
        if group:
            parts.append(format_html('\n  <optgroup label="{}">', localize(group)))
        parts.append(
            format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((str(o["value"]), flat_attrs(o["attrs"]), localize(o["label"])) for o in options),
            )
        )
        if group:
            parts.append(SafeString("\n  </optgroup>"))
    return _joined(parts)


def chip_inputs(optgroups: OptGroups) -> SafeString:
    """Each choice a label holding its radio button or check box, as forms/chips.html lays out."""
    return format_html_join(
        "",
        '<label class="chip" for="{}"><input type="{}" name="{}"{}{}><span>{}</span></label>',
        (
            (
                option["attrs"].get("id", ""),
                option["type"],
                option["name"],
                _value(option["value"]),
                flat_attrs(option["attrs"]),
                localize(option["label"]),
            )
            for _group, options, _index in optgroups
            for option in options
        ),
    )


def _value(value: object) -> SafeString:
    return SafeString("") if value is None else format_html(' value="{}"', value)


def _joined(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))
