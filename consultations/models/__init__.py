"""The consultation models: vocabularies, and the records of the women and their cases, one
module each. Every model holding something about a woman reads through `visible_to(user)`
(consultations.access).

pghistory adds an event model per tracked model (CaseEvent, …) when the app registry is ready;
reach them with `apps.get_model("consultations", "CaseEvent")`."""

from consultations.models.cases import (
    Case,
    CaseAssignment,
    CaseAssignmentQuerySet,
    CaseQuerySet,
    CaseStatus,
    CaseStatusChange,
    CaseStatusChangeQuerySet,
    Risk,
)
from consultations.models.clients import Client, ClientQuerySet
from consultations.models.contacts import Contact, ContactQuerySet
from consultations.models.line import LineAccount, LineEvent, LineReply
from consultations.models.reach import PublicThrottle, ReachSettings
from consultations.models.referrals import Referral, ReferralQuerySet
from consultations.models.support import SupportActivity, SupportActivityQuerySet
from consultations.models.vocabularies import (
    AgeBand,
    Agency,
    Channel,
    ClosingReason,
    ConcernCategory,
)

__all__ = [
    "AgeBand",
    "Agency",
    "Case",
    "CaseAssignment",
    "CaseAssignmentQuerySet",
    "CaseQuerySet",
    "CaseStatus",
    "CaseStatusChange",
    "CaseStatusChangeQuerySet",
    "Channel",
    "Client",
    "ClientQuerySet",
    "ClosingReason",
    "ConcernCategory",
    "Contact",
    "ContactQuerySet",
    "LineAccount",
    "LineEvent",
    "LineReply",
    "PublicThrottle",
    "ReachSettings",
    "Referral",
    "ReferralQuerySet",
    "Risk",
    "SupportActivity",
    "SupportActivityQuerySet",
]
