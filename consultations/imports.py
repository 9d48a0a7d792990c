"""Importing past consultations from CSV (`manage.py import_consultations` and the upload page).

Columns: occurred_at, channel, client, age_band, categories (`;`-separated), counselor (username,
may be blank), summary, referred_to (agency name, may be blank). A blank client is an anonymous
one-off contact; the same client text is the same person, in this file and in later ones. An
agency name not yet known is added and marked for a supervisor to review. All or nothing;
importing the same file twice adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import (
    AgeBand,
    Agency,
    Channel,
    Client,
    ConcernCategory,
    Contact,
)
from kokona import importers
from kokona.crypto import keyed_hash
from kokona.csvio import (
    CellError,
    CellInvalid,
    Column,
    ImportRefused,
    iter_list,
    normalise,
    parse_datetime,
    read,
)
from kokona.models import User
from kokona.vocabularies import lookup


def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


COLUMNS = [
    Column("occurred_at", gettext_lazy("Date and time"), ("日時", "相談日時", "日付")),
    Column("channel", gettext_lazy("Channel"), ("経路", "相談経路", "媒体")),
    Column(
        "client",
        gettext_lazy("Client"),
        ("相談者", "相談者名", "呼び名"),
        max_length=_max_length(Client, "nickname"),
    ),
    Column("age_band", gettext_lazy("Age band"), ("年代",), required=False),
    Column("categories", gettext_lazy("Concerns"), ("相談内容", "分類"), required=False),
    Column(
        "counselor",
        gettext_lazy("Counselor"),
        ("相談員", "担当"),
        required=False,
        max_length=_max_length(User, "username"),
    ),
    # Stored encrypted in a text column: no length a database would refuse.
    Column("summary", gettext_lazy("Summary"), ("概要", "内容", "相談概要"), required=False),
    Column(
        "referred_to",
        gettext_lazy("Referred to"),
        ("つなぎ先", "紹介先"),
        required=False,
        max_length=_max_length(Agency, "name"),
    ),
]
_NAMES = {column.key: column for column in COLUMNS}
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass
class Row:
    line: int
    occurred_at: dt.datetime
    channel: Channel
    client_text: str
    age_band: AgeBand | None
    categories: list[ConcernCategory]
    counselor: User | None
    summary: str
    agency_name: str
    import_key: str


@dataclass
class Plan(importers.Plan):
    """What an import would do, for the preview and for `apply`."""

    rows: list[Row] = field(default_factory=list)
    repeated_in_file: int = 0
    new_clients: list[str] = field(default_factory=list)
    known_clients: int = 0
    new_agencies: list[str] = field(default_factory=list)

    @property
    def anonymous(self) -> int:
        return sum(1 for row in self.rows if not row.client_text)


def _row_key(row: dict[str, str], occurred_at: dt.datetime) -> str:
    """A keyed hash of the row's content: the same row imported again is recognised."""
    parts = [
        occurred_at.astimezone(dt.UTC).isoformat(),
        normalise(row.get("channel", "")),
        normalise(row.get("client", "")),
        normalise(row.get("summary", "")),
        normalise(row.get("counselor", "")),
        ";".join(sorted(iter_list(row.get("categories", "")))),
        normalise(row.get("referred_to", "")),
    ]
    return keyed_hash("\x1f".join(parts), kind="text")


def client_ref(text: str) -> str:
    return keyed_hash(normalise(text), kind="text")


def plan(data: bytes, *, by: User) -> Plan:
    """Read and check the whole file as `by` would import it; raise ImportRefused naming every
    bad cell."""
    rows = read(data, COLUMNS).rows
    channels: dict[str, Channel] = Channel.objects.by_label_and_code()
    bands: dict[str, AgeBand] = AgeBand.objects.by_label_and_code()
    concerns: dict[str, ConcernCategory] = ConcernCategory.objects.by_label_and_code()
    staff = {u.username: u for u in User.objects.npo_staff()}
    errors: list[CellError] = []
    result = Plan()
    keys_seen: set[str] = set()
    now = timezone.now()

    for line, row in rows:

        def bad(key: str, message: str, line: int = line) -> None:
            errors.append(CellError(line, _NAMES[key].name, message))

        occurred_at = None
        try:
            occurred_at = parse_datetime(row["occurred_at"])
            if not EARLIEST <= occurred_at <= now:
                bad("occurred_at", _("The date is in the future or before 2000."))
                occurred_at = None
        except CellInvalid as error:
            bad("occurred_at", str(error))
        channel = lookup(channels, row["channel"])
        if channel is None:
            bad("channel", _("Unknown channel 「%s」.") % row["channel"])
        client_text = normalise(row["client"])
        band = None
        if row.get("age_band"):
            band = lookup(bands, row["age_band"])
            if band is None:
                bad("age_band", _("Unknown age band 「%s」.") % row["age_band"])
        categories = []
        for item in iter_list(row.get("categories", "")):
            category = lookup(concerns, item)
            if category is None:
                bad("categories", _("Unknown concern 「%s」.") % item)
            else:
                categories.append(category)
        counselor = None
        if row.get("counselor"):
            counselor = staff.get(normalise(row["counselor"]))
            if counselor is None:
                bad("counselor", _("No counselor has the username 「%s」.") % row["counselor"])
        agency_name = normalise(row.get("referred_to", ""))
        if agency_name and not client_text:
            bad("referred_to", _("An anonymous contact cannot be referred: give the client."))

        if occurred_at is None or channel is None:
            continue
        key = _row_key(row, occurred_at)
        if key in keys_seen:
            result.repeated_in_file += 1
            continue
        keys_seen.add(key)
        result.rows.append(
            Row(
                line=line,
                occurred_at=occurred_at,
                channel=channel,
                client_text=client_text,
                age_band=band,
                categories=categories,
                counselor=counselor,
                summary=row.get("summary", ""),
                agency_name=agency_name,
                import_key=key,
            )
        )
    if errors:
        raise ImportRefused(errors)

    # Past the door on purpose: a row imported before is skipped, whoever may see it now.
    keys = [r.import_key for r in result.rows]
    done = set(
        Contact.objects.unscoped().filter(import_key__in=keys).values_list("import_key", flat=True)
    )
    result.already_imported = len(done)
    result.rows = [row for row in result.rows if row.import_key not in done]
    texts = {row.client_text for row in result.rows if row.client_text}
    refs = [client_ref(t) for t in texts]
    known = set(
        Client.objects.visible_to(by)
        .filter(import_ref__in=refs)
        .values_list("import_ref", flat=True)
    )
    # Past the door on purpose: a woman hidden from `by` must not get a second record, and
    # her rows must not be written into her cases under `by`'s name either.
    hidden = set(
        Client.objects.unscoped().filter(import_ref__in=refs).values_list("import_ref", flat=True)
    )
    hidden -= known
    if hidden:
        raise ImportRefused(
            [
                CellError(
                    row.line,
                    _NAMES["client"].name,
                    _(
                        "This person's record is restricted and cannot be imported under your"
                        " name: ask a supervisor to import the file."
                    ),
                )
                for row in result.rows
                if row.client_text and client_ref(row.client_text) in hidden
            ]
        )
    result.known_clients = sum(1 for t in texts if client_ref(t) in known)
    result.new_clients = sorted(t for t in texts if client_ref(t) not in known)
    agencies = {row.agency_name for row in result.rows if row.agency_name}
    existing = set(Agency.objects.filter(name__in=agencies).values_list("name", flat=True))
    result.new_agencies = sorted(agencies - existing)
    return result
