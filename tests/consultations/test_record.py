"""相談を記録: the quick form, from a LINE message to a saved record."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Case, Client, Contact, Referral
from kokona.models import AuditEvent
from tests.consultations.factories import agency, make_case, make_client, make_contact, vocabulary

URL = reverse("consultations:record")


def form(**fields: object) -> dict:
    """A filled quick form: a new woman on LINE, unless the test says otherwise."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "client": "new",
        "nickname": "ゆい",
        "channel": vocabulary("Channel", "line").pk,
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "categories": [vocabulary("ConcernCategory", "isolation").pk],
        "urgency": "normal",
        "summary": "夜になると不安で眠れない。話を聞いてほしい。",
        "next_step": "明日の夜にもう一度連絡する",
        "stage": "informed",
        **fields,
    }


@pytest.fixture
def as_counselor(client_as):
    return client_as("counselor")


def test_a_new_woman_gets_a_record_a_case_and_the_contact(as_counselor, counselor):
    response = as_counselor.post(URL, form(handle_kind="line", handle="yui_0321", may_contact="on"))

    client = Client.objects.unscoped().get()
    case = Case.objects.unscoped().get()
    contact = Contact.objects.unscoped().get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert client.nickname == "ゆい"
    assert client.line_id == "yui_0321"
    assert client.may_contact_by_line
    assert case.client == client
    assert case.assigned_to == counselor
    assert case.status == Case.Status.RECEIVED
    assert case.primary_concern == vocabulary("ConcernCategory", "isolation")
    assert contact.case == case and contact.counselor == counselor
    assert contact.channel.label == "LINE"
    assert list(contact.categories.values_list("code", flat=True)) == ["isolation"]


def test_a_handle_is_not_consent_to_use_it(as_counselor):
    as_counselor.post(URL, form(handle_kind="phone", handle="090-1234-0000"))

    client = Client.objects.unscoped().get()
    assert client.phone == "090-1234-0000"
    assert not client.may_contact_by_phone


def test_recording_leaves_audit_events(as_counselor, counselor):
    as_counselor.post(URL, form())

    actions = set(AuditEvent.objects.filter(actor=counselor).values_list("action", "object_type"))
    assert ("create", "consultations.client") in actions
    assert ("create", "consultations.contact") in actions


def test_a_known_woman_joins_her_open_case(as_counselor, counselor):
    case = make_case(make_client("さき"), assigned_to=counselor)

    as_counselor.post(URL, form(client=str(case.client_id), nickname=""))

    assert Case.objects.unscoped().count() == 1
    assert case.contacts.unscoped().count() == 1
    assert Client.objects.unscoped().count() == 1


def test_a_woman_whose_case_closed_starts_a_new_one(as_counselor, counselor):
    old = make_case(
        make_client("さき"),
        assigned_to=counselor,
        status=Case.Status.CLOSED,
        opened_on=dt.date(2026, 4, 1),
        closed_on=dt.date(2026, 5, 1),
    )

    as_counselor.post(URL, form(client=str(old.client_id)))

    new = Case.objects.unscoped().exclude(pk=old.pk).get()
    assert new.status == Case.Status.RECEIVED
    assert new.contacts.unscoped().count() == 1


def test_an_anonymous_one_off_contact_stands_alone(as_counselor):
    response = as_counselor.post(URL, form(client="anonymous", nickname=""))

    contact = Contact.objects.unscoped().get()
    assert response["Location"] == reverse("consultations:home")
    assert contact.client is None and contact.case is None
    assert not Client.objects.unscoped().exists() and not Case.objects.unscoped().exists()


def test_an_anonymous_contact_cannot_carry_a_referral(as_counselor):
    response = as_counselor.post(URL, form(client="anonymous", agency=agency().pk, nickname=""))

    assert response.status_code == 400
    assert not Contact.objects.unscoped().exists()


class TestDuplicates:
    def test_the_same_nickname_is_flagged_and_nothing_saved(self, as_counselor):
        existing = make_client("ゆい")

        response = as_counselor.post(URL, form())

        assert response.status_code == 400
        html = response.content.decode()
        assert "すでに登録されています" in html
        assert f'value="{existing.pk}"' in html  # offered as a choice
        assert Client.objects.unscoped().count() == 1 and not Contact.objects.unscoped().exists()

    def test_the_same_phone_number_is_flagged(self, as_counselor):
        make_client("まゆ", phone="090-1234-5678")

        response = as_counselor.post(
            URL, form(handle_kind="phone", handle="０９０１２３４５６７８")
        )

        assert response.status_code == 400
        assert Client.objects.unscoped().count() == 1

    def test_confirming_registers_a_different_person(self, as_counselor):
        make_client("ゆい")

        response = as_counselor.post(URL, form(confirm_new="on"))

        assert response.status_code == 302
        assert Client.objects.unscoped().filter(nickname="ゆい").count() == 2


