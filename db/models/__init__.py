"""Every table of the data model (`shared/specs/order-platform-data-model.md`)."""

from db.models.ai import AIError, AIResponse, AITrainingData, AIUsageMetric
from db.models.apikeys import ApiKey
from db.models.base import Base, TenantScoped
from db.models.catalog import (
    Product,
    ProductBundle,
    ProductBundleItem,
    ProductCategory,
    ProductVariant,
)
from db.models.customers import Customer, CustomerLabel, CustomerLabelAssignment
from db.models.enums import *  # noqa: F403
from db.models.integrations import ExternalIntegration, WebhookDelivery, WebhookEndpoint
from db.models.messaging import Conversation, ExternalMessageMapping, Message
from db.models.orders import Order, OrderAttachment, OrderProduct
from db.models.security import DataAccessAudit, EncryptionKey, PIIDetectionResult
from db.models.sessions import ConversationOrderSession, OrderSessionEvent, OrderSessionItem
from db.models.tenancy import Distributor, UserInvitation, UserProfile, UserSession

__all__ = [
    "AIError", "AIResponse", "AITrainingData", "AIUsageMetric", "ApiKey", "Base", "Conversation",
    "ConversationOrderSession", "Customer", "CustomerLabel", "CustomerLabelAssignment",
    "DataAccessAudit", "Distributor", "EncryptionKey", "ExternalIntegration",
    "ExternalMessageMapping", "Message", "Order", "OrderAttachment", "OrderProduct",
    "OrderSessionEvent", "OrderSessionItem", "PIIDetectionResult", "Product", "ProductBundle",
    "ProductBundleItem", "ProductCategory", "ProductVariant", "TenantScoped", "UserInvitation",
    "UserProfile", "UserSession", "WebhookDelivery", "WebhookEndpoint",
]
