"""The audit trail and history: written on events, and unchangeable by the application."""

import pghistory
import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from kokona import audit
from kokona.models import AuditEvent, User, UserEvent
from tests.conftest import PASSWORD


def test_sign_in_is_audited_with_address_and_request_id(client, city_staff):
    response = client.post(
        reverse("login"), {"username": city_staff.username, "password": PASSWORD}
    )

    event = AuditEvent.objects.get(action="login")
    assert event.actor == city_staff
    assert event.username == "city"
    assert event.ip == "127.0.0.1"
    assert str(event.request_id) == response["X-Request-ID"]


def test_a_failed_sign_in_is_audited_without_the_password(client, city_staff):
    client.post(reverse("login"), {"username": "city", "password": "guessed wrongly"})

    event = AuditEvent.objects.get(action="failed-login")
    assert event.actor is None
    assert event.username == "city"
    assert "guessed" not in str(event.detail)


def test_sign_out_is_audited(client_as, counselor):
    client_as("counselor").post(reverse("logout"))

    assert AuditEvent.objects.filter(action="logout", actor=counselor).exists()


@pytest.fixture
def event(counselor):
    return audit.record(audit.Action.VIEW, counselor, by=counselor)


def test_the_helper_names_the_object(event, counselor):
    assert event.object_type == "kokona.user"
    assert event.object_id == str(counselor.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="delete"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: e.delete(),
    ],
    ids=["update", "bulk-delete", "delete"],
)
def test_audit_rows_cannot_be_changed(event, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        change(event)

    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_audit_rows_cannot_be_changed_in_sql_either(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kokona_auditevent SET username = 'someone' WHERE id = %s", [event.pk]
        )

    assert AuditEvent.objects.get(pk=event.pk).username == event.username


def test_bulk_updates_of_users_leave_history_with_actor_and_request(counselor, supervisor):
    with pghistory.context(user=supervisor.pk, request_id="r-1"):
        User.objects.filter(pk=counselor.pk).update(display_name="相談員 さくら（休職）")

    history = pghistory.models.Events.objects.references(counselor).filter(pgh_label="update")
    assert [e.pgh_data["display_name"] for e in history] == ["相談員 さくら（休職）"]
    assert history[0].pgh_context["user"] == supervisor.pk
    assert history[0].pgh_context["request_id"] == "r-1"


def test_history_rows_cannot_be_changed(counselor):
    row = UserEvent.objects.get(pgh_obj=counselor, pgh_label="insert")

    with pytest.raises(DatabaseError), transaction.atomic():
        UserEvent.objects.filter(pk=row.pk).update(username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        row.delete()

    assert UserEvent.objects.get(pk=row.pk).username == counselor.username


def test_a_change_through_a_request_carries_its_request_id(client_as, supervisor, counselor):
    client = client_as("supervisor")
    form = client.get(reverse("admin:kokona_user_change", args=[counselor.pk]))
    assert form.status_code == 200

    response = client.post(
        reverse("admin:kokona_user_change", args=[counselor.pk]),
        {
            "username": counselor.username,
            "display_name": "相談員 さくら（主任）",
            "is_active": "on",
            "groups": list(counselor.groups.values_list("pk", flat=True)),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-04-01",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302
    event = UserEvent.objects.filter(pgh_obj=counselor, pgh_label="update").get()
    assert event.display_name == "相談員 さくら（主任）"
    assert event.pgh_context.metadata["request_id"] == response["X-Request-ID"]
    assert event.pgh_context.metadata["user"] == supervisor.pk