class TestBadInput:
    def test_missing_fields_come_back_in_japanese_with_what_was_typed(self, as_counselor):
        response = as_counselor.post(URL, form(channel="", summary="", nickname=""))

        assert response.status_code == 400
        html = response.content.decode()
        assert "入力内容を確認してください" in html
        assert "相談経路を選んでください。" in html
        assert "相談の内容を、短くてもよいので書いてください。" in html
        assert "明日の夜にもう一度連絡する" in html  # what was typed is still there
        assert not Contact.objects.unscoped().exists() and not Client.objects.unscoped().exists()

    def test_a_future_time_is_refused(self, as_counselor):
        later = timezone.localtime() + dt.timedelta(days=1)

        response = as_counselor.post(URL, form(occurred_at=later.strftime("%Y-%m-%dT%H:%M")))

        assert response.status_code == 400
        assert "未来" in response.content.decode()
        assert not Contact.objects.unscoped().exists()

    def test_a_bad_email_is_refused(self, as_counselor):
        response = as_counselor.post(URL, form(handle_kind="email", handle="not-an-address"))

        assert response.status_code == 400
        assert not Client.objects.unscoped().exists()

    def test_extra_posted_fields_change_nothing(self, as_counselor, other_counselor):
        as_counselor.post(
            URL,
            form(
                assigned_to=other_counselor.pk,
                is_staff="on",
                status="closed",
                created_by=other_counselor.pk,
            ),
        )

        case = Case.objects.unscoped().get()
        assert case.assigned_to != other_counselor
        assert case.status == Case.Status.RECEIVED
        assert Client.objects.unscoped().get().created_by != other_counselor


class TestReferralOnTheQuickForm:
    def test_a_referral_with_consent_is_recorded(self, as_counselor):
        as_counselor.post(
            URL,
            form(
                agency=agency().pk,
                stage="coordinating",
                shares_information="on",
                consent_recorded="on",
            ),
        )

        referral = Referral.objects.unscoped().get()
        assert referral.agency == agency()
        assert referral.shares_information and referral.consent_recorded

    def test_sharing_without_consent_is_refused_for_a_counselor(self, as_counselor):
        response = as_counselor.post(URL, form(agency=agency().pk, shares_information="on"))

        assert response.status_code == 400
        assert "同意" in response.content.decode()
        assert not Contact.objects.unscoped().exists()


class TestSearch:
    def test_search_as_you_type_offers_matching_women(self, client_as):
        make_client("さくらこ")
        make_client("ももこ")

        response = client_as("counselor").post(
            reverse("consultations:client_search"), {"q": "さくら"}, headers={"HX-Request": "true"}
        )

        html = response.content.decode()
        assert "さくらこ" in html and "ももこ" not in html
        assert "<html" not in html  # a fragment

    def test_the_search_button_keeps_what_was_typed(self, as_counselor):
        make_client("さくらこ")

        response = as_counselor.post(URL, form(q="さくら", search="1"))

        assert response.status_code == 200
        html = response.content.decode()
        assert "さくらこ" in html
        assert "明日の夜にもう一度連絡する" in html
        assert not Contact.objects.unscoped().exists()


