"""Catalog items from a distributor file: one per product and per variant."""

from __future__ import annotations

from matching.catalog import CatalogItem, variant_display_name


def test_every_product_and_variant_is_an_item(demo_items: list[CatalogItem]) -> None:
    """Variants are items of their own, with their own sku and the product's id."""
    by_sku = {i.sku: i for i in demo_items}
    half = by_sku["DY-1001-HG"]
    assert half.product_id == "DY-1001" and half.variant_id == "DY-1001-HG"
    assert half.name == "Whole Milk Half Gallon"
    assert "whole milk" in half.aliases  # a variant is still the product
    assert by_sku["DY-1001"].variant_id is None
    assert len(by_sku) == len(demo_items) > 250


def test_variant_names_replace_the_product_size() -> None:
    """The variant's size takes the place of the product's, with its container word."""
    assert (
        variant_display_name("Coca-Cola Classic 12 oz Can", "20 oz Bottle")
        == "Coca-Cola Classic 20 oz Bottle"
    )
    assert (
        variant_display_name("Nitrile Gloves Blue Large", "Medium") == "Nitrile Gloves Blue Medium"
    )
    assert variant_display_name("Shrimp 16/20 Raw", "21/25") == "Shrimp 21/25 Raw"
    assert variant_display_name("Italian Sausage Links", "Hot") == "Italian Sausage Links Hot"
