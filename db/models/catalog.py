"""The product catalog: categories, products, variants and bundles."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_list,
    money,
    pg_enum,
    updated_ts,
    uuid_pk,
)
from db.models.enums import VariantType


class ProductCategory(TenantScoped, Base):
    """A node of the distributor's category tree."""

    __tablename__ = "product_categories"
    __table_args__ = (UniqueConstraint("distributor_id", "name"),)

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(255))
    parent_category_id: Mapped[uuid.UUID | None] = fk("product_categories.id")
    description: Mapped[str | None] = mapped_column(Text)
    ai_keywords: Mapped[jsonb_list]
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class Product(TenantScoped, Base):
    """Something the distributor sells, with what customers call it."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("distributor_id", "sku"),
        Index(None, "distributor_id", "active"),
        Index("ix_products_aliases", "aliases", postgresql_using="gin"),
        Index("ix_products_keywords", "keywords", postgresql_using="gin"),
        Index("ix_products_name_trgm", "name", postgresql_using="gin",
              postgresql_ops={"name": "gin_trgm_ops"}),
    )

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(500))
    sku: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(255))  # deprecated: use category_id
    category_id: Mapped[uuid.UUID | None] = fk("product_categories.id")
    unit: Mapped[str] = mapped_column(String(32), default="each", server_default="each")
    unit_price: Mapped[money]
    brand: Mapped[str | None] = mapped_column(String(255))
    model: Mapped[str | None] = mapped_column(String(255))
    size_variants: Mapped[jsonb_list]
    seasonal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    minimum_order_quantity: Mapped[int | None] = mapped_column(Integer)
    maximum_order_quantity: Mapped[int | None] = mapped_column(Integer)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    aliases: Mapped[jsonb_list]
    keywords: Mapped[jsonb_list]
    ai_training_examples: Mapped[jsonb_list]
    common_misspellings: Mapped[jsonb_list]
    seasonal_patterns: Mapped[jsonb_list]
    in_stock: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    stock_quantity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class ProductVariant(TenantScoped, Base):
    """A size, flavour or style of a product, with its own SKU and price."""

    __tablename__ = "product_variants"
    __table_args__ = (UniqueConstraint("distributor_id", "sku"),)

    id: Mapped[uuid_pk]
    product_id: Mapped[uuid.UUID] = fk("products.id", nullable=False, ondelete="CASCADE")
    variant_name: Mapped[str] = mapped_column(String(255))
    variant_type: Mapped[VariantType] = mapped_column(pg_enum(VariantType, "variant_type"),
                                                      default=VariantType.SIZE,
                                                      server_default="SIZE")
    sku: Mapped[str] = mapped_column(String(100))
    unit_price: Mapped[money]
    price_difference: Mapped[money]
    stock_quantity: Mapped[int | None] = mapped_column(Integer)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    ai_aliases: Mapped[jsonb_list]
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class ProductBundle(TenantScoped, Base):
    """A sellable set of products or variants with quantities."""

    __tablename__ = "product_bundles"
    __table_args__ = (UniqueConstraint("distributor_id", "sku"),)

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(500))
    sku: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    unit_price: Mapped[money]
    aliases: Mapped[jsonb_list]
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class ProductBundleItem(TenantScoped, Base):
    """One product (or variant) in a bundle, with its quantity."""

    __tablename__ = "product_bundle_items"

    id: Mapped[uuid_pk]
    bundle_id: Mapped[uuid.UUID] = fk("product_bundles.id", nullable=False, ondelete="CASCADE")
    product_id: Mapped[uuid.UUID] = fk("products.id", nullable=False, ondelete="CASCADE")
    variant_id: Mapped[uuid.UUID | None] = fk("product_variants.id", ondelete="CASCADE")
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), default=Decimal(1))
    created_at: Mapped[created_ts]