def test_an_anonymous_follow_up_is_refused_on_the_field_that_was_filled(client_as):
    response = client_as("counselor").post(
        reverse("consultations:record"),
        {
            "client": "anonymous",
            "channel": vocabulary("Channel", "line").pk,
            "occurred_at": "2026-11-28T21:00",
            "urgency": "normal",
            "summary": "匿名の相談",
            "follow_up_due": "2026-12-01",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"follow_up_due"}


class TestIntakeCapturesWhatMatters:
    def test_the_main_concern_is_the_one_she_marks(self, as_counselor):
        money, childcare = (
            vocabulary("ConcernCategory", "poverty"),
            vocabulary("ConcernCategory", "childcare"),
        )

        as_counselor.post(URL, form(categories=[childcare.pk, money.pk], primary_concern=money.pk))

        assert Case.objects.unscoped().get().primary_concern == money

    def test_several_concerns_and_no_mark_asks_for_one(self, as_counselor):
        response = as_counselor.post(
            URL,
            form(
                categories=[
                    vocabulary("ConcernCategory", "poverty").pk,
                    vocabulary("ConcernCategory", "childcare").pk,
                ]
            ),
        )

        assert response.status_code == 400
        assert 'id="id_primary_concern_error"' in response.content.decode()
        assert not Contact.objects.unscoped().exists()

    def test_a_single_concern_is_the_main_one(self, as_counselor):
        as_counselor.post(URL, form())

        assert Case.objects.unscoped().get().primary_concern.code == "isolation"

    def test_a_marked_concern_not_ticked_is_added(self, as_counselor):
        money = vocabulary("ConcernCategory", "poverty")

        as_counselor.post(URL, form(primary_concern=money.pk))

        case = Case.objects.unscoped().get()
        assert case.primary_concern == money
        assert money in case.categories.all()

    @pytest.mark.parametrize(
        "urgency, risk, expected",
        [
            ("normal", "", "low"),
            ("soon", "", "medium"),
            ("urgent", "", "high"),
            ("soon", "crisis", "crisis"),
        ],
    )
    def test_risk_follows_the_urgency_unless_she_says(self, as_counselor, urgency, risk, expected):
        as_counselor.post(URL, form(urgency=urgency, risk=risk))

        assert Case.objects.unscoped().get().risk == expected

    def test_risk_never_drops_on_an_existing_case(self, as_counselor, counselor):
        case = make_case(make_client("さき"), assigned_to=counselor, risk="high")

        as_counselor.post(URL, form(client=str(case.client_id), nickname="", risk="low"))

        case.refresh_from_db()
        assert case.risk == "high"

    def test_her_record_can_be_restricted_at_intake(self, as_counselor, counselor):
        as_counselor.post(URL, form(restricted="on"))

        case = Case.objects.unscoped().get()
        assert case.restricted
        assert AuditEvent.objects.filter(
            actor=counselor, object_id=str(case.pk), detail__restricted=[False, True]
        ).exists()

    def test_only_who_takes_or_holds_her_case_restricts_it(
        self, as_counselor, counselor, other_counselor
    ):
        colleagues = make_case(make_client("はな"), assigned_to=other_counselor)
        nobodys = make_case(make_client("もも"))  # from the web form: nobody in charge yet

        for case in (colleagues, nobodys):
            as_counselor.post(URL, form(client=str(case.client_id), restricted="on"))

        colleagues.refresh_from_db()
        nobodys.refresh_from_db()
        assert not colleagues.restricted  # a supervisor or her counselor decides that
        assert nobodys.restricted and nobodys.assigned_to == counselor

    def test_a_follow_up_in_the_past_is_refused(self, as_counselor):
        yesterday = timezone.localdate() - dt.timedelta(days=1)

        response = as_counselor.post(URL, form(follow_up_due=yesterday.isoformat()))

        assert response.status_code == 400
        assert "過去" in response.content.decode()
        assert not Contact.objects.unscoped().exists()


class TestSearchTellsWomenApart:
    def test_results_show_last_contact_case_status_counselor_and_a_masked_handle(
        self, client_as, counselor
    ):
        hana = make_client("はな", email="hana@docomo.ne.jp")
        make_contact(make_case(hana, assigned_to=counselor))
        other = make_client("はな", phone="090-1234-5678")

        html = (
            client_as("counselor")
            .post(
                reverse("consultations:client_search"),
                {"q": "はな"},
                headers={"HX-Request": "true"},
            )
            .content.decode()
        )

        assert "…@docomo.ne.jp" in html and "090-****-5678" in html
        assert "hana@docomo.ne.jp" not in html and "1234" not in html
        assert "11月20日" in html or "2026年11月20日" in html  # her last contact
        assert "受付" in html and str(counselor) in html
        assert other.code in html

    def test_the_search_stays_one_query_for_many_women(
        self, client_as, counselor, django_assert_max_num_queries
    ):
        for i in range(12):
            make_contact(make_case(make_client(f"はな{i}"), assigned_to=counselor))
        client = client_as("counselor")

        with django_assert_max_num_queries(12):
            client.post(
                reverse("consultations:client_search"),
                {"q": "はな"},
                headers={"HX-Request": "true"},
            )

    def test_duplicates_show_while_typing_and_hidden_women_never(self, client_as, counselor):
        make_client("あやか", line_id="ayaka_77")
        hidden = make_case(
            make_client("あやか2", line_id="secret_1"), assigned_to=counselor, restricted=True
        )

        url = reverse("consultations:likely_duplicates")
        seen = client_as("other_counselor").post(url, {"nickname": "あやか"}).content.decode()
        by_handle = (
            client_as("other_counselor")
            .post(url, {"nickname": "", "handle_kind": "line", "handle": "secret_1"})
            .content.decode()
        )

        assert "あやか" in seen and "すでに登録" in seen
        assert hidden.client.code not in by_handle and "secret" not in by_handle

    def test_a_line_id_searched_goes_on_into_the_new_registration(self, as_counselor):
        response = as_counselor.post(URL, {"q": "yui_0321", "search": "1", "client": "new"})

        html = response.content.decode()
        assert 'value="yui_0321"' in html
        assert re.search(r'name="handle_kind" value="line"[^>]*checked', html)


class TestAnonymousContacts:
    @pytest.fixture
    def anonymous(self, db):
        return make_contact(summary="名前は言いたくない")

    def test_it_opens_from_the_home_page_and_is_audited(self, client_as, anonymous, counselor):
        client = client_as("counselor")
        url = reverse("consultations:contact_detail", args=[anonymous.pk])
        assert url in client.get(reverse("consultations:home")).content.decode()

        page = client.get(url)

        assert page.status_code == 200 and "名前は言いたくない" in page.content.decode()
        assert AuditEvent.objects.filter(
            actor=counselor, action="view", object_id=str(anonymous.pk)
        ).exists()

    def test_a_counselor_takes_it(self, client_as, anonymous, counselor):
        client_as("counselor").post(reverse("consultations:contact_take", args=[anonymous.pk]))

        anonymous.refresh_from_db()
        assert anonymous.counselor == counselor
        again = client_as("other_counselor").post(
            reverse("consultations:contact_take", args=[anonymous.pk])
        )
        anonymous.refresh_from_db()
        assert again.status_code == 302 and anonymous.counselor == counselor

    def test_it_joins_a_woman_when_she_writes_again(self, client_as, anonymous, counselor):
        woman = make_client("みほ")
        client = client_as("counselor")
        url = reverse("consultations:contact_join", args=[anonymous.pk])

        found = client.post(url, {"q": "みほ", "search": "1"})
        response = client.post(url, {"client": str(woman.pk)})

        assert woman.code in found.content.decode()
        anonymous.refresh_from_db()
        assert anonymous.client == woman and anonymous.case is not None
        assert response["Location"] == anonymous.case.get_absolute_url()
        assert anonymous.case.assigned_to == counselor

    def test_it_never_joins_a_woman_hidden_from_the_counselor(
        self, client_as, anonymous, counselor
    ):
        hidden = make_case(make_client("りさ"), assigned_to=counselor, restricted=True)

        response = client_as("other_counselor").post(
            reverse("consultations:contact_join", args=[anonymous.pk]),
            {"client": str(hidden.client_id)},
        )

        assert response.status_code == 404
        anonymous.refresh_from_db()
        assert anonymous.client is None


def _consultation(by, **referral: object) -> dict:
    """What the quick form hands `services.log_consultation`: a new woman, her first contact,
    a referral."""
    return {
        "by": by,
        "client": None,
        "new_client": {"nickname": "ゆい"},
        "contact": {
            "channel": vocabulary("Channel", "line"),
            "occurred_at": timezone.now(),
            "categories": [vocabulary("ConcernCategory", "isolation")],
            "summary": "話を聞いてほしい。",
        },
        "referral": {"agency": agency(), **referral},
    }


def test_a_consultation_is_one_transaction_without_a_savepoint_for_each_part(counselor):
    """Her record, the contact and the referral are written inside log_consultation's own
    transaction (here a savepoint of the test's), not each in a savepoint of their own: two
    round trips more on every consultation saved."""
    with CaptureQueriesContext(connection) as queries:
        services.log_consultation(**_consultation(counselor))

    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1
    assert Referral.objects.unscoped().get().case.client.nickname == "ゆい"


def test_a_part_that_fails_undoes_the_whole_consultation(counselor):
    """Sharing her information without her consent is refused (a counselor is no supervisor)
    once her record and the contact are written: neither stays, nor their audit events."""
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.log_consultation(**_consultation(counselor, shares_information=True))

    assert not Client.objects.unscoped().exists()
    assert not Contact.objects.unscoped().exists()
    assert not Referral.objects.unscoped().exists()
    assert AuditEvent.objects.count() == events
