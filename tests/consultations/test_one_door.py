"""No screen reads a woman's records except through `visible_to(user)`.

A read that skips the door is the bug that leaks a restricted case; this keeps the rule in the
code, not only in reviewers' heads.
"""

import re
from pathlib import Path

import consultations

PERSON_MODELS = r"(Client|Case|Contact|Referral|SupportActivity|CaseStatusChange)"
UNSCOPED = re.compile(rf"\b{PERSON_MODELS}\.objects\.(?!visible_to\()")
# The door itself asks whether a refused id exists, to log the refusal; a subquery tied to rows
# already through the door (OuterRef) or a prefetch below them narrows, it cannot widen.
ALLOWED = {
    ("views/common.py", "Case.objects.unscoped().filter(pk=pk).exists()"),
    ("views/common.py", "Client.objects.unscoped().filter(pk=pk).exists()"),
}
NARROWING = ("OuterRef(", "queryset=")


def test_views_and_queries_read_through_the_door():
    root = Path(consultations.__file__).parent
    found = []
    for path in [*root.glob("views/*.py"), root / "queries.py"]:
        for line in path.read_text().splitlines():
            if UNSCOPED.search(line) and not any(mark in line for mark in NARROWING):
                entry = (str(path.relative_to(root)), line.strip().removeprefix("if "))
                if not any(entry[0] == a and b in line for a, b in ALLOWED):
                    found.append(entry)

    assert found == []
