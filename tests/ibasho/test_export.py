"""Her 居場所 attendance is in everything held on her (APPI 開示), and its reads in her access log."""

from consultations import export
from ibasho.models import Attendance
from kokona import audit
from tests.consultations.factories import make_case, make_client
from tests.ibasho.factories import attend, make_session


def test_her_export_holds_every_field_of_her_attendance(counselor, supervisor):
    woman = make_client("ちか")
    make_case(woman, assigned_to=counselor)
    row = attend(
        make_session("salon_childcare", childcare_places=2),
        woman,
        children=1,
        role="volunteer",
        helped_with="受付",
        created_by=counselor,
    )
    audit.record(audit.Action.VIEW, row, by=counselor)

    data = export.client_export(woman, supervisor)

    (exported,) = data["ibasho_attendance"]
    fields = {f.name for f in Attendance._meta.concrete_fields} - {"client"}
    assert set(exported) == fields
    assert exported["helped_with"] == "受付" and exported["role"] == "ボランティア・ピアサポーター"
    assert exported["session"].startswith("託児付き居場所")
    assert {(e["actor"], e["object_type"]) for e in data["access_log"]} == {
        ("相談員 さくら", "出席")
    }


def test_another_womans_attendance_is_not_in_it(counselor, supervisor):
    woman, other = make_client("ちか"), make_client("ゆい")
    session = make_session()
    attend(session, other)

    assert export.client_export(woman, supervisor)["ibasho_attendance"] == []
