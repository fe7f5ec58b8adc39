"""The catalog index: vocabulary corrections, and catalogs without any aliases."""

from __future__ import annotations

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.resolve import match_line


def test_typos_prefixes_and_run_together_words_find_catalog_words(
    demo_index: CatalogIndex,
) -> None:
    """A customer's word is corrected to the catalog's words it may stand for."""
    assert demo_index.correct("mozzarella")[0].token == "mozzarella"
    assert "cheddar" in {c.token for c in demo_index.correct("chedar")}
    assert "jalapeno" in {c.token for c in demo_index.correct("jalap")}
    assert [c.token for c in demo_index.correct("greekyogurt")] == ["greek", "yogurt"]
    assert demo_index.correct("zzqx") == ()
    short = demo_index.correct("kale")  # one edit from "ale": a weak guess at best
    assert all(c.weight < 0.8 for c in short)


def _plain(names: list[str]) -> list[CatalogItem]:
    return [
        CatalogItem(product_id=str(i), variant_id=None, sku=f"P-{i}", name=name)
        for i, name in enumerate(names)
    ]


def test_a_catalog_of_plain_names_still_matches_and_separates_sizes() -> None:
    """An ERP export with names only (no aliases, keywords or variants) works too."""
    index = build_index(_plain([
        "Hot Cup 12 oz", "Hot Cup 16 oz", "Cold Cup 16 oz", "Whole Milk 1 Gallon",
        "Skim Milk 1 Gallon", "Mozzarella Shredded 5 lb", "Cheddar Shredded 5 lb",
    ]))  # fmt: skip
    assert match_line(index, "2 cs 16oz hot cups").item.sku == "P-1"
    assert match_line(index, "whole milk x4").item.sku == "P-3"
    assert match_line(index, "shreded mozarella 3 bags").item.sku == "P-5"
    assert match_line(index, "hot cups").needs_review  # which size?
    assert match_line(index, "soy milk").needs_review  # not sold


def test_catalog_changes_need_a_new_index() -> None:
    """An index is a snapshot: a product added later is found only after a rebuild."""
    items = _plain(["Whole Milk 1 Gallon"])
    before = build_index(items)
    after = build_index([*items, CatalogItem("9", None, "P-9", "Oat Milk Barista 32 oz")])
    assert match_line(before, "oat milk barista").needs_review
    assert match_line(after, "oat milk barista").item.sku == "P-9"
