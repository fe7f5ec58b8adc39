"""What every AI call did, cost and was worth: responses, usage, errors, training data."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_dict,
    pg_enum,
    score,
    uuid_pk,
)
from db.models.enums import AgentType, HumanFeedback, TrainingDataSource


class AIResponse(TenantScoped, Base):
    """One AI decision (rules or LLM) about a message, with its cost and confidence."""

    __tablename__ = "ai_responses"
    __table_args__ = (Index(None, "distributor_id", "created_at"),)

    id: Mapped[uuid_pk]
    message_id: Mapped[uuid.UUID | None] = fk("messages.id", ondelete="CASCADE")
    agent_type: Mapped[AgentType] = mapped_column(pg_enum(AgentType, "agent_type"))
    agent_version: Mapped[str | None] = mapped_column(String(32))
    response_content: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[score]
    processing_time: Mapped[int | None] = mapped_column(Integer)  # milliseconds
    extracted_data: Mapped[jsonb_dict]
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    model_used: Mapped[str | None] = mapped_column(String(100))
    prompt_version: Mapped[str | None] = mapped_column(String(100))
    # added: cost per call (the usage metrics and budget are sums of it)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(0),
                                              server_default="0")
    human_feedback: Mapped[HumanFeedback | None] = mapped_column(
        pg_enum(HumanFeedback, "human_feedback"))
    human_feedback_notes: Mapped[str | None] = mapped_column(Text)
    was_used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[created_ts]


class AIUsageMetric(TenantScoped, Base):
    """AI usage of one distributor in one hour."""

    __tablename__ = "ai_usage_metrics"
    __table_args__ = (UniqueConstraint("distributor_id", "period_start"),)

    id: Mapped[uuid_pk]
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    requests_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(0),
                                              server_default="0")
    avg_confidence: Mapped[score]
    successful_requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failed_requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    avg_response_time: Mapped[int | None] = mapped_column(Integer)
    peak_concurrent_requests: Mapped[int] = mapped_column(Integer, default=0,
                                                          server_default="0")
    created_at: Mapped[created_ts]


class AIError(TenantScoped, Base):
    """A failed AI call (after retries), kept so failures are visible and countable."""

    __tablename__ = "ai_errors"
    __table_args__ = (Index(None, "distributor_id", "created_at"),)

    id: Mapped[uuid_pk]
    message_id: Mapped[uuid.UUID | None] = fk("messages.id", ondelete="CASCADE")
    agent_type: Mapped[AgentType] = mapped_column(pg_enum(AgentType, "agent_type"))
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(100))
    error_type: Mapped[str] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    retry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    request_excerpt: Mapped[str | None] = mapped_column(Text)  # redacted
    created_at: Mapped[created_ts]


class AITrainingData(TenantScoped, Base):
    """An example of the right answer, usually from a staff correction."""

    __tablename__ = "ai_training_data"

    id: Mapped[uuid_pk]
    ai_response_id: Mapped[uuid.UUID | None] = fk("ai_responses.id")
    input_text: Mapped[str] = mapped_column(Text)
    input_context: Mapped[jsonb_dict]
    expected_output: Mapped[jsonb_dict]
    expected_confidence: Mapped[score]
    actual_output: Mapped[jsonb_dict]
    actual_confidence: Mapped[score]
    data_source: Mapped[TrainingDataSource] = mapped_column(
        pg_enum(TrainingDataSource, "training_data_source"))
    quality_score: Mapped[int | None] = mapped_column(Integer)
    used_in_training: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=text("false"))
    training_batch: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_ts]
