"""The vocabularies of design.md, and Kushiro's areas for the restock round. Supervisors edit them
in the admin afterwards; imports accept the Japanese label or the code."""

from django.db import migrations

CATEGORIES = [
    ("city_section", "市役所関係課", False),
    ("administrative_center", "行政センター", False),
    ("school_nurse", "学校保健室", True),
    ("gender_equality_center", "男女平等参画センター", False),
    ("childcare_center", "子育て支援拠点センター", False),
    ("welfare_council", "社会福祉協議会", False),
    ("living_support_center", "生活支援相談センター", False),
    ("health_center", "保健センター", False),
    ("other", "その他", False),
]
SCHOOL_LEVELS = [
    ("elementary", "小学校"),
    ("junior_high", "中学校"),
    ("high_school", "高校"),
    ("kosen", "高専"),
    ("junior_college", "短大"),
    ("vocational", "専門学校"),
    ("university", "大学"),
]
AREAS = [
    ("central", "中心部"),
    ("east", "東部"),
    ("tottori", "鳥取・新富士"),
    ("west", "昭和・文苑・星が浦"),
    ("otanoshike", "大楽毛"),
    ("north", "愛国・桜ケ岡"),
    ("akan", "阿寒"),
    ("onbetsu", "音別"),
]
# (code, label, unit, sanitary product, what a site normally holds)
ITEMS = [
    ("napkin_day", "ナプキン(昼用)", "pack", True, 10),
    ("napkin_night", "ナプキン(夜用)", "pack", True, 5),
    ("liner", "ライナー", "pack", True, 3),
    ("card", "案内カード", "sheet", False, 30),
    ("flyer", "チラシ", "sheet", False, 20),
]


def add_vocabularies(apps, schema_editor):
    SiteCategory = apps.get_model("supplies", "SiteCategory")
    for order, (code, label, school) in enumerate(CATEGORIES, start=1):
        SiteCategory.objects.get_or_create(
            code=code, defaults={"label": label, "order": order, "needs_school_level": school}
        )
    for model_name, entries in (("SchoolLevel", SCHOOL_LEVELS), ("Area", AREAS)):
        model = apps.get_model("supplies", model_name)
        for order, (code, label) in enumerate(entries, start=1):
            model.objects.get_or_create(code=code, defaults={"label": label, "order": order})
    Item = apps.get_model("supplies", "Item")
    for order, (code, label, unit, product, standard) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "order": order,
                "unit": unit,
                "is_product": product,
                "standard_quantity": standard,
            },
        )


def remove_vocabularies(apps, schema_editor):
    for model_name, entries in (
        ("SiteCategory", CATEGORIES),
        ("SchoolLevel", SCHOOL_LEVELS),
        ("Area", AREAS),
        ("Item", ITEMS),
    ):
        apps.get_model("supplies", model_name).objects.filter(
            code__in=[entry[0] for entry in entries]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]

    operations = [migrations.RunPython(add_vocabularies, remove_vocabularies)]
