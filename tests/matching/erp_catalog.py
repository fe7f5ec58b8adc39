"""An invented ERP-style catalog (all caps, pack notation, no aliases) for the matcher tests.

Nothing here is copied from a distributor set: the names follow the style of real ERP
exports so the tests exercise abbreviations, packs, variants and the Spanish lexicon.
"""

from __future__ import annotations

from decimal import Decimal

from matching.catalog import CatalogItem, variant_display_name
from matching.index import CatalogIndex, build_index

# (sku, name, unit, variants as (sku, variant name))
ERP: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("10001", "CHIX BRST BNLS SKNLS 4/10#", "case", []),
    ("10002", "CHIX THGH BNLS SKNLS 4/10#", "case", []),
    ("10003", "CHIX WING JUMBO 40 LB", "case", []),
    ("10010", "BEEF GRND 80/20 4/10# CHUB", "case", []),
    ("10011", "BEEF SHANK CROSS CUT", "lb", []),
    ("10020", "SALMON FILLET ATL 3-4#", "lb", []),
    ("20001", "MILK WHL GAL 4/1", "case", []),
    ("20002", "MILK SKIM GAL 4/1", "case", []),
    ("20003", "QUESO BLANCO FRESCO 10 LB", "each", []),
    ("20004", "BUTTER UNSLTD AA 36/1#", "case", [("20005", "SALTED")]),
    ("20006", "EGG LRG LOOSE 15 DZ", "case", []),
    ("30001", "ONION YEL JUMBO 50 LB", "bag", [("30002", "25 LB")]),
    ("30003", "ONION RED 25 LB", "bag", []),
    ("30004", "PARSLEY CURLY 60CT", "case", [("30005", "BUNCH EA")]),
    ("30006", "LEMON FANCY 115CT 40 LB", "case", [("30007", "10 LB BAG")]),
    ("30008", "GARLIC PEELED 4/5# JAR", "case", []),
    ("40001", "BEAN BLACK DRY 50 LB", "bag", []),
    ("40002", "BEAN KIDNEY DRY 25 LB", "bag", []),
    ("40003", "TOMATO CRUSHED 6/#10", "case", []),
    ("40004", "SAUCE HOT 4/1 GAL", "case", [("40005", "24/5OZ")]),
    ("40005X", "SUGAR GRAN 50 LB", "bag", []),
    ("40006", "SUGAR BROWN LT 25 LB", "bag", []),
    ("50001", "SYRUP HAZELNUT 750ML 12/CS", "case", [("50002", "CARAMEL"), ("50003", "VANILLA")]),
    ("50004", "SODA COLA 24/12OZ CAN", "case", []),
    ("60001", "LID DOME CLR 12-24OZ 1000/CS", "case", [("60002", "BLACK")]),
    ("60003", "CUP CLEAR PET 12OZ 1000/CS", "case", [("60004", "16OZ")]),
    ("60005", "GLOVE NITRILE PF BLUE LRG 10/100", "case", [("60006", "MEDIUM")]),
    ("60007", "FOIL ROLL HD 18IN X 500FT", "each", []),
]


def erp_items() -> list[CatalogItem]:
    """The invented catalog as matcher items (products and their variants)."""
    items: list[CatalogItem] = []
    for sku, name, unit, variants in ERP:
        items.append(CatalogItem(sku, None, sku, name, unit=unit, unit_price=Decimal("10")))
        for vsku, vname in variants:
            items.append(
                CatalogItem(sku, vsku, vsku, variant_display_name(name, vname), unit=unit,
                            unit_price=Decimal("10"), variant_name=vname)
            )  # fmt: skip
    return items


def erp_index() -> CatalogIndex:
    """The invented catalog's index."""
    return build_index(erp_items())
