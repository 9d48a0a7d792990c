"""Each form on the case page has ids of its own: the メモ of 支援を記録 and of つなぎを記録 are two
fields, each named by its own label (WCAG 1.3.1, 4.1.2). The browser sweep checks every page."""

import re
from collections import Counter

from django.urls import reverse

from tests.consultations.factories import make_case, make_client


def ids(html: str) -> Counter[str]:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_every_id_on_the_case_page_is_unique(client_as, supervisor):
    case = make_case(make_client("みさき"), assigned_to=supervisor)
    client = client_as("supervisor")
    page = reverse("consultations:case_detail", args=[case.pk])

    # A panel's form is on the page when the panel is open (htmx fetches it as it opens).
    notes = {}
    for panel in ("contact", "activity", "referral", "status", "assign"):
        found = ids(client.get(page, {"panel": panel}).content.decode())
        assert [name for name, count in found.items() if count > 1] == [], panel
        notes[panel] = {name for name in found if name.endswith("_notes")}

    assert notes["activity"] == {"id_activity_notes"}
    assert notes["referral"] == {"id_referral_notes"}


def test_a_form_sent_back_keeps_its_own_ids(client_as, supervisor):
    case = make_case(make_client("みさき"), assigned_to=supervisor)

    response = client_as("supervisor").post(
        reverse("consultations:case_add_activity", args=[case.pk]), {"notes": "x"}
    )
    html = response.content.decode()

    assert [name for name, count in ids(html).items() if count > 1] == []
    assert 'href="#id_activity_kind' in html  # the error summary leads to this form's field
    assert 'for="id_activity_notes"' in html and 'id="id_activity_notes"' in html
