"""`manage.py import_surveys FILE --as USERNAME` (kokona.importers.ImportCommand)."""

from kokona.importers import ImportCommand


class Command(ImportCommand):
    importer_name = "surveys"
