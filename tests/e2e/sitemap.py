"""Every page of kokona, built from the URL resolver, so a page added tomorrow is walked tomorrow.

A URL with arguments needs sample values: `SAMPLES` names them per URL name, `BY_ARGUMENT` per
argument name (year, month, pk of a known page ...), and the admin's object ids come from the
admin's own registry. A URL that none of them can fill is reported by `unfilled()`, and the axe
sweep fails on it: add its sample here (a row of the data the sweep seeds), never skip it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kokona import importers, indicators
from kokona.models import ImportBatch, User

SAMPLE_FILES = Path(__file__).resolve().parents[2] / "static" / "samples"

# Not pages: they answer a script, sign out, or lead elsewhere. Each with its reason.
# The admin site's URL namespace (kokona.admin_site.KokonaAdminSite).
ADMIN = f"{admin.site.name}:"

NOT_PAGES = {
    "logout": "POST only; a GET would end the walk's session",
    f"{ADMIN}logout": "signs out",
    f"{ADMIN}jsi18n": "JavaScript",
    f"{ADMIN}autocomplete": "JSON for the admin's select boxes",
    f"{ADMIN}view_on_site": "a redirect to the object's own page, walked by itself",
    "healthz": "a plain-text health check for the proxy",
    "keep_alive": "POST only, from kokona.js",
    "consultations:case_panel": "a fragment htmx puts into an opened case-page panel; checked there",
    "consultations:line_reply": "POST only, from the case page's LINE panel",
    "consultations:line_reply_retry": "POST only, from the case page's LINE panel",
    "import_status": "a fragment the import's page polls; checked inside that page",
    "consultations:inbox": "a fragment the counselors' home polls; checked inside the home",
    "consultations:recent": "a fragment the counselors' home fetches as a panel opens; checked there",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str


def _every_pattern(patterns: list | None = None, namespace: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _every_pattern(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def _arguments(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _first_pk(model: Any) -> Any:
    # The base manager: a sample id is no read of anyone's record, and the door would refuse.
    return model._base_manager.order_by("pk").values_list("pk", flat=True).first()


def _admin_models() -> dict[str, Any]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


# The admin's history and delete pages are one Django template for every model, filled with the
# object's name and its related rows: one model's stand for all (the sweep stays under 3 minutes).
# Each model's list, add and change pages, built from its own ModelAdmin, are all walked.
ADMIN_ONCE = ("_history", "_delete")


def _admin_kwargs(name: str, arguments: list[str]) -> list[dict[str, Any]] | None:
    """The admin's model pages: its object pages take the first row of that model."""
    if name == f"{ADMIN}app_list":
        labels = sorted({m._meta.app_label for m in admin.site._registry})
        return [{"app_label": label} for label in labels]
    if name == f"{ADMIN}auth_user_password_change":
        return [{"id": _first_pk(User)}]
    short = name.removeprefix(ADMIN)
    for prefix, model in _admin_models().items():
        if short.startswith(prefix + "_"):
            pk = _first_pk(model)
            if pk is None:
                return []  # no row, no page of one
            return [dict.fromkeys(arguments, pk)]
    return None


def _today() -> datetime.date:
    return timezone.localdate()


# By argument name, for every URL that has one. Values are lists: each makes its own page.
BY_ARGUMENT: dict[str, Callable[[User], list[Any]]] = {
    "year": lambda user: [_today().year],
    "month": lambda user: [_today().month],
    "day": lambda user: [_today().day],
    "fmt": lambda user: ["csv"],
    "code": lambda user: [indicators.indicators()[0].code],
    "uidb64": lambda user: ["MQ"],
    "token": lambda user: ["set-password"],
}


def _model_pk(label: str, **filters: Any) -> Callable[[User], list[dict[str, Any]]]:
    def build(user: User) -> list[dict[str, Any]]:
        from django.apps import apps

        model = apps.get_model(label)
        pk = model._base_manager.filter(**filters).order_by("pk").values_list("pk", flat=True)
        return [{"pk": pk.first()}] if pk.first() is not None else []

    return build


def _import_batches(user: User) -> list[dict[str, Any]]:
    """The user's own upload of each sample file: the preview page of each importer."""
    batches = ImportBatch.objects.filter(status=ImportBatch.Status.UPLOADED).order_by("pk")
    mine = [{"name": b.kind, "pk": b.pk} for b in batches if b.uploaded_by_id == user.pk]
    # Someone else's upload for a user with none: her page is the refusal.
    return mine or [{"name": b.kind, "pk": b.pk} for b in batches[:1]]


