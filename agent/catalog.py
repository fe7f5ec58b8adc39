"""Each distributor's match index, built from the database and cached per catalog version."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Distributor, Product, ProductCategory, ProductVariant
from matching.catalog import CatalogItem, variant_display_name
from matching.index import CatalogIndex, build_index
from matching.resolve import match_line
from reading.lexicon import fold


@dataclass(frozen=True, slots=True)
class Catalog:
    """A distributor's sellable items, their index and lookups by id and sku."""

    version: int
    index: CatalogIndex
    by_sku: dict[str, CatalogItem]
    # names with "and"/"&" in them ("half and half"), so extraction does not split them
    known_names: frozenset[str]
    # each product by its id, so a variant finds the product it varies
    products: dict[str, CatalogItem] = field(default_factory=dict)
    # every word of the catalog's names, so a product word is never taken for a person's
    # name in an order line ("Burrata: 2 cases")
    vocabulary: frozenset[str] = frozenset()

    def parent(self, item: CatalogItem | None) -> CatalogItem | None:
        """The product a variant belongs to (None for a product itself)."""
        return self.products.get(item.product_id) if item and item.is_variant else None

    def family(self, item: CatalogItem | None) -> tuple[CatalogItem, ...]:
        """The product an item belongs to and all its variants (the item among them)."""
        if item is None:
            return ()
        return tuple(self.index.items[i] for i in self.index.family.get(item.product_id, ()))


def vocabulary(items: list[CatalogItem]) -> frozenset[str]:
    """The folded words (three letters or more) of every name, alias, brand and variant."""
    texts = (t for i in items for t in (i.name, i.brand, i.variant_name, *i.aliases) if t)
    return frozenset(fold(w) for t in texts for w in re.findall(r"[^\W\d_]{3,}", t))


def _compound_names(items: list[CatalogItem]) -> frozenset[str]:
    names = (n for i in items for n in (i.name, *i.aliases))
    return frozenset(n.lower() for n in names if " and " in n.lower() or "&" in n)


async def load_items(session: AsyncSession, distributor_id: uuid.UUID) -> list[CatalogItem]:
    """Every active product and variant of a distributor, as the matcher sees them."""
    categories = dict((await session.execute(
        select(ProductCategory.id, ProductCategory.name)
        .where(ProductCategory.distributor_id == distributor_id))).all())
    products = (await session.execute(select(Product).where(
        Product.distributor_id == distributor_id, Product.active))).scalars().all()
    variants = (await session.execute(select(ProductVariant).where(
        ProductVariant.distributor_id == distributor_id, ProductVariant.active)
        .order_by(ProductVariant.sort_order))).scalars().all()
    by_product: dict[uuid.UUID, list[ProductVariant]] = {}
    for v in variants:
        by_product.setdefault(v.product_id, []).append(v)
    items: list[CatalogItem] = []
    for p in products:
        category = categories.get(p.category_id) or p.category
        base = CatalogItem(
            product_id=str(p.id), variant_id=None, sku=p.sku, name=p.name, brand=p.brand,
            category=category, unit=p.unit, unit_price=p.unit_price, aliases=tuple(p.aliases),
            keywords=tuple(p.keywords), misspellings=tuple(p.common_misspellings),
            in_stock=p.in_stock, description=p.description,
            max_quantity=p.maximum_order_quantity)
        items.append(base)
        for v in by_product.get(p.id, []):
            items.append(CatalogItem(
                product_id=str(p.id), variant_id=str(v.id), sku=v.sku,
                name=variant_display_name(p.name, v.variant_name), brand=p.brand,
                category=category, unit=p.unit,
                unit_price=v.unit_price if v.unit_price is not None else p.unit_price,
                aliases=(*v.ai_aliases, *p.aliases), keywords=tuple(p.keywords),
                misspellings=tuple(p.common_misspellings), variant_name=v.variant_name,
                variant_type=v.variant_type, in_stock=p.in_stock, description=p.description,
                max_quantity=p.maximum_order_quantity))
    return items


def line_reader(catalog: Catalog, threshold: float
                ) -> tuple[Callable[[str], float], Callable[[str], str | None]]:
    """The matcher's confidence for a candidate line, and the name of the product it reads
    (for "sal y pimienta": is "pimienta" part of the product just named?); one match
    per line, cached for the message."""

    @lru_cache(maxsize=256)
    def read(line: str) -> tuple[float, str | None]:
        result = match_line(catalog.index, line, threshold=threshold)
        return result.confidence, result.item.name if result.item else None

    return (lambda line: read(line)[0]), (lambda line: read(line)[1])


class CatalogCache:
    """Per-process cache: rebuilt when the distributor's `catalog_version` moves."""

    def __init__(self) -> None:
        self._cache: dict[uuid.UUID, Catalog] = {}

    async def get(self, session: AsyncSession, distributor_id: uuid.UUID) -> Catalog:
        """The current catalog of a distributor (one cheap version query when cached)."""
        version = (await session.execute(select(Distributor.catalog_version).where(
            Distributor.id == distributor_id))).scalar_one()
        cached = self._cache.get(distributor_id)
        if cached is not None and cached.version == version:
            return cached
        items = await load_items(session, distributor_id)
        # a thread: ~70 ms of Python for a few hundred products, seconds for 50,000; the
        # loop keeps answering webhooks and health checks meanwhile
        index = await asyncio.to_thread(build_index, items)
        catalog = Catalog(version=version, index=index,
                          by_sku={i.sku: i for i in items}, known_names=_compound_names(items),
                          products={i.product_id: i for i in items if not i.is_variant},
                          vocabulary=vocabulary(items))
        self._cache[distributor_id] = catalog
        return catalog
