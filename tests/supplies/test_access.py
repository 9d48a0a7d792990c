"""Who may open what: every supplies URL, GET and POST, for every persona.

Site managers and supervisors manage everything; counselors read the sites and record a
hand-out; city staff see only the indicators (none of these pages); anonymous signs in first.
"""

import pytest
from django.urls import reverse

from kokona.models import ImportBatch
from tests.supplies.factories import deliver, make_placement, make_site, stock_store

ALL = ["anonymous", "counselor", "supervisor", "city_staff", "site_manager"]
MANAGERS = {"site_manager": "ok", "supervisor": "ok"}
READERS = {**MANAGERS, "counselor": "ok"}


@pytest.fixture
def world(site_manager):
    site = make_site()
    stock_store(site_manager, 20)
    [row, _] = deliver(site, site_manager, 5)
    placement = make_placement(site=site)
    batch = ImportBatch.objects.create(
        kind="sites",
        filename="sites.csv",
        content="name,category,started_on\n新しい場所,その他,2021-04-01\n".encode().hex(),
        uploaded_by=site_manager,
    )
    return {"site": site, "entry": row.entry, "placement": placement, "batch": batch}


def url(name, *args):
    return lambda w: reverse(
        name, args=[w[a] if isinstance(a, str) and a in w else a for a in args]
    )


# (name, method, url builder, who gets through). Everyone else: anonymous → sign in, 403.
MATRIX = [
    ("home", "get", url("supplies:home"), MANAGERS),
    ("round", "get", url("supplies:round"), MANAGERS),
    ("movements", "get", url("supplies:movement_list"), MANAGERS),
    (
        "correct form",
        "get",
        lambda w: reverse("supplies:reverse_entry", args=[w["entry"]]),
        MANAGERS,
    ),
    (
        "correct post",
        "post",
        lambda w: reverse("supplies:reverse_entry", args=[w["entry"]]),
        MANAGERS,
    ),
    ("site list", "get", url("supplies:site_list"), READERS),
    ("site page", "get", lambda w: reverse("supplies:site_detail", args=[w["site"].pk]), READERS),
    ("site add form", "get", url("supplies:site_create"), MANAGERS),
    ("site add post", "post", url("supplies:site_create"), MANAGERS),
    (
        "site edit form",
        "get",
        lambda w: reverse("supplies:site_edit", args=[w["site"].pk]),
        MANAGERS,
    ),
    (
        "site edit post",
        "post",
        lambda w: reverse("supplies:site_edit", args=[w["site"].pk]),
        MANAGERS,
    ),
    ("site csv", "get", lambda w: reverse("supplies:site_export", args=["csv"]), MANAGERS),
    ("site xlsx", "get", lambda w: reverse("supplies:site_export", args=["xlsx"]), MANAGERS),
    ("restock form", "get", lambda w: reverse("supplies:restock", args=[w["site"].pk]), MANAGERS),
    ("restock post", "post", lambda w: reverse("supplies:restock", args=[w["site"].pk]), MANAGERS),
    (
        "stock-take form",
        "get",
        lambda w: reverse("supplies:site_stock_take", args=[w["site"].pk]),
        MANAGERS,
    ),
    (
        "stock-take post",
        "post",
        lambda w: reverse("supplies:site_stock_take", args=[w["site"].pk]),
        MANAGERS,
    ),
    ("store stock-take", "get", url("supplies:store_stock_take"), MANAGERS),
    ("store stock-take post", "post", url("supplies:store_stock_take"), MANAGERS),
    ("hand-out form", "get", url("supplies:hand_out"), READERS),
    ("hand-out post", "post", url("supplies:hand_out"), READERS),
    ("receipt form", "get", url("supplies:receive"), MANAGERS),
    ("receipt post", "post", url("supplies:receive"), MANAGERS),
    ("disposal form", "get", url("supplies:dispose"), MANAGERS),
    ("disposal post", "post", url("supplies:dispose"), MANAGERS),
    ("placements", "get", url("supplies:placement_list"), MANAGERS),
    ("placement add", "get", url("supplies:placement_create"), MANAGERS),
    ("placement add post", "post", url("supplies:placement_create"), MANAGERS),
    (
        "placement page",
        "get",
        lambda w: reverse("supplies:placement_detail", args=[w["placement"].pk]),
        MANAGERS,
    ),
    (
        "placement edit",
        "get",
        lambda w: reverse("supplies:placement_edit", args=[w["placement"].pk]),
        MANAGERS,
    ),
    (
        "placement edit post",
        "post",
        lambda w: reverse("supplies:placement_edit", args=[w["placement"].pk]),
        MANAGERS,
    ),
    (
        "placement csv",
        "get",
        lambda w: reverse("supplies:placement_export", args=["csv"]),
        MANAGERS,
    ),
    (
        "placement xlsx",
        "get",
        lambda w: reverse("supplies:placement_export", args=["xlsx"]),
        MANAGERS,
    ),
    ("import form", "get", lambda w: reverse("import_upload", args=["sites"]), MANAGERS),
    ("import upload", "post", lambda w: reverse("import_upload", args=["sites"]), MANAGERS),
]


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {403: "forbidden", 404: "hidden", 405: "method"}.get(response.status_code, "ok")


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, build, allowed", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(client_as, world, persona, name, method, build, allowed):
    response = getattr(client_as(persona), method)(build(world))

    expected = {"anonymous": "login", "counselor": "forbidden", "city_staff": "forbidden"}
    assert outcome(response) == {**expected, **allowed}[persona]


def test_the_import_pages_of_a_batch_belong_to_its_uploader(client_as, world):
    batch = world["batch"]
    for name in ("import_preview", "import_status"):
        target = reverse(name, args=["sites", batch.pk])
        assert client_as("site_manager").get(target).status_code == 200
        assert client_as("supervisor").get(target).status_code == 404  # not hers
        assert client_as("counselor").get(target).status_code == 403
        assert client_as("city_staff").get(target).status_code == 403


@pytest.mark.parametrize("persona", ["counselor", "city_staff", "site_manager"])
def test_only_supervisors_reach_the_supplies_admin(client_as, world, persona):
    for target in ("/admin/supplies/site/", "/admin/supplies/site/export/"):
        response = client_as(persona).get(target)
        assert response.status_code in (302, 403)


def test_a_supervisor_reaches_the_supplies_admin(client_as, world):
    client = client_as("supervisor")
    for target in (
        "/admin/supplies/site/",
        "/admin/supplies/outreachplacement/",
        "/admin/supplies/stockmovement/",
        "/admin/supplies/item/",
        "/admin/supplies/sitecategory/",
        "/admin/supplies/schoollevel/",
        "/admin/supplies/area/",
        "/admin/supplies/site/export/",
    ):
        assert client.get(target).status_code == 200, target
    assert client.get(f"/admin/supplies/site/{world['site'].pk}/delete/").status_code == 403


def test_a_counselor_sees_the_sites_without_the_managers_buttons(client_as, world):
    html = client_as("counselor").get(world["site"].get_absolute_url()).content.decode()

    assert "提供を記録" in html
    assert reverse("supplies:restock", args=[world["site"].pk]) not in html
    assert reverse("supplies:site_edit", args=[world["site"].pk]) not in html
    assert "誤りを訂正" not in html


def test_counselors_find_the_sites_in_their_menu(client_as, world):
    html = client_as("counselor").get(reverse("consultations:home")).content.decode()

    assert reverse("supplies:site_list") in html
    assert 'href="/supplies/"' not in html
