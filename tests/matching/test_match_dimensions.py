"""A box's dimensions written short ("6x6" for the catalog's 6x6x3) still name it."""

from __future__ import annotations

from matching.catalog import CatalogItem
from matching.index import build_index
from matching.resolve import match_line


def _item(sku: str, name: str) -> CatalogItem:
    return CatalogItem(product_id=sku, variant_id=None, sku=sku, name=name, category="BOXES",
                       unit="bundle")  # fmt: skip


def test_leading_dimensions_name_the_box() -> None:
    """The height left out: the box whose first dimensions they are, over another box."""
    index = build_index([
        _item("K1", "Box Pie White 6x6x3 200/bundle"),
        _item("K2", "Box Pie White 9x9x3 200/bundle"),
        _item("K3", "Box Cake Kraft w/Window 12x12x5 100/bundle"),
    ])  # fmt: skip
    result = match_line(index, "pie boxes 9x9 2 bundles")
    assert result.item is not None and result.item.sku == "K2"
    assert not result.needs_review
    assert index.correct("12x12")[0].token == "12x12x5"
    assert index.correct("12x1") == ()
