from supplies.models.ledger import STORE_LABEL, StockBalance, StockMovement, lock_key
from supplies.models.reach import CardLink, ScanDay
from supplies.models.sites import OutreachPlacement, Site
from supplies.models.vocabularies import Area, Item, SchoolLevel, SiteCategory

__all__ = [
    "STORE_LABEL",
    "Area",
    "CardLink",
    "Item",
    "OutreachPlacement",
    "ScanDay",
    "SchoolLevel",
    "Site",
    "SiteCategory",
    "StockBalance",
    "StockMovement",
    "lock_key",
]
