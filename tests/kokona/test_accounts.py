"""Accounts: invitations instead of passwords set by others, roles granted with a step-up."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from kokona.models import AuditEvent, User
from kokona.roles import Role
from tests.conftest import PASSWORD, add_authenticator, https_client, make_user, sign_in

NEW_PASSWORD = "my own long passphrase"


def role(name: Role) -> int:
    return Group.objects.get(name=name.value).pk


def add_user(admin, **fields):
    data = {
        "username": "aoi",
        "display_name": "相談員 あおい",
        "email": "aoi@example.jp",
        "groups": [role(Role.COUNSELOR)],
        "confirm_password": PASSWORD,
        **fields,
    }
    return admin.post(reverse("admin:kokona_user_add"), data)


def invitation_link(response) -> str:
    return re.search(
        r'value="https://testserver[^/"]*(/invitation/[^"]+)"', response.content.decode()
    )[1]


def test_a_new_account_gets_an_invitation_not_a_password(
    client_as, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_user(client_as("supervisor"))

    user = User.objects.get(username="aoi")
    assert response.status_code == 200
    assert not user.has_usable_password()
    assert user.roles == {Role.COUNSELOR}
    link = invitation_link(response)
    assert link in mail.outbox[0].body
    assert mail.outbox[0].to == ["aoi@example.jp"]
    events = AuditEvent.objects.filter(actor=supervisor, object_id=str(user.pk))
    assert events.filter(detail__invitation=True).exists()
    assert events.filter(detail__roles_added=["counselor"]).exists()


def test_the_invitation_sets_her_password_then_asks_for_the_second_factor(client_as):
    link = invitation_link(add_user(client_as("supervisor")))
    browser = https_client()

    form_page = browser.get(link, follow=True)
    response = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    user = User.objects.get(username="aoi")
    assert user.check_password(NEW_PASSWORD)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert browser.get("/consultations/").status_code == 302  # not before the second factor


def test_an_invitation_works_once(client_as):
    link = invitation_link(add_user(client_as("supervisor")))
    browser = https_client()
    url = browser.get(link, follow=True).redirect_chain[-1][0]
    browser.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = https_client().get(link, follow=True)

    assert "このリンクは使えません" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_an_invitation_expires_after_three_days(client_as):
    link = invitation_link(add_user(client_as("supervisor")))

    with time_machine.travel(dt.timedelta(days=3, hours=1)):
        late = https_client().get(link, follow=True)

    assert 'name="new_password1"' not in late.content.decode()


def test_granting_a_role_needs_the_granters_password(client_as, supervisor):
    response = add_user(client_as("supervisor"), confirm_password="not my password")

    assert response.status_code == 200
    assert not User.objects.filter(username="aoi").exists()
    assert AuditEvent.objects.filter(actor=supervisor, detail__step_up="grant-role").exists()


def test_a_role_change_is_audited_with_what_changed(client_as, supervisor, counselor):
    admin = client_as("supervisor")
    url = reverse("admin:kokona_user_change", args=[counselor.pk])
    form = admin.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "groups": [role(Role.SUPERVISOR)],
        "date_joined_0": counselor.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": counselor.date_joined.strftime("%H:%M:%S"),
    }
    data.pop("last_login", None)
    data.pop("password", None)

    refused = admin.post(url, data)
    counselor.refresh_from_db()
    assert refused.status_code == 200 and counselor.roles == {Role.COUNSELOR}

    admin.post(url, data | {"confirm_password": PASSWORD})

    counselor = User.objects.get(pk=counselor.pk)
    assert counselor.roles == {Role.SUPERVISOR}
    event = AuditEvent.objects.get(actor=supervisor, detail__has_key="roles_added")
    assert event.detail["roles_added"] == ["supervisor"]
    assert event.detail["roles_removed"] == ["counselor"]


def test_the_role_picker_speaks_japanese(client_as):
    page = client_as("supervisor").get(reverse("admin:kokona_user_add")).content.decode()

    assert "相談員" in page and "市職員" in page
    assert "city_staff" not in page


def test_a_supervisor_cannot_set_someone_elses_password(client_as, counselor):
    url = reverse("admin:auth_user_password_change", args=[counselor.pk])

    response = client_as("supervisor").post(
        url, {"password1": "chosen for her 123", "password2": "chosen for her 123"}
    )

    assert response.status_code == 403
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)


def test_a_supervisor_sends_a_link_instead(client_as, counselor):
    response = client_as("supervisor").post(
        reverse("admin:kokona_user_invite", args=[counselor.pk])
    )

    assert response.status_code == 200
    assert "/invitation/" in invitation_link(response)


def test_a_password_a_superuser_set_must_be_changed_at_sign_in(db, counselor):
    root = make_user("root", staff=True, is_superuser=True)
    add_authenticator(root)
    admin = sign_in(https_client(), root)
    url = reverse("admin:auth_user_password_change", args=[counselor.pk])

    admin.post(url, {"password1": "chosen for her 123", "password2": "chosen for her 123"})

    counselor.refresh_from_db()
    assert counselor.must_change_password
    her = sign_in(https_client(), counselor)
    assert her.get("/consultations/")["Location"] == reverse("password_change")
    her.post(
        reverse("password_change"),
        {
            "old_password": "chosen for her 123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert her.get("/consultations/").status_code == 200


@pytest.mark.parametrize("persona", ["counselor", "city_staff", "site_manager"])
def test_only_supervisors_invite(client_as, persona, counselor):
    response = client_as(persona).post(reverse("admin:kokona_user_invite", args=[counselor.pk]))

    assert response.status_code in (302, 403)
    assert not mail.outbox


class TestPasswordReset:
    def ask(self, email: str):
        return https_client().post(reverse("password_reset"), {"email": email})

    def test_the_sign_in_page_offers_it(self, client, db):
        assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(self, counselor):
        counselor.email = "sakura@example.jp"
        counselor.save()

        known = self.ask("sakura@example.jp")
        unknown = self.ask("nobody@example.jp")

        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]
        assert len(mail.outbox) == 1
        assert AuditEvent.objects.filter(
            object_id=str(counselor.pk), detail__reset_requested=True
        ).exists()

    def reset_link(self, counselor) -> str:
        counselor.email = "sakura@example.jp"
        counselor.save()
        self.ask("sakura@example.jp")
        return re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body)[1]

    def test_the_link_sets_a_password_once_and_the_code_is_still_asked(self, counselor):
        add_authenticator(counselor)
        link = self.reset_link(counselor)
        browser = https_client()

        form_url = browser.get(link, follow=True).redirect_chain[-1][0]
        response = browser.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
        )

        counselor.refresh_from_db()
        assert counselor.check_password(NEW_PASSWORD)
        assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
        assert browser.get("/consultations/").status_code == 302
        again = https_client().get(link, follow=True).content.decode()
        assert 'name="new_password1"' not in again
        assert AuditEvent.objects.filter(
            actor=counselor, detail__by_link=True, detail__fields=["password"]
        ).exists()

    def test_a_reset_link_expires_after_an_hour(self, counselor):
        link = self.reset_link(counselor)

        with time_machine.travel(dt.timedelta(minutes=61)):
            late = https_client().get(link, follow=True).content.decode()

        assert 'name="new_password1"' not in late

    def test_an_invitation_link_is_not_a_reset_link(self, client_as, counselor):
        response = client_as("supervisor").post(
            reverse("admin:kokona_user_invite", args=[counselor.pk])
        )
        token_path = invitation_link(response).removeprefix("/invitation/")

        page = https_client().get(f"/password-reset/{token_path}", follow=True).content.decode()

        assert 'name="new_password1"' not in page

    def test_a_supervisor_forces_a_reset(self, client_as, counselor):
        her = sign_in(https_client(), counselor)

        response = client_as("supervisor").post(
            reverse("admin:kokona_user_invite", args=[counselor.pk]), {"force_reset": "1"}
        )

        counselor.refresh_from_db()
        assert not counselor.has_usable_password()
        assert her.get("/consultations/")["Location"].startswith("/login/")
        assert "/invitation/" in invitation_link(response)


class TestUserAdmin:
    def test_a_supervisor_cannot_make_anyone_a_superuser(self, client_as, supervisor, counselor):
        client = client_as("supervisor")
        url = reverse("admin:kokona_user_change", args=[supervisor.pk])

        client.post(
            url,
            {
                "username": supervisor.username,
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                "date_joined_0": "2026-04-01",
                "date_joined_1": "09:00:00",
            },
        )

        supervisor.refresh_from_db()
        assert not supervisor.is_superuser

    def test_a_supervisor_cannot_edit_a_superuser(self, client_as, db):
        from kokona.models import User

        root = User.objects.create_superuser("root", password=PASSWORD)

        response = client_as("supervisor").get(reverse("admin:kokona_user_change", args=[root.pk]))

        assert b'name="username"' not in response.content