def _stock_entry(user: User) -> list[dict[str, Any]]:
    from supplies.models import StockMovement

    entry = StockMovement.objects.order_by("-pk").values_list("entry", flat=True).first()
    return [{"entry": entry}] if entry else []


# By URL name: which row each page shows.
SAMPLES: dict[str, Callable[[User], list[dict[str, Any]]]] = {
    "notice_seen": _model_pk("kokona.Notice"),
    "import_upload": lambda user: [{"name": i.name} for i in importers.every()],
    "import_preview": _import_batches,
    "import_status": _import_batches,
    "consultations:client_detail": _model_pk("consultations.Client", cases__restricted=False),
    "consultations:client_edit": _model_pk("consultations.Client", cases__restricted=False),
    "consultations:client_export": _model_pk("consultations.Client", cases__restricted=False),
    "consultations:contact_detail": _model_pk("consultations.Contact", case__restricted=False),
    "consultations:contact_take": _model_pk("consultations.Contact", case__isnull=True),
    "consultations:contact_join": _model_pk("consultations.Contact", case__isnull=True),
    "supplies:reverse_entry": _stock_entry,
    "ibasho:attendance_change": _model_pk("ibasho.Attendance"),
    "supplies:site_cards": _model_pk("supplies.Site", ended_on__isnull=True),
    "supplies:placement_cards": _model_pk("supplies.OutreachPlacement"),
}
for _name in (
    "case_detail",
    "case_edit",
    "case_status",
    "case_assign",
    "case_add_contact",
    "case_add_referral",
    "case_add_activity",
    "case_access_log",
):
    SAMPLES[f"consultations:{_name}"] = _model_pk(
        "consultations.Case", restricted=False, closed_on__isnull=True
    )
for _name in ("site_detail", "site_edit", "restock", "site_stock_take"):
    SAMPLES[f"supplies:{_name}"] = _model_pk("supplies.Site", ended_on__isnull=True)
for _name in ("placement_detail", "placement_edit"):
    SAMPLES[f"supplies:{_name}"] = _model_pk("supplies.OutreachPlacement")
for _name in (
    "session_detail",
    "session_edit",
    "session_cancel",
    "session_reinstate",
    "survey",
    "find",
    "attendance_add",
    "head_count",
):
    SAMPLES[f"ibasho:{_name}"] = _model_pk("ibasho.Session", cancelled=False)


def pages(user: User, *, admin_pages: bool) -> tuple[list[Page], list[str]]:
    """Every page `user` might open, and the URL names no sample could fill."""
    found: list[Page] = []
    unfilled: list[str] = []
    once: set[str] = set()
    for name, pattern in _every_pattern():
        kind = next((k for k in ADMIN_ONCE if name.startswith(ADMIN) and name.endswith(k)), "")
        if kind and kind in once:
            continue
        if name in NOT_PAGES or name.endswith(":None"):
            continue
        is_admin = name.startswith(ADMIN)
        if is_admin and not admin_pages:
            continue
        arguments = _arguments(pattern)
        variants: list[dict[str, Any]] | None
        if not arguments:
            variants = [{}]
        elif name in SAMPLES:
            variants = SAMPLES[name](user)
        elif is_admin:
            variants = _admin_kwargs(name, arguments)
        elif all(a in BY_ARGUMENT for a in arguments):
            values = {a: BY_ARGUMENT[a](user)[0] for a in arguments}
            variants = [values]
        else:
            variants = None
        if variants is None or (not variants and not is_admin):
            unfilled.append(name)
            continue
        found += [Page(name, reverse(name, kwargs=kwargs)) for kwargs in variants]
        if kind:
            once.add(kind)
    return found, unfilled


def upload_samples(user: User) -> None:
    """An upload of each sample file the user may import, waiting on its preview page."""
    for importer in importers.every():
        if not user.has_role(*importer.uploaders):
            continue
        path = SAMPLE_FILES / f"{importer.name}-sample.csv"
        if path.exists():
            ImportBatch.objects.create(
                kind=importer.name,
                filename=path.name,
                content=path.read_bytes().hex(),
                uploaded_by=user,
            )
