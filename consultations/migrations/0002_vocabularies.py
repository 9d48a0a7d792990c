"""The vocabularies of design.md and Kushiro's referral destinations. Supervisors edit them in the
admin afterwards; imports accept the Japanese label or the code."""

from django.db import migrations

CONCERNS = [
    ("mental", "こころ・メンタル"),
    ("suicidal", "自殺念慮・自傷"),
    ("body", "からだ・健康"),
    ("menstruation", "生理・生理用品"),
    ("pregnancy", "妊娠・出産"),
    ("partner", "夫婦・パートナー"),
    ("dv", "DV・デートDV"),
    ("sexual_violence", "性暴力・ストーカー"),
    ("family", "親子・家族"),
    ("childcare", "子育て"),
    ("relationships", "人間関係"),
    ("isolation", "孤独・孤立"),
    ("life", "生き方"),
    ("work", "仕事・就労"),
    ("poverty", "経済・生活困窮"),
    ("housing", "住まい"),
    ("school", "学校・進学"),
    ("legal", "法律"),
    ("care", "介護"),
    ("other", "その他"),
]

CHANNELS = [
    ("line", "LINE"),
    ("sns", "その他SNS"),
    ("email", "メール"),
    ("webform", "Webフォーム"),
    ("phone", "電話"),
    ("visit_office", "来所・面談"),
    ("home_visit", "訪問"),
    ("accompanying", "同行中"),
    ("ibasho", "居場所"),
    ("outreach", "出張相談"),
    ("online", "オンライン"),
    ("other", "その他"),
]

AGE_BANDS = [
    ("teens", "10代以下"),
    ("20s", "20代"),
    ("30s", "30代"),
    ("40s", "40代"),
    ("50s", "50代"),
    ("60s", "60代"),
    ("70plus", "70代以上"),
    ("unknown", "不明"),
]

# Kushiro's support network, the places counselors refer women to.
AGENCIES = [
    ("釧路市男女平等参画センター「ふらっと」", "community", "市の指定管理施設。事業周知と生理用品の提供で連携。"),
    ("配偶者暴力相談支援センター（釧路）", "shelter", ""),
    ("釧路市こども支援課", "city", ""),
    ("釧路市生活福祉事務所", "city", "生活保護の相談。"),
    ("生活相談支援センター「くらしごと」", "welfare", "生活困窮者自立支援の相談窓口。"),
    ("釧路市社会福祉協議会", "welfare", ""),
    ("釧路市健康推進課", "health", "保健師の相談、妊娠・出産の相談。"),
    ("釧路児童相談所", "prefecture", ""),
    ("ハローワーク釧路", "work", ""),
    ("法テラス釧路", "legal", ""),
    ("釧路警察署", "police", ""),
    ("性暴力被害者支援センター北海道", "shelter", ""),
]


def add_vocabularies(apps, schema_editor):
    for model, entries in (
        ("ConcernCategory", CONCERNS),
        ("Channel", CHANNELS),
        ("AgeBand", AGE_BANDS),
    ):
        Model = apps.get_model("consultations", model)
        for order, (code, label) in enumerate(entries, start=1):
            Model.objects.update_or_create(code=code, defaults={"label": label, "order": order})
    Agency = apps.get_model("consultations", "Agency")
    for name, kind, notes in AGENCIES:
        Agency.objects.get_or_create(name=name, defaults={"kind": kind, "notes": notes})


def remove_vocabularies(apps, schema_editor):
    for model, entries in (
        ("ConcernCategory", CONCERNS),
        ("Channel", CHANNELS),
        ("AgeBand", AGE_BANDS),
    ):
        apps.get_model("consultations", model).objects.filter(
            code__in=[code for code, _ in entries]
        ).delete()
    apps.get_model("consultations", "Agency").objects.filter(
        name__in=[name for name, _, _ in AGENCIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(add_vocabularies, remove_vocabularies)]
