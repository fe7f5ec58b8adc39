"""Invented catalog items for the matcher's tests: a product, or a variant of one."""

from __future__ import annotations

from matching.catalog import CatalogItem, variant_display_name


def item(sku: str, name: str, *, product: str | None = None, variant: str | None = None,
         unit: str = "case") -> CatalogItem:
    """A product named `name`, or (with `product`) its variant named as the catalog shows it."""
    full = variant_display_name(name, variant) if variant else name
    return CatalogItem(product_id=product or sku, variant_id=sku if product else None, sku=sku,
                       name=full, unit=unit, variant_name=variant)  # fmt: skip
