"""`{% timeline_entry %}`: each kind of record on her story, as the case page draws it."""

import datetime as dt

import pytest
from django.template import engines

from consultations.models import (
    CaseAssignment,
    CaseStatusChange,
    ClosingReason,
    Referral,
    SupportActivity,
)
from consultations.timelines import timeline
from tests.consultations.factories import agency, make_case, make_contact, vocabulary

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))
STORY = engines["django"].from_string(
    "{% load cases %}{% for entry in story %}{% timeline_entry entry %}{% endfor %}"
)


def drawn(case, user) -> list[str]:
    """Each entry of her story as drawn, newest first."""
    story = timeline(case, user)
    return [STORY.render({"story": [entry]}) for entry in story]


def test_a_contact_says_when_how_who_what_and_the_next_step(counselor):
    case = make_case(assigned_to=counselor)
    contact = make_contact(
        case,
        at=dt.datetime(2026, 11, 20, 22, 5, tzinfo=JST),
        direction="out",
        duration_minutes=25,
        counselor=counselor,
        urgency="urgent",
        summary="眠れない。\n<script>x</script>",
        next_step="明日\n電話する",
    )
    contact.categories.set([vocabulary("ConcernCategory", "dv")])

    [html] = drawn(case, counselor)
    assert 'class="timeline__item timeline__item--contact"' in html
    assert '<time datetime="2026-11-20T22:05:00+09:00">11月20日 22:05</time>' in html
    assert '<span class="tag tag--key">LINE</span>' in html
    assert "こちらから · 25分 · 相談員 さくら" in html
    assert '<span class="tag tag--error">至急</span>' in html
    assert '<span class="tag tag--muted">DV・デートDV</span>' in html
    assert "眠れない。<br>&lt;script&gt;x&lt;/script&gt;" in html
    assert "<strong>次の対応:</strong> 明日<br>電話する" in html


def test_a_plain_contact_leaves_out_what_it_lacks(counselor):
    case = make_case(assigned_to=counselor)
    make_contact(case, summary="相談")
    [html] = drawn(case, counselor)
    assert "tag--error" not in html and "次の対応" not in html and "分" not in html


def test_an_activity_says_its_kind_who_the_role_she_took_and_the_notes(counselor):
    case = make_case(assigned_to=counselor)
    SupportActivity.objects.create(
        case=case,
        kind="role",
        done_on=dt.date(2026, 11, 3),
        staff=counselor,
        role_taken="受付係",
        notes="<b>笑顔</b>",
    )
    [html] = drawn(case, counselor)
    assert '<time datetime="2026-11-03">11月3日</time>' in html
    assert "相談員 さくら" in html
    assert "<strong>担った役割:</strong> 受付係" in html
    assert "&lt;b&gt;笑顔&lt;/b&gt;" in html


def test_a_referral_says_whether_and_on_what_ground_her_information_was_shared(
    counselor, supervisor
):
    case = make_case(assigned_to=counselor)
    Referral.objects.create(case=case, agency=agency(), referred_on=dt.date(2026, 11, 1))
    Referral.objects.create(
        case=case,
        agency=agency(),
        referred_on=dt.date(2026, 11, 2),
        shares_information=True,
        consent_recorded=True,
        stage="accompanied",
    )
    Referral.objects.create(
        case=case,
        agency=agency(),
        referred_on=dt.date(2026, 11, 4),
        shares_information=True,
        override_by=supervisor,
        override_reason="命の危険",
        notes="所長判断",
    )
    overridden, consented, unshared = drawn(case, counselor)
    assert "管理者 はるか の判断により、本人の同意なしに情報を伝えました。" in overridden
    assert "所長判断" in overridden
    assert "本人の同意を得て情報を伝えました。" in consented and "同行" in consented
    assert "相談者の情報は伝えていません。" in unshared
    assert "ハローワーク釧路" in unshared and "つなぎ" in unshared


def test_a_handover_and_a_status_change_say_from_what_to_what_and_who(counselor, supervisor):
    case = make_case(assigned_to=counselor)
    at = dt.datetime(2026, 11, 5, 10, 0, tzinfo=JST)
    CaseAssignment.objects.create(
        case=case, to_user=counselor, changed_by=supervisor, changed_at=at, reason="担当替え"
    )
    CaseStatusChange.objects.create(
        case=case,
        from_status="supporting",
        to_status="closed",
        outcome=ClosingReason.objects.order_by("order").first(),
        changed_by=counselor,
        changed_at=at + dt.timedelta(hours=1),
        reason="自立",
    )
    status, handover = drawn(case, counselor)
    assert "なし → 相談員 さくら" in handover
    assert '<span class="small muted">管理者 はるか</span>' in handover
    assert '<p class="small">担当替え</p>' in handover
    assert "支援中 → 終結" in status
    assert f"（{ClosingReason.objects.order_by('order').first()}）" in status
    assert '<p class="small">自立</p>' in status
