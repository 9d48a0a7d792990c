"""Synthetic women, cases and contacts for the demo (`manage.py seed_demo`). Nobody here is real.

令和3年度 shows 20 people consulting, as the project reported to the city (16 women and 4 anonymous
one-off contacts); 令和4年度 continues; a handful of current cases make the counselors' home
pages come alive. Everything is fixed: the same data on every machine.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import (
    AgeBand,
    Agency,
    Case,
    CaseAssignment,
    CaseStatusChange,
    Channel,
    Client,
    ClosingReason,
    ConcernCategory,
    Contact,
    Referral,
    SupportActivity,
)
from kokona.fiscal import JST
from kokona.models import User

SUMMARIES = {
    "isolation": "話し相手がいなくて寂しい。夜になると気持ちが沈む。",
    "mental": "気分の落ち込みが続いて眠れない日がある。",
    "poverty": "仕事のシフトが減り、家賃と光熱費の支払いが苦しい。",
    "menstruation": "生理用品を買うお金がない。保健室でカードを見て連絡した。",
    "dv": "パートナーの暴言がつらい。家を出たい気持ちもある。",
    "childcare": "子育てのことを相談できる人が近くにいない。",
    "work": "仕事を探しているが、面接が不安でなかなか動けない。",
    "school": "進学のことで親と話ができず、どうしたらいいかわからない。",
    "housing": "今の部屋を出なければならず、次の住まいが決まらない。",
    "pregnancy": "妊娠したかもしれず、誰にも言えずにいる。",
    "family": "親との関係がしんどくて家にいるのがつらい。",
    "relationships": "職場の人間関係で悩んでいる。",
    "body": "体調が悪いが病院に行くお金と時間がない。",
    "life": "この先どう生きていきたいのか、ゆっくり話したい。",
}
FOLLOW_UPS = [
    "次回は週末に様子を聞く。",
    "くらしごとの窓口を案内した。",
    "居場所サロンに誘った。",
    "本人のペースで連絡を待つ。",
]
CLOSING_REASON = "状況が落ち着き、本人と相談して終結"
STRENGTHS = [
    "料理が得意",
    "子どもと遊ぶのが上手",
    "パソコン作業ができる",
    "手芸が好き",
    "人の話をよく聞ける",
]
INTERESTS = ["カフェの仕事", "保育の資格", "地域のボランティア", "写真", "パン作り"]


@dataclass(frozen=True)
class Woman:
    nickname: str
    age: str
    concerns: tuple[str, ...]
    channel: str
    area: str = "釧路市内"


WOMEN_R3 = [
    Woman("さくら", "20s", ("isolation", "mental"), "line"),
    Woman("ゆい", "teens", ("school", "family"), "line", "鳥取"),
    Woman("はな", "30s", ("poverty", "work"), "phone"),
    Woman("みお", "20s", ("menstruation", "poverty"), "line", "大楽毛"),
    Woman("あおい", "40s", ("dv", "housing"), "email"),
    Woman("りん", "teens", ("menstruation", "school"), "sns"),
    Woman("めい", "30s", ("childcare", "isolation"), "line", "桜ケ岡"),
    Woman("ひなた", "20s", ("work", "mental"), "webform"),
    Woman("ことね", "50s", ("family", "life"), "phone", "阿寒"),
    Woman("ゆな", "20s", ("pregnancy", "body"), "line"),
    Woman("あかり", "30s", ("relationships", "work"), "email"),
    Woman("まい", "40s", ("poverty", "housing"), "visit_office"),
    Woman("ちひろ", "20s", ("isolation", "life"), "line", "音別"),
    Woman("なつき", "teens", ("family", "mental"), "sns"),
    Woman("えみ", "60s", ("isolation", "body"), "phone"),
    Woman("かえで", "30s", ("childcare", "poverty"), "line", "鳥取"),
]
WOMEN_R4 = [
    Woman("しずく", "20s", ("mental", "isolation"), "line"),
    Woman("のぞみ", "30s", ("dv", "childcare"), "phone"),
    Woman("ももか", "teens", ("menstruation", "family"), "line"),
    Woman("ひかり", "40s", ("work", "poverty"), "email"),
    Woman("あや", "20s", ("relationships", "mental"), "sns"),
    Woman("ともみ", "50s", ("housing", "poverty"), "visit_office"),
    Woman("かおり", "30s", ("childcare", "life"), "line", "桜ケ岡"),
    Woman("なな", "20s", ("pregnancy", "isolation"), "line"),
    Woman("りこ", "teens", ("school", "mental"), "webform"),
    Woman("すず", "40s", ("family", "body"), "phone", "阿寒"),
    Woman("わかな", "20s", ("work", "isolation"), "line"),
    Woman("みく", "30s", ("poverty", "menstruation"), "line", "大楽毛"),
]
WOMEN_NOW = [
    Woman("LINEのAさん", "20s", ("isolation", "mental"), "line"),
    Woman("まどか", "30s", ("poverty", "childcare"), "line"),
    Woman("れな", "teens", ("school", "menstruation"), "sns"),
    Woman("ゆき", "40s", ("work", "life"), "phone"),
    Woman("あすか", "20s", ("housing", "poverty"), "email"),
    Woman("はるな", "30s", ("relationships", "mental"), "line"),
]
REFERRALS = [
    "生活相談支援センター「くらしごと」",
    "ハローワーク釧路",
    "釧路市こども支援課",
    "釧路市健康推進課",
]
ACTIVITIES = [
    ("ibasho", ""),
    ("accompany", ""),
    ("job_support", ""),
    ("role", "ピアサポーター"),
    ("visit", ""),
    ("learning", ""),
]


class _Vocab:
    """The seeded vocabularies, looked up once."""

    def __init__(self) -> None:
        self.channels = {c.code: c for c in Channel.objects.all()}
        self.concerns = {c.code: c for c in ConcernCategory.objects.all()}
        self.bands = {b.code: b for b in AgeBand.objects.all()}
        self.agencies = {a.name: a for a in Agency.objects.all()}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=JST)


def _story(
    vocab: _Vocab,
    woman: Woman,
    *,
    index: int,
    first: dt.date,
    contacts: int,
    counselor: User | None,
    status: str,
    gap_days: int = 9,
) -> Case:
    """One woman's record, her case and its contacts, referral, support and status steps."""
    client = Client(
        nickname=woman.nickname,
        age_band=vocab.bands[woman.age],
        under_18=woman.age == "teens",
        area=woman.area,
        strengths=STRENGTHS[index % len(STRENGTHS)] if index % 2 == 0 else "",
        interests=INTERESTS[index % len(INTERESTS)] if index % 3 == 0 else "",
        created_at=_at(first, 21),
    )
    if woman.channel == "line":
        client.line_id = f"demo_{index:03d}"
        client.may_contact_by_line = True
    client.save()
    case = Case.objects.create(
        client=client,
        assigned_to=counselor,
        opened_on=first,
        primary_concern=vocab.concerns[woman.concerns[0]],
        risk="high" if "dv" in woman.concerns else ("medium" if index % 3 == 0 else "low"),
    )
    case.categories.set(vocab.concerns[c] for c in woman.concerns)
    CaseStatusChange.objects.create(
        case=case, to_status="received", changed_by=counselor, changed_at=_at(first, 21, 5)
    )
    day = first
    for n in range(contacts):
        channel = vocab.channels[woman.channel if n % 3 != 2 else "phone"]
        contact = Contact.objects.create(
            client=client,
            case=case,
            channel=channel,
            occurred_at=_at(day, 20 + (index + n) % 3, (index * 7) % 60),
            direction="in" if n % 2 == 0 else "out",
            duration_minutes=15 + (index * 5 + n * 10) % 45,
            counselor=counselor,
            urgency="urgent" if "dv" in woman.concerns and n == 0 else "normal",
            summary=SUMMARIES[woman.concerns[n % len(woman.concerns)]],
            next_step=FOLLOW_UPS[(index + n) % len(FOLLOW_UPS)],
            created_by=counselor,
        )
        contact.categories.set([vocab.concerns[woman.concerns[n % len(woman.concerns)]]])
        day += dt.timedelta(days=gap_days)
    last = day - dt.timedelta(days=gap_days)
    if contacts > 1:
        CaseStatusChange.objects.create(
            case=case,
            from_status="received",
            to_status="supporting",
            reason="継続して相談を受ける",
            changed_by=counselor,
            changed_at=_at(first + dt.timedelta(days=1), 10),
        )
        kind, role = ACTIVITIES[index % len(ACTIVITIES)]
        SupportActivity.objects.create(
            case=case,
            kind=kind,
            done_on=first + dt.timedelta(days=gap_days // 2 + 1),
            staff=counselor,
            role_taken=role,
            notes="本人の希望を聞きながら一緒に動いた。",
        )
    if index % 3 == 1:
        Referral.objects.create(
            case=case,
            agency=vocab.agencies[REFERRALS[index % len(REFERRALS)]],
            referred_on=last,
            stage="handed_over" if status in ("referred", "closed") else "coordinating",
            shares_information=True,
            consent_recorded=True,
            notes="本人の同意を得て、相談の概要を伝えた。",
            created_by=counselor,
        )
    resolved = ClosingReason.objects.get(code="resolved")
    endings: dict[str, tuple[str, dict[str, Any]]] = {
        "referred": ("つなぎ先で支援が始まった", {}),
        "closed": (
            CLOSING_REASON,
            {"closed_on": last, "closing_reason": CLOSING_REASON, "closing_category": resolved},
        ),
    }
    if status in endings:
        reason, fields = endings[status]
        Case.objects.unscoped().filter(pk=case.pk).update(status=status, **fields)
        CaseStatusChange.objects.create(
            case=case,
            from_status="supporting" if contacts > 1 else "received",
            to_status=status,
            reason=reason,
            outcome=fields.get("closing_category"),
            changed_by=counselor,
            changed_at=_at(last, 12),
        )
    elif contacts > 1:
        Case.objects.unscoped().filter(pk=case.pk).update(status="supporting")
    return case


def _anonymous(vocab: _Vocab, when: dt.datetime, concern: str, channel: str = "line") -> None:
    contact = Contact.objects.create(
        channel=vocab.channels[channel],
        occurred_at=when,
        summary=SUMMARIES[concern],
        urgency="normal",
    )
    contact.categories.set([vocab.concerns[concern]])


@transaction.atomic
def seed(users: dict[str, User]) -> str | None:
    """Add the demo records once (kokona.demo); None if consultations exist already."""
    return (
        _("Added synthetic consultations for 令和3年度, 令和4年度 and today.")
        if _seed([users["soudan"], users["soudan2"]])
        else None
    )


def _seed(counselors: list[User]) -> bool:
    # The demo writes synthetic records for every role to see: it looks past the door.
    if Contact.objects.unscoped().exists():
        return False
    vocab = _Vocab()
    main, second = counselors[0], counselors[1]

    # 令和3年度: 16 women and 4 anonymous one-off contacts = 20 people consulting.
    for i, woman in enumerate(WOMEN_R3):
        _story(
            vocab,
            woman,
            index=i,
            first=dt.date(2021, 4, 12) + dt.timedelta(days=i * 20),
            contacts=1 + i % 4,
            counselor=main if i % 2 == 0 else second,
            status=["closed", "referred", "closed", "supporting"][i % 4],
        )
    for i, concern in enumerate(["menstruation", "isolation", "poverty", "mental"]):
        _anonymous(vocab, _at(dt.date(2021, 6, 3) + dt.timedelta(days=70 * i), 22), concern)

    # 令和4年度: new women and anonymous contacts.
    for i, woman in enumerate(WOMEN_R4):
        _story(
            vocab,
            woman,
            index=i + 20,
            first=dt.date(2022, 4, 18) + dt.timedelta(days=i * 26),
            contacts=1 + (i + 1) % 4,
            counselor=second if i % 2 == 0 else main,
            status=["closed", "referred", "supporting", "closed"][i % 4],
        )
    for i, concern in enumerate(["menstruation", "isolation", "work"]):
        _anonymous(vocab, _at(dt.date(2022, 5, 9) + dt.timedelta(days=90 * i), 21), concern, "sns")

    # Today's work: open cases with follow-ups due and overdue, a new contact nobody has taken,
    # and a restricted case only its counselor and the supervisors can see.
    today = timezone.localdate()
    for i, woman in enumerate(WOMEN_NOW):
        case = _story(
            vocab,
            woman,
            index=i + 40,
            first=today - dt.timedelta(days=30 - i * 4),
            contacts=2 + i % 2,
            counselor=main,
            status="supporting",
            gap_days=5,
        )
        Case.objects.unscoped().filter(pk=case.pk).update(
            follow_up_due=today + dt.timedelta(days=[-3, -1, 0, 2, 6, 14][i])
        )
    # The last of them came over from the other counselor two days ago.
    CaseAssignment.objects.create(
        case=case,
        from_user=second,
        to_user=main,
        reason="担当者の休暇中の引き継ぎ",
        changed_by=second,
        changed_at=timezone.now() - dt.timedelta(days=2),
    )
    untaken = _story(
        vocab,
        Woman("LINEのBさん", "20s", ("isolation",), "line"),
        index=60,
        first=today - dt.timedelta(days=1),
        contacts=1,
        counselor=None,
        status="received",
    )
    Contact.objects.unscoped().filter(case=untaken).update(counselor=None)
    restricted = _story(
        vocab,
        Woman("ゆうか", "30s", ("dv", "housing"), "phone"),
        index=61,
        first=today - dt.timedelta(days=12),
        contacts=2,
        counselor=second,
        status="supporting",
        gap_days=4,
    )
    Case.objects.unscoped().filter(pk=restricted.pk).update(restricted=True, risk="crisis")
    _anonymous(vocab, timezone.now() - dt.timedelta(hours=3), "menstruation")
    return True
