"""A supervisor imports a CSV and watches the background worker apply it, on one page."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from consultations.models import Contact
from tests.consultations.test_import import HEADER, ROWS
from tests.e2e.test_record_consultation import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_page_follows_the_worker(
    page: Page, site, supervisor, counselor, tmp_path, csp_violations, shoot
):
    page.set_viewport_size(PHONE)
    sign_in(page, site, supervisor)
    csv = tmp_path / "past.csv"
    csv.write_bytes((HEADER + ROWS).encode("cp932"))

    page.goto(f"{site}/imports/consultations/")
    expect(page.get_by_text("相談者の列に本名は絶対に書かないでください。")).to_be_visible()
    page.get_by_label("CSVファイル").set_input_files(str(csv))
    page.get_by_role("button", name="ファイルを確認").click()
    page.get_by_role("button", name="4件を取り込む").click()

    expect(page.get_by_role("heading", name="待機中")).to_be_visible()
    shoot("import-queued-phone")
    assert not Contact.objects.unscoped().exists()

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    # No reload: the fragment polls every 2 s and stops once the import is done.
    expect(page.get_by_role("heading", name="完了")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("4件の相談記録を取り込みました。")).to_be_visible()
    shoot("import-done-phone")
    assert Contact.objects.unscoped().count() == 4
    assert csp_violations == []
