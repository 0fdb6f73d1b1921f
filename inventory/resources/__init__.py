"""django-import-export resources of inventory, and the one base resource every app uses.

Natural keys (item code, site code, organisation code) stand in for database ids in every
sheet people edit. Stock only changes through `inventory.services`: the donation resource
validates each row, then posts whole donations through `donation_receive`.
"""

from inventory.resources.base import (
    FORMULA_START,
    MAX_IMPORT_ROWS,
    ChoiceWidget,
    CodeWidget,
    SafeResource,
    YesNoWidget,
    escape_formula,
)
from inventory.resources.catalogue import ItemResource, SiteResource, parse_packs
from inventory.resources.donations import DonationLineResource, row_fingerprint
from inventory.resources.stock import StockBalanceResource, StockMovementResource

__all__ = [
    "FORMULA_START",
    "MAX_IMPORT_ROWS",
    "ChoiceWidget",
    "CodeWidget",
    "DonationLineResource",
    "ItemResource",
    "SafeResource",
    "SiteResource",
    "StockBalanceResource",
    "StockMovementResource",
    "YesNoWidget",
    "escape_formula",
    "parse_packs",
    "row_fingerprint",
]
