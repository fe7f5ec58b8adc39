"""Request and response bodies of the distributor API (pydantic; also the OpenAPI schemas).

Money is a decimal string ("27.50"), never a float; ids are UUIDs; times are RFC 3339 UTC.
Request models forbid unknown fields so a typo is a 400, not silently ignored.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from db.models.enums import (
    Channel,
    ConversationStatus,
    DeliveryStatus,
    HumanFeedback,
    MatchingMethod,
    MessageStatus,
    MessageType,
    OrderStatus,
    WebhookAuthType,
)
from mailroom.events import EventType

Limit = Annotated[int, Field(ge=1, le=100)]


class In(BaseModel):
    """Base of request bodies and query strings: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Error(BaseModel):
    """Every error answer."""

    error: str
    message: str


# --- conversations ------------------------------------------------------------------------

class ConversationQuery(In):
    channel: Channel | None = None
    status: ConversationStatus | None = None
    q: str | None = Field(default=None, max_length=200, description="customer name, phone, "
                          "email or message text contains")
    unread: bool | None = Field(default=None, description="only threads with unread messages")
    handoff: bool | None = Field(default=None, description="only threads staff have")
    review: bool | None = Field(default=None, description="only threads with an order that "
                                "needs review")
    open_session: bool | None = Field(default=None, description="only threads with an order "
                                      "session still open")
    cursor: str | None = Field(default=None, max_length=300)
    limit: Limit = 50


class CustomerOut(BaseModel):
    id: uuid.UUID
    business_name: str | None
    contact_person_name: str | None
    phone: str | None
    email: str | None
    language: str | None


class MessagePreview(BaseModel):
    id: uuid.UUID
    text: str
    is_from_customer: bool
    created_at: datetime


class ConversationOut(BaseModel):
    id: uuid.UUID
    channel: Channel
    status: ConversationStatus
    customer: CustomerOut
    unread_count: int
    message_count: int
    last_message_at: datetime | None
    last_message: MessagePreview | None
    handoff_active: bool
    handoff_reason: str | None


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class MessageQuery(In):
    before: int | None = Field(default=None, ge=0, le=2**31 - 1,
                               description="thread positions below this")
    limit: Limit = 100


class MessageOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    thread_position: int
    is_from_customer: bool
    content: str
    message_type: MessageType
    status: MessageStatus
    sent_by: str | None
    created_at: datetime
    read_at: datetime | None
    attachments: list[dict[str, Any]]
    order_session_id: uuid.UUID | None
    ai_extracted_intent: str | None
    ai_confidence: float | None
    ai_extracted_products: list[dict[str, Any]]
    ai_suggested_responses: list[dict[str, Any]]


class MessagePage(BaseModel):
    items: list[MessageOut] = Field(description="oldest first")
    next_before: int | None = Field(description="pass as `before` for older messages")


class ReadOut(BaseModel):
    conversation_id: uuid.UUID
    unread_count: int
    marked: int


class ProductRef(BaseModel):
    sku: str
    name: str
    unit_price: Decimal | None
    unit: str
    in_stock: bool


class SuggestionOut(BaseModel):
    id: uuid.UUID = Field(description="the ai_responses id; send it back as suggestion_id")
    kind: Literal["ANSWER", "CLARIFY", "SUMMARY", "ACKNOWLEDGE"]
    text: str
    prompt_version: str
    confidence: float | None
    products: list[ProductRef] = Field(description="every catalog item the text names")


class SuggestionsOut(BaseModel):
    conversation_id: uuid.UUID
    message_id: uuid.UUID | None = Field(description="the customer message answered")
    suggestions: list[SuggestionOut] = Field(max_length=3)


class StaffMessageIn(In):
    text: str = Field(min_length=1, max_length=4096)
    suggestion_id: uuid.UUID | None = None


class StaffMessageOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    status: MessageStatus
    thread_position: int
    sent_by: str
    suggestion_used: bool


class HandbackOut(BaseModel):
    conversation_id: uuid.UUID
    handoff_active: bool
    ended: bool = Field(description="false when no handoff was active")


# --- orders ---------------------------------------------------------------------------------

class OrderQuery(In):
    status: OrderStatus | None = None
    requires_review: bool | None = None
    customer_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    cursor: str | None = Field(default=None, max_length=300)
    limit: Limit = 50


class OrderOut(BaseModel):
    id: uuid.UUID
    status: OrderStatus
    requires_review: bool
    customer: CustomerOut
    conversation_id: uuid.UUID | None
    channel: Channel | None
    total_amount: Decimal
    currency: str
    ai_generated: bool
    ai_confidence: float | None
    line_count: int
    created_at: datetime
    reviewed_at: datetime | None


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None


class Alternative(BaseModel):
    sku: str
    name: str
    confidence: float | None


