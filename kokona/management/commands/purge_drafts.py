"""Delete the forms kept after an idle timeout (kokona.drafts) that nobody came back for.

Each sign-in and each kept form purges them too; run this daily (cron) so that none outlives
DRAFT_LIFETIME on a quiet day.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kokona.models import Draft


class Command(BaseCommand):
    help = "Delete unsent forms kept after a session ended once they are older than DRAFT_LIFETIME."

    def handle(self, *args: object, **options: object) -> None:
        deleted, _by_model = Draft.objects.expired().delete()
        self.stdout.write(_("Unsent forms deleted: %(count)d") % {"count": deleted})
