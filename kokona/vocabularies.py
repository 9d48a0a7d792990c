"""The vocabulary base: short lists people pick from (channels, concerns, site categories, items,
programs), seeded by data migrations and edited by supervisors in the admin.

An app declares one with `class Channel(Vocabulary)` and registers its admin with
`admin.site.register(Channel, VocabularyAdmin)`. Imports accept an entry's Japanese label or its
code (`by_label_and_code`). Entries are switched off, never deleted: records keep pointing at them.
"""

from typing import Any, Self

from django.contrib import admin
from django.db import models
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kokona.csvio import normalise


class VocabularyQuerySet[V: "Vocabulary"](models.QuerySet[V]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def by_label_and_code(self) -> dict[str, V]:
        """Every entry by its label and by its code (lower case too): what an import cell may
        hold. One query."""
        found: dict[str, V] = {}
        for entry in self:
            for key in (entry.label, entry.code):
                found[normalise(key)] = found[normalise(key).lower()] = entry
        return found


def lookup[V](entries: dict[str, V], text: str) -> V | None:
    """The entry a cell names, by label or code, in any case (`by_label_and_code`)."""
    key = normalise(text)
    return entries.get(key) or entries.get(key.lower())


class Vocabulary(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class NamedRowsFormSet(BaseModelFormSet):
    """The list's editable cells, each named by its column and its row (「順序（LINE）」): a
    field in a table cell has no <label>, and a screen reader would hear only "edit text"
    (WCAG 1.3.1, 4.1.2; axe's label)."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{field.label}（{form.instance}）"
        return form


class VocabularyAdmin(admin.ModelAdmin):
    """Supervisors rename, reorder and retire entries; nobody deletes one."""

    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["label", "code"]
    ordering = ["order", "pk"]

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_formset(request, formset=NamedRowsFormSet, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
