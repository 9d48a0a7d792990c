"""The year-end report as an A4 PDF, drawn by WeasyPrint from the same page people print.

WeasyPrint fetches nothing: the stylesheets are read from kokona's own static files and handed to
it, and any other address in the page (there is none today) is refused, so making a PDF never
reaches the network or the file system beyond those files.
"""

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEETS = ["vendor/design-tokens/tokens.css", "css/kokona.css", "css/reports.css"]


class NoFetching(URLFetcher):
    def fetch(self, url: str, headers: object = None) -> object:
        raise ValueError(f"the PDF fetches nothing: {url[:40]}")


def _stylesheet(name: str) -> CSS:
    path = finders.find(name)
    if not isinstance(path, str):
        raise LookupError(f"static file {name} is missing")
    with open(path, encoding="utf-8") as css:
        return CSS(string=css.read(), url_fetcher=NoFetching())


def pdf_bytes(html: str) -> bytes:
    document = HTML(string=html, url_fetcher=NoFetching(), media_type="print")
    result = document.write_pdf(stylesheets=[_stylesheet(name) for name in STYLESHEETS])
    if not isinstance(result, bytes):  # without a target, write_pdf returns the bytes
        raise TypeError("WeasyPrint returned no PDF")
    return result
