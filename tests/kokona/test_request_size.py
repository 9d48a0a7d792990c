"""Request bodies are refused by their size before anything reads them (issue 6, point 12)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kokona.csvio import MAX_BYTES

BOUNDARY = "kokonaboundary"


class Body:
    """A request body made on demand as it is read: a multipart form with one large file.

    It records how much was read, so a test can prove nothing was, without holding the bytes.
    """

    def __init__(self, size: int) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.parts = (head, size - len(head) - len(tail), tail)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        head, filler, tail = self.parts
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        chunk = bytearray()
        for start, part in ((0, head), (len(head), None), (len(head) + filler, tail)):
            length = filler if part is None else len(part)
            lo, hi = max(self.position, start), min(end, start + length)
            if lo < hi:
                chunk += b"x" * (hi - lo) if part is None else part[lo - start : hi - start]
        self.position = end
        return bytes(chunk)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def post_body(client, path: str, body: Body, *, content_type: str | None = None):
    environ = {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(body.size),
        "CONTENT_TYPE": content_type or f"multipart/form-data; boundary={BOUNDARY}",
    }
    return client.generic("POST", path, **environ)


@pytest.fixture
def no_spooling(settings, tmp_path):
    """Django spools an upload too big for memory to a temporary file: make that fail loudly."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "there-is-no-such-folder")


def test_a_big_body_to_the_sign_in_page_is_refused_unread(client, db, no_spooling):
    body = Body(150 * 1024 * 1024)

    response = post_body(client, reverse("login"), body)

    assert response.status_code == 413
    assert "大きすぎ" in response.content.decode()
    assert body.position == 0  # not one byte was read


def test_a_form_body_over_the_modest_limit_is_refused(client, db):
    body = Body(settings.REQUEST_MAX_BYTES + 1)

    response = post_body(
        client, reverse("login"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert body.position == 0


def test_a_file_sent_to_a_page_that_takes_none_is_refused(client_as):
    response = client_as("counselor").post(
        reverse("consultations:record"),
        {"summary": "x", "file": SimpleUploadedFile("a.csv", b"a,b\n", "text/csv")},
    )

    assert response.status_code == 415
    assert "ファイル" in response.content.decode()


def test_the_upload_page_takes_a_legal_file(client_as, counselor):
    data = b"occurred_at,channel,client\n2021-04-05 10:00,LINE,A\n"
    response = client_as("supervisor").post(
        reverse("import_upload", args=["consultations"]),
        {"file": SimpleUploadedFile("past.csv", data, "text/csv")},
    )

    assert response.status_code == 302


def test_the_upload_page_refuses_more_than_its_limit_unread(client_as, no_spooling):
    body = Body(MAX_BYTES + 2 * 1024 * 1024)

    response = post_body(
        client_as("supervisor"), reverse("import_upload", args=["consultations"]), body
    )

    assert response.status_code == 413
    assert body.position == 0


def test_an_upload_under_the_limit_stays_in_memory(client_as, no_spooling):
    body = Body(MAX_BYTES + 1024)  # too big for the importer, small enough to read

    response = post_body(
        client_as("supervisor"), reverse("import_upload", args=["consultations"]), body
    )

    assert response.status_code == 400
    assert "5MB" in response.content.decode()
