"""Home, site list, site page and restock round keep the same number of queries for 1 site and
for 100, each with its stock, hand-outs and deliveries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supplies import services
from tests.supplies.factories import DAY, deliver, item, make_placement, make_site, stock_store


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session and what a first request fills
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_sites(by, n: int, offset: int = 0) -> list:
    """n sites in two areas, each delivered to, handing out, some below their threshold."""
    stock_store(by, 20 * n)
    stock_store(by, 10 * n, code="card")
    sites = []
    for i in range(offset, offset + n):
        site = make_site(
            f"提供場所{i:03d}", area="central" if i % 2 else "east", restock_threshold=5
        )
        deliver(site, by, 8)
        deliver(site, by, 4, code="card")
        services.hand_out(item=item(), quantity=3 + i % 4, site=site, on=DAY, by=by)
        make_placement(f"セイコーマート {i:03d}", site=site)
        sites.append(site)
    return sites


# Pinned: sign-in checks (session, the user with her roles and devices) plus the page's own reads (a list's filter form, with
# its choices, is built only when the list is filtered or its panel opened: kokona.http.filters_of).
@pytest.mark.parametrize(
    "name, expected",
    [("supplies:home", 9), ("supplies:site_list", 4), ("supplies:round", 6)],
)
def test_the_pages_are_flat_as_sites_grow(client_as, site_manager, name, expected):
    client = client_as("site_manager")
    add_sites(site_manager, 1)
    one = queries_for(client, reverse(name))

    add_sites(site_manager, 99, offset=1)
    hundred = queries_for(client, reverse(name))

    assert one == hundred == expected


def test_the_site_page_is_flat_as_its_history_and_the_sites_grow(client_as, site_manager):
    client = client_as("site_manager")
    [site] = add_sites(site_manager, 1)
    one = queries_for(client, site.get_absolute_url())

    add_sites(site_manager, 99, offset=1)
    for _ in range(30):
        deliver(site, site_manager, 1)
    hundred = queries_for(client, site.get_absolute_url())

    assert one == hundred == 11  # 8, and the card panel: its address and two scan counts
