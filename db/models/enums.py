"""Every enumerated column of the data model, as Python `StrEnum`s stored as PG enums."""

from __future__ import annotations

from enum import StrEnum

from core.messages import Channel  # noqa: F401  (re-exported: the `channel` enum)


class SubscriptionTier(StrEnum):
    FREE = "FREE"
    BASIC = "BASIC"
    PREMIUM = "PREMIUM"
    ENTERPRISE = "ENTERPRISE"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CANCELLED = "CANCELLED"


class DistributorStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    PENDING_SETUP = "PENDING_SETUP"


class UserRole(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    OPERATOR = "OPERATOR"


class UserStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    SUSPENDED = "SUSPENDED"
    PENDING = "PENDING"


class InvitationStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class CustomerStatus(StrEnum):
    ORDERING = "ORDERING"
    AT_RISK = "AT_RISK"
    STOPPED_ORDERING = "STOPPED_ORDERING"
    NO_ORDERS_YET = "NO_ORDERS_YET"


class CustomerInvitationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PENDING = "PENDING"


class ConversationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


class MessageType(StrEnum):
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    AUDIO = "AUDIO"
    FILE = "FILE"
    ORDER_CONTEXT = "ORDER_CONTEXT"


class MessageStatus(StrEnum):
    """Delivery status. RECEIVED, QUEUED and FAILED are added to the seed's three:
    inbound messages need a status, and the outbox needs "not sent yet" and "gave up"."""

    RECEIVED = "RECEIVED"
    QUEUED = "QUEUED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"


class OrderStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    PENDING = "PENDING"
    REVIEW = "REVIEW"
    # added (0004): staff rejected the order in review, or cancelled it later
    CANCELLED = "CANCELLED"


class MatchingMethod(StrEnum):
    EXACT_MATCH = "EXACT_MATCH"
    FUZZY_MATCH = "FUZZY_MATCH"
    AI_MATCH = "AI_MATCH"
    MANUAL_OVERRIDE = "MANUAL_OVERRIDE"


class SessionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    COLLECTING = "COLLECTING"
    REVIEWING = "REVIEWING"
    CLOSED = "CLOSED"


class SessionOutcome(StrEnum):
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"
    TIMEOUT = "TIMEOUT"
    ABANDONED = "ABANDONED"


class SessionItemStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    REMOVED = "REMOVED"


class SessionEventType(StrEnum):
    SESSION_STARTED = "SESSION_STARTED"
    SESSION_CLOSED = "SESSION_CLOSED"
    STATUS_CHANGED = "STATUS_CHANGED"
    ITEM_ADDED = "ITEM_ADDED"
    ITEM_REMOVED = "ITEM_REMOVED"
    ITEM_MODIFIED = "ITEM_MODIFIED"
    REVIEW_REQUESTED = "REVIEW_REQUESTED"
    ORDER_CONFIRMED = "ORDER_CONFIRMED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    REMINDER_SENT = "REMINDER_SENT"
    TIMEOUT_WARNING = "TIMEOUT_WARNING"
    AI_PROCESSING = "AI_PROCESSING"
    # added: human handoff must be stored and visible in the session's history
    HANDOFF_STARTED = "HANDOFF_STARTED"
    HANDOFF_ENDED = "HANDOFF_ENDED"


class VariantType(StrEnum):
    SIZE = "SIZE"
    COLOR = "COLOR"
    VOLUME = "VOLUME"
    WEIGHT = "WEIGHT"
    FLAVOR = "FLAVOR"
    STYLE = "STYLE"


class AgentType(StrEnum):
    ORDER_PROCESSING = "ORDER_PROCESSING"
    CUSTOMER_SUPPORT = "CUSTOMER_SUPPORT"
    MESSAGE_ANALYSIS = "MESSAGE_ANALYSIS"
    CONTEXT_MANAGER = "CONTEXT_MANAGER"
    # added: the matcher's LLM tier and staff reply suggestions are AI responses too
    PRODUCT_MATCHING = "PRODUCT_MATCHING"
    REPLY_SUGGESTION = "REPLY_SUGGESTION"


class HumanFeedback(StrEnum):
    HELPFUL = "HELPFUL"
    PARTIALLY_HELPFUL = "PARTIALLY_HELPFUL"
    NOT_HELPFUL = "NOT_HELPFUL"


class TrainingDataSource(StrEnum):
    MANUAL_ENTRY = "MANUAL_ENTRY"
    CORRECTED_AI_OUTPUT = "CORRECTED_AI_OUTPUT"
    EXPERT_REVIEW = "EXPERT_REVIEW"


class AuditOperation(StrEnum):
    SELECT = "SELECT"
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


class PIIType(StrEnum):
    """The seed's seven, plus the types the detector finds that it lacks."""

    EMAIL = "EMAIL"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"
    SSN = "SSN"
    CREDIT_CARD = "CREDIT_CARD"
    NAME = "NAME"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    IBAN = "IBAN"
    IP_ADDRESS = "IP_ADDRESS"


class PIIAction(StrEnum):
    REDACTED = "REDACTED"
    ENCRYPTED = "ENCRYPTED"
    FLAGGED = "FLAGGED"


class WebhookAuthType(StrEnum):
    NONE = "NONE"
    API_KEY = "API_KEY"
    BEARER_TOKEN = "BEARER_TOKEN"
    HMAC_SHA256 = "HMAC_SHA256"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    RETRYING = "RETRYING"


class IntegrationType(StrEnum):
    MESSAGING = "MESSAGING"
    ECOMMERCE = "ECOMMERCE"
    CRM = "CRM"
    ANALYTICS = "ANALYTICS"
    PAYMENT = "PAYMENT"
    SHIPPING = "SHIPPING"


class IntegrationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    ERROR = "ERROR"
    PENDING_AUTH = "PENDING_AUTH"
