"""Import past consultations from a CSV file: all of it, or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from consultations import import_writer, imports
from kokona.csvio import ImportRefused
from kokona.models import User


class Command(BaseCommand):
    help = (
        "Import consultations from CSV (UTF-8, UTF-8 with BOM or Shift_JIS). Columns: occurred_at,"
        " channel, client, age_band, categories, counselor, summary, referred_to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the supervisor or counselor the import is recorded under",
        )

    def handle(self, *args: object, file: Path, username: str, **options: object) -> None:
        # Every record says who brought it in: the audit trail names a person, not "a script".
        by = User.objects.npo_staff().filter(username=username).first()
        if by is None:
            raise CommandError(_("No counselor or supervisor has the username 「%s」.") % username)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            plan = imports.plan(data, by=by)
        except ImportRefused as refused:
            raise CommandError(
                _("Nothing was imported.") + "\n" + "\n".join(imports.refusal_lines(refused))
            ) from None
        added = import_writer.apply(plan, by=by)
        self.stdout.write(
            _(
                "Imported %(added)d contacts (%(anonymous)d anonymous); %(new)d new people;"
                " %(skipped)d were already imported."
            )
            % {
                "added": added,
                "anonymous": plan.anonymous,
                "new": len(plan.new_clients),
                "skipped": plan.already_imported,
            }
        )
        if plan.new_agencies:
            self.stdout.write(
                _("New agencies for a supervisor to review: %s") % "、".join(plan.new_agencies)
            )
