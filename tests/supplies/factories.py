"""Plain factories for the supplies records: fixed values, nothing random."""

import datetime as dt

from kokona.models import User
from supplies import services
from supplies.models import Area, Item, OutreachPlacement, SchoolLevel, Site, SiteCategory

DAY = dt.date(2021, 6, 1)


def item(code: str = "napkin_day") -> Item:
    return Item.objects.get(code=code)


def make_site(
    name: str = "釧路市 こども支援課", *, category: str = "city_section", **fields
) -> Site:
    level = fields.pop("school_level", None)
    area = fields.pop("area", None)
    fields.setdefault("started_on", dt.date(2021, 4, 1))
    return Site.objects.create(
        name=name,
        category=SiteCategory.objects.get(code=category),
        school_level=SchoolLevel.objects.get(code=level) if level else None,
        area=Area.objects.get(code=area) if area else None,
        **fields,
    )


def make_placement(name: str = "セイコーマート 釧路北大通店", **fields) -> OutreachPlacement:
    fields.setdefault("kind", "convenience_store")
    fields.setdefault("placed_on", dt.date(2022, 6, 1))
    return OutreachPlacement.objects.create(name=name, **fields)


def stock_store(by: User, quantity: int = 100, code: str = "napkin_day", on: dt.date = DAY):
    return services.receive(item=item(code), quantity=quantity, source="purchase", on=on, by=by)


def deliver(site: Site, by: User, quantity: int, code: str = "napkin_day", on: dt.date = DAY):
    return services.deliver(site=site, lines={item(code): quantity}, on=on, by=by)
