"""A list's filter panel (kokona.http.filters_of, templates/_filter_panel.html): its form, with
the drawing of its choices, comes only when the panel is asked for or a filter is wrong; a list
filtered by its address says on the closed panel what it is filtered by."""

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

    assert response.context["filters"].form is None
    closed = panel(response.content.decode())
    assert 'hx-get="?panel=filters"' in closed and "<select" not in closed
    assert 'href="?panel=filters#filters"' in closed  # without JavaScript


@pytest.mark.parametrize("name, role", LISTS)
def test_the_panel_asked_for_comes_open_with_its_form(client_as, name, role):
    response = client_as(role).get(reverse(name) + "?panel=filters&page=1")

    assert response.context["filters"].form.is_bound and response.context["query"] == ""
    opened = panel(response.content.decode())
    opening = opened[: opened.index(">")]
    assert "open" in opening and "hx-get" not in opening and "<form" in opened


def test_a_filtered_list_says_what_it_is_filtered_by_and_pages_with_it(client_as, counselor):
    line = vocabulary("Channel", "line")
    url = reverse("consultations:case_list")

    response = client_as("counselor").get(
        url + f"?channel={line.pk}&overdue=on&date_from=2025-04-01&page=2"
    )

    filters = response.context["filters"]
    assert filters.cleaned["channel"] == line and filters.form is None
    query = f"channel={line.pk}&overdue=on&date_from=2025-04-01"
    assert response.context["query"] == query  # the pager adds its own page
    closed = panel(response.content.decode())
    assert "<select" not in closed and " open" not in closed[: closed.index(">")]
    assert "相談経路: LINE · 次回対応日を過ぎたもの · 相談日（から）: 2025年4月1日" in closed
    # Opening the panel brings the form with these filters chosen, with or without JavaScript.
    assert f'hx-get="?{query.replace("&", "&amp;")}&amp;panel=filters"' in closed
    assert f'href="?{query.replace("&", "&amp;")}&amp;panel=filters#filters"' in closed
    assert f'href="{url}">絞り込みを解除' in response.content.decode()

    opened = client_as("counselor").get(url + f"?{query}&panel=filters")
    assert f'<option value="{line.pk}" selected>' in panel(opened.content.decode())
    assert "絞り込みを解除" not in opened.content.decode()


@pytest.mark.parametrize("name, role", LISTS)
def test_a_wrong_filter_opens_the_panel_with_its_message(client_as, name, role):
    response = client_as(role).get(reverse(name) + "?page=2&" + WRONG[name])

    assert response.context["filters"].form.errors
    opened = panel(response.content.decode())
    assert " open" in opened[: opened.index(">")] and "error-summary" in opened


WRONG = {
    "consultations:case_list": "channel=999999",
    "supplies:site_list": "area=999999",
    "supplies:placement_list": "area=999999",
    "ibasho:session_list": "first=2026-13-40",
}


def test_the_case_tables_htmx_swap_and_the_panels_fetch_get_what_they_ask_for(client_as):
    client = client_as("counselor")
    url = reverse("consultations:case_list")

    table = client.get(
        url + f"?channel={vocabulary('Channel', 'line').pk}",
        headers={"HX-Request": "true", "HX-Target": "case-table"},
    )
    html = table.content.decode()
    assert html.startswith('<div id="case-table">')
    # What the closed panel says follows the filters (out of band).
    assert 'id="filters-active" hx-swap-oob="true">相談経路: LINE</span>' in html
    whole = client.get(url + f"?channel={vocabulary('Channel', 'line').pk}").content.decode()
    assert "hx-swap-oob" not in whole


@pytest.mark.parametrize("name, role", LISTS)
def test_the_panels_fetch_gets_the_panel_alone_with_the_filters_chosen(
    client_as, name, role, django_assert_max_num_queries
):
    client = client_as(role)
    client.get(reverse(name))  # the session, warm
    headers = {"HX-Request": "true", "HX-Target": "filters-body"}

    with django_assert_max_num_queries(5):  # sign-in checks and the form's choices, no list
        response = client.get(reverse(name) + "?panel=filters&" + WRONG[name], headers=headers)

    html = response.content.decode()
    assert html.lstrip().startswith('<details class="panel filters" id="filters" open>')
    assert "<form" in html and "error-summary" in html  # the filter given, in the form
    assert "<table" not in html and "pagination" not in html


def test_the_summary_names_a_choice_by_its_label_and_escapes_what_was_typed(client_as):
    response = client_as("site_manager").get(
        reverse("supplies:site_list") + "?status=active&q=<b>保健室</b>"
    )

    closed = panel(response.content.decode())
    assert "名称・住所: &lt;b&gt;保健室&lt;/b&gt; · 状態: 提供中" in closed
    assert "<b>" not in closed


@pytest.mark.parametrize(
    "persona", ["anonymous", "counselor", "supervisor", "city_staff", "site_manager"]
)
@pytest.mark.parametrize("name, role", LISTS)
def test_the_panels_fetch_is_answered_to_each_role_as_its_list_is(client_as, name, role, persona):
    """The panel alone is the list's own view: whoever may not open the list (sent to sign in,
    or 403) gets no panel either."""
    client = client_as(persona)
    headers = {"HX-Request": "true", "HX-Target": "filters-body"}

    whole = client.get(reverse(name))
    alone = client.get(reverse(name) + "?panel=filters", headers=headers)

    assert alone.status_code == whole.status_code
    if whole.status_code == 200:
        assert "<form" in alone.content.decode()
    else:
        assert whole.status_code in (302, 403) and b'id="filters' not in alone.content
    if persona in ("anonymous", "city_staff"):
        assert alone.status_code != 200  # no list of hers for city staff, none for the anonymous