class OrderLineOut(BaseModel):
    id: uuid.UUID
    line_order: int
    product_name: str
    sku: str | None
    quantity: Decimal
    product_unit: str | None
    unit_price: Decimal | None
    line_price: Decimal | None
    matched_product_id: uuid.UUID | None
    matched_variant_id: uuid.UUID | None
    matching_confidence: float | None
    matching_method: MatchingMethod | None
    manual_override: bool
    needs_review: bool
    ai_original_text: str | None
    alternatives: list[Alternative]


class OrderDetail(OrderOut):
    confidence_threshold: float
    lines: list[OrderLineOut]
    additional_comment: str | None


class UpdateLine(In):
    op: Literal["update"]
    line_id: uuid.UUID
    sku: str | None = Field(default=None, min_length=1, max_length=100,
                            description="the right catalog item (teaches the matcher)")
    quantity: float | None = Field(default=None, ge=0.001, le=10000)


class RemoveLine(In):
    op: Literal["remove"]
    line_id: uuid.UUID


class AddLine(In):
    op: Literal["add"]
    sku: str = Field(min_length=1, max_length=100)
    quantity: float = Field(ge=0.001, le=10000)


Change = Annotated[UpdateLine | RemoveLine | AddLine, Field(discriminator="op")]


class ReviewIn(In):
    changes: list[Change] = Field(default_factory=list, max_length=200)
    approve: bool = Field(default=True, description="confirm the order after the changes")
    notes: str | None = Field(default=None, max_length=2000)


class ReviewOut(BaseModel):
    order: OrderDetail
    learned_aliases: list[str] = Field(description="customer wordings now catalog aliases")


# --- catalog --------------------------------------------------------------------------------

class CatalogOut(BaseModel):
    catalog_version: int
    changes: dict[str, int]
    active_products: int


class ProductQuery(In):
    q: str | None = Field(default=None, min_length=1, max_length=200)
    include_inactive: bool = False
    limit: Limit = 50
    cursor: str | None = Field(default=None, max_length=300)


class VariantOut(BaseModel):
    id: uuid.UUID
    sku: str
    variant_name: str
    unit_price: Decimal | None
    active: bool
    ai_aliases: list[str]


class ProductOut(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    brand: str | None
    category: str | None
    unit: str
    unit_price: Decimal | None
    in_stock: bool
    stock_quantity: int | None
    active: bool
    aliases: list[str]
    variants: list[VariantOut]
    score: float | None = Field(description="search relevance (0..1) when `q` is given")


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None


# --- AI ---------------------------------------------------------------------------------------

class UsageQuery(In):
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    period: Literal["hour", "day", "month"] = "day"


class UsagePeriod(BaseModel):
    start: datetime
    requests: int
    successful: int
    failed: int
    tokens: int
    cost_usd: Decimal
    avg_confidence: float | None
    avg_response_time_ms: int | None


class UsageOut(BaseModel):
    from_: datetime = Field(alias="from")
    to: datetime
    period: str
    monthly_budget_usd: Decimal | None
    totals: UsagePeriod
    periods: list[UsagePeriod]

    model_config = ConfigDict(populate_by_name=True)


class FeedbackIn(In):
    feedback: HumanFeedback
    notes: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    id: uuid.UUID
    agent_type: str
    human_feedback: HumanFeedback
    human_feedback_notes: str | None
    was_used: bool


# --- webhook endpoints ----------------------------------------------------------------------

class EndpointIn(In):
    name: str = Field(min_length=1, max_length=255)
    url: str = Field(max_length=2048, pattern=r"^https?://[^\s/?#]+[^\s]*$")
    events: list[EventType] = Field(min_length=1, max_length=len(EventType))
    auth_type: WebhookAuthType = WebhookAuthType.HMAC_SHA256
    auth_value: str | None = Field(
        default=None, min_length=16, max_length=512,
        description="HMAC secret (generated when omitted), bearer token or API key")
    retry_attempts: int = Field(default=5, ge=0, le=10)
    retry_delay_seconds: int = Field(default=30, ge=1, le=3600)
    timeout_seconds: int = Field(default=10, ge=1, le=30)
    active: bool = True


class EndpointOut(BaseModel):
    id: uuid.UUID
    name: str
    url: str
    events: list[str]
    auth_type: WebhookAuthType
    active: bool
    retry_attempts: int
    retry_delay_seconds: int
    timeout_seconds: int
    total_deliveries: int
    successful_deliveries: int
    failed_deliveries: int
    last_triggered_at: datetime | None
    created_at: datetime


class EndpointCreated(EndpointOut):
    secret: str | None = Field(description="the signing secret, shown only once")


class EndpointList(BaseModel):
    items: list[EndpointOut]


class DeliveryQuery(In):
    limit: Limit = 50


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempt_number: int
    scheduled_at: datetime | None
    attempted_at: datetime | None
    completed_at: datetime | None
    response_status_code: int | None
    error_message: str | None


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
