"""The consultation models: vocabularies, and the records of the women and their cases.

pghistory adds an event model per tracked model (CaseEvent, …) when the app registry is ready;
reach them with `apps.get_model("consultations", "CaseEvent")`."""

from consultations.models.records import (
    Case,
    CaseQuerySet,
    CaseStatusChange,
    Client,
    ClientQuerySet,
    Contact,
    ContactQuerySet,
    Referral,
    SupportActivity,
)
from consultations.models.vocabularies import (
    AgeBand,
    Agency,
    Channel,
    ConcernCategory,
    Vocabulary,
    VocabularyQuerySet,
)

__all__ = [
    "AgeBand",
    "Agency",
    "Case",
    "CaseQuerySet",
    "CaseStatusChange",
    "Channel",
    "Client",
    "ClientQuerySet",
    "ConcernCategory",
    "Contact",
    "ContactQuerySet",
    "Referral",
    "SupportActivity",
    "Vocabulary",
    "VocabularyQuerySet",
]
