"""One import pipeline for every app: plan → preview → apply, from a CSV file people bring.

An app describes its import once and registers it from its `apps.py`:

    importers.register(SitesImporter())

and gets, without touching kokona: `manage.py import_<name> FILE --as USERNAME` (a three-line
command module subclassing `ImportCommand`), the upload page with the column guide and a sample
file, the preview, the background apply with its progress page, and the refusal lines. Every
import is all or nothing and names the file line and column of each problem (kokona.csvio);
importing the same file again adds nothing.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kokona.csvio import Column, ImportRefused
from kokona.models import User
from kokona.roles import NPO_STAFF, Role

Progress = Callable[[int], None]


@dataclass
class Plan:
    """What a file would do. An importer's own plan adds what its preview shows."""

    rows: list[Any] = field(default_factory=list)
    already_imported: int = 0


@dataclass(frozen=True)
class ColumnGuide:
    """One column as the upload page explains it."""

    key: str
    name: str
    aliases: tuple[str, ...]
    required: bool
    values: str


class Importer(ABC):
    name: ClassVar[str]  # import_<name>, /imports/<name>/
    label: ClassVar[str | Promise]  # what is imported, e.g. 相談記録
    columns: ClassVar[list[Column]]
    sample: ClassVar[str]  # static path of a sample file
    preview_template: ClassVar[str]  # the partial that shows what a plan adds
    done_url_name: ClassVar[str]  # where a finished import's link leads
    done_label: ClassVar[str | Promise]
    # Shown above the file field, when the file may hold something people must not put there.
    warning: ClassVar[str | Promise | None] = None
    # Who uploads on the web page.
    uploaders: ClassVar[tuple[Role, ...]] = (Role.SUPERVISOR,)
    # Whom the command records an import under (`--as`), besides a superuser.
    command_roles: ClassVar[tuple[Role, ...]] = NPO_STAFF

    @abstractmethod
    def plan(self, data: bytes, *, by: User) -> Plan:
        """Read and check the whole file as `by` would import it; raise ImportRefused naming
        every bad cell. Writes nothing."""

    @abstractmethod
    def apply(self, plan: Plan, *, by: User, progress: Progress | None = None) -> int:
        """Write a plan in one transaction; return how many rows were added."""

    @abstractmethod
    def values(self) -> dict[str, str]:
        """What each column (by key) takes, in words, for the upload page."""

    def result(self, plan: Plan, added: int) -> dict[str, object]:
        """What the import log keeps of a finished import (counts only, never a cell)."""
        return {"added": added, "already_imported": plan.already_imported}

    def summary(self, result: dict[str, Any]) -> list[str]:
        """The lines a command prints when it has imported a file."""
        return [
            _("Imported %(added)d rows; %(skipped)d were already imported.")
            % {"added": result["added"], "skipped": result["already_imported"]}
        ]

    def column_guide(self) -> list[ColumnGuide]:
        values = self.values()
        return [
            ColumnGuide(c.key, c.name, c.aliases, c.required, str(values[c.key]))
            for c in self.columns
        ]


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    if _importers.get(importer.name, importer) is not importer:
        raise ValueError(f"an importer named {importer.name!r} is registered already")
    _importers[importer.name] = importer


def get(name: str) -> Importer | None:
    return _importers.get(name)


def every() -> list[Importer]:
    return sorted(_importers.values(), key=lambda importer: importer.name)


def refusal_lines(refused: ImportRefused) -> list[str]:
    """The problems of a refused file as people read them, the first fifty and a count."""
    lines = [str(error) for error in refused.shown]
    hidden = len(refused.errors) - len(refused.shown)
    if hidden > 0:
        lines.append(_("… and %d more problems.") % hidden)
    return lines


class ImportCommand(BaseCommand):
    """`manage.py import_<name> FILE --as USERNAME`: all of the file, or nothing.

    The records say who brought them in: the audit trail names a person, not "a script". She
    holds one of the importer's `command_roles` (a counselor or supervisor for most: imports go
    through her access door), or is a superuser, so that a fresh install with only
    `createsuperuser` can import.
    """

    importer_name: ClassVar[str]

    @property
    def importer(self) -> Importer:
        importer = get(self.importer_name)
        if importer is None:
            raise LookupError(f"no importer {self.importer_name!r} is registered")
        return importer

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Said once, for every import command: what it takes comes from its importer.
        columns = ", ".join(column.key for column in self.importer.columns)
        self.help = _(
            "Import %(what)s from a CSV file (UTF-8, UTF-8 with BOM or Shift_JIS), all of it or"
            " nothing. Columns: %(columns)s."
        ) % {"what": self.importer.label, "columns": columns}
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help=_("the %(roles)s or superuser the import is recorded under")
            % {"roles": "・".join(str(role.label) for role in self.importer.command_roles)},
        )

    def handle(self, *args: object, file: Path, username: str, **options: object) -> None:
        roles = self.importer.command_roles
        by = (
            User.objects.filter(is_active=True, username=username)
            .filter(Q(is_superuser=True) | Q(groups__name__in=roles))
            .first()
        )
        if by is None:
            if set(roles) == set(NPO_STAFF):
                raise CommandError(
                    _("No counselor, supervisor or superuser has the username 「%s」.") % username
                )
            raise CommandError(
                _("No %(roles)s or superuser has the username 「%(username)s」.")
                % {"roles": "・".join(str(role.label) for role in roles), "username": username}
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            plan = self.importer.plan(data, by=by)
        except ImportRefused as refused:
            raise CommandError(
                _("Nothing was imported.") + "\n" + "\n".join(refusal_lines(refused))
            ) from None
        added = self.importer.apply(plan, by=by)
        for line in self.importer.summary(self.importer.result(plan, added)):
            self.stdout.write(line)
