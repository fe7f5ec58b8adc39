"""Declarative base, reusable column types and the enum helper shared by every model."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, Numeric, String, Text, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

uuid_pk = Annotated[
    uuid.UUID,
    mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4,
                  server_default=func.gen_random_uuid()),
]
created_ts = Annotated[
    datetime, mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
]
# ORM-side onupdate plus a database trigger (see the initial migration), so raw SQL
# updates keep updated_at current too.
updated_ts = Annotated[
    datetime,
    mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now(),
                  nullable=False),
]
tstz = Annotated[datetime | None, mapped_column(DateTime(timezone=True))]
money = Annotated[Decimal | None, mapped_column(Numeric(12, 4))]
score = Annotated[Decimal | None, mapped_column(Numeric(5, 4))]
jsonb_list = Annotated[list[Any], mapped_column(JSONB().with_variant(JSON(), "sqlite"),
                                                server_default="[]", nullable=False)]
jsonb_dict = Annotated[dict[str, Any], mapped_column(JSONB().with_variant(JSON(), "sqlite"),
                                                     server_default="{}", nullable=False)]
str255 = Annotated[str, mapped_column(String(255))]
text = Annotated[str, mapped_column(Text)]


def pg_enum(enum_cls: type[enum.Enum], name: str) -> SAEnum:
    """A named PostgreSQL enum whose labels are the Python enum's values."""
    return SAEnum(enum_cls, name=name, values_callable=lambda cls: [m.value for m in cls],
                  validate_strings=True)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations have stable names."""

    metadata = MetaData(naming_convention=NAMING)


class TenantScoped:
    """Mixin for every row that belongs to one distributor.

    The tenant filter in `db/tenant.py` adds `distributor_id = :current` to every ORM
    query on these classes; that is the one place tenant isolation is enforced.
    """

    # False where a unique or composite index already leads with distributor_id: a
    # second index on the same column only costs writes on the hottest tables
    tenant_index: bool = True

    @declared_attr
    def distributor_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            UUID(as_uuid=True), ForeignKey("distributors.id", ondelete="CASCADE"),
            nullable=False, index=cls.tenant_index,
        )


def fk(target: str, *, nullable: bool = True, ondelete: str | None = "SET NULL",
       use_alter: bool = False, **kw: Any) -> Any:
    """A UUID foreign key column, indexed (every foreign key is indexed).

    `use_alter` breaks the cycles between messages, sessions and orders.
    """
    kw.setdefault("index", True)
    return mapped_column(
        UUID(as_uuid=True), ForeignKey(target, ondelete=ondelete, use_alter=use_alter),
        nullable=nullable, **kw,
    )
