"""A list's filter panel (kokona.http.filters_of, templates/_filter_panel.html): its form, with
the queries of its choices, is built only when the list is filtered or the panel asked for."""

import pytest
from django.urls import reverse

from tests.consultations.factories import vocabulary

LISTS = [
    ("consultations:case_list", "counselor"),
    ("supplies:site_list", "site_manager"),
    ("supplies:placement_list", "site_manager"),
    ("ibasho:session_list", "counselor"),
]


def panel(html: str) -> str:
    start = html.index('id="filters"')
    return html[start : html.index("</details>", start)]


@pytest.mark.parametrize("name, role", LISTS)
def test_a_list_nobody_filters_leaves_its_form_unbuilt(client_as, name, role):
    response = client_as(role).get(reverse(name))

    assert response.context["filters"] is None
    closed = panel(response.content.decode())
    assert 'hx-get="?panel=filters"' in closed and "<select" not in closed
    assert 'href="?panel=filters#filters"' in closed  # without JavaScript


@pytest.mark.parametrize("name, role", LISTS)
def test_the_panel_asked_for_comes_open_with_its_form(client_as, name, role):
    response = client_as(role).get(reverse(name) + "?panel=filters&page=1")

    assert response.context["filters"].is_bound and response.context["query"] == ""
    opened = panel(response.content.decode())
    opening = opened[: opened.index(">")]
    assert "open" in opening and "hx-get" not in opening and "<form" in opened


def test_a_filtered_list_shows_its_filters_and_pages_with_them(client_as, counselor):
    line = vocabulary("Channel", "line")

    response = client_as("counselor").get(
        reverse("consultations:case_list") + f"?channel={line.pk}&page=2"
    )

    assert response.context["filters"].cleaned_data["channel"] == line
    assert response.context["query"] == f"channel={line.pk}"  # the pager adds its own page
    assert f'<option value="{line.pk}" selected>' in panel(response.content.decode())


def test_the_case_tables_htmx_swap_and_the_panels_fetch_get_what_they_ask_for(client_as):
    client = client_as("counselor")
    url = reverse("consultations:case_list")

    table = client.get(url, headers={"HX-Request": "true", "HX-Target": "case-table"})
    assert table.content.decode().startswith('<div id="case-table">')

    # The panel's fetch targets no id: the whole list, from which htmx keeps the form.
    opened = client.get(url + "?panel=filters", headers={"HX-Request": "true"}).content.decode()
    assert "<form" in panel(opened)
