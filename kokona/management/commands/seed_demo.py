"""Load kokona's demo data once: sign-ins for each role and what each app registered (kokona.demo).
Safe to re-run."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kokona import demo


class Command(BaseCommand):
    help = "Create demo users and synthetic demo records (development only; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even with DEBUG off, e.g. on a training server. Never on real data.",
        )

    def handle(self, *args: object, allow_without_debug: bool, **options: object) -> None:
        if not (settings.DEBUG or allow_without_debug):
            raise CommandError(
                _("seed_demo creates sign-ins with known passwords; it runs only with DEBUG on.")
            )
        users = demo.seed_users()
        for seed in demo.seeds():
            if added := seed(users):
                self.stdout.write(added)
        self.stdout.write(self.style.SUCCESS(_("Demo sign-ins")))
        self.stdout.write(_("Password for every demo user: %s") % demo.DEMO_PASSWORD)
        for user in demo.DEMO_USERS:
            if user.role.requires_two_factor:
                # Every code: each works once until the next `make run` tops them up again.
                second = _("one of these codes on the next screen: %s") % " ".join(
                    user.backup_codes
                )
            else:
                second = _("no second step")
            self.stdout.write(f"  {user.role.label}\t{user.username}\t{second}")
