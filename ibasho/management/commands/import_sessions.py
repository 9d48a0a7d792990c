"""`manage.py import_sessions FILE --as USERNAME` (kokona.importers.ImportCommand)."""

from kokona.importers import ImportCommand


class Command(ImportCommand):
    importer_name = "sessions"
