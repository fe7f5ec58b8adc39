"""A distributor with every channel wired to local fakes, and signed requests for the app.

Shared by the webhook, consent, outbox and fuzz tests: the integrations point their
`api_base_url` / `smtp_host` at the fake provider servers of `tests/fakes`, and the
credentials are the samples' fake secrets, so requests signed by `samples` verify.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from channels.retry import RetryPolicy
from channels.sender import SenderOptions
from core.distributor_file import parse_distributor_json
from db.crypto import Keyring
from db.engine import Database
from db.loader import load_distributor
from db.models import Conversation, Customer, Message
from db.tenant import ALL
from orderagent.bootstrap import DEMO_FILE
from tests.channels.samples import (
    EMAIL_SECRET,
    MAILGUN_KEY,
    META_PHONE_NUMBER_ID,
    META_SECRET,
    TWILIO_ACCOUNT,
    TWILIO_TOKEN,
    meta_request,
    twilio_signature,
)
from tests.conftest import TEST_MASTER_KEY

SMS_NUMBER = "+14155550100"  # the distributor's Twilio SMS number
WA_NUMBER = "+14155238886"  # its WhatsApp number through Twilio
CUSTOMER = "+14155550199"
WA_CUSTOMER = "+16505551234"
EMAIL_ADDRESS = "support@support.example.com"
VERIFY_TOKEN = "meta-verify-token-for-tests"
META_TOKEN = "EAAG-fake-access-token"
PUBLIC_URL = "http://testserver"
KEYRING = Keyring(TEST_MASTER_KEY.encode())
# the sender with test-sized delays: retries in milliseconds, three claims at most
OPTIONS = SenderOptions(public_url=PUBLIC_URL,
                        policy=RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.02,
                                           max_retry_after_s=1.0),
                        max_attempts=3, retry_base_s=0.05, retry_max_s=0.1)


def basic_auth(secret: str = EMAIL_SECRET) -> dict[str, str]:
    """Basic auth carrying an email integration's webhook secret."""
    return {"Authorization": "Basic " + base64.b64encode(f"hook:{secret}".encode()).decode()}


def integrations(*, twilio_base: str = "http://127.0.0.1:9", graph_base: str =
                 "http://127.0.0.1:9", smtp_port: int = 9,
                 meta_config: dict[str, Any] | None = None,
                 twilio_config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every provider, pointed at local fakes (port 9 refuses: nothing runs there)."""
    twilio = {"account_sid": TWILIO_ACCOUNT, "api_base_url": twilio_base, **(twilio_config or {})}
    smtp = {"address": EMAIL_ADDRESS, "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
            "from_name": "Acme Foods"}
    return [
        {"provider": "twilio", "config": {**twilio, "phone_number": SMS_NUMBER},
         "credentials": {"auth_token": TWILIO_TOKEN}},
        {"provider": "twilio", "config": {**twilio, "phone_number": WA_NUMBER},
         "credentials": {"auth_token": TWILIO_TOKEN}},
        {"provider": "meta_whatsapp",
         "config": {"phone_number_id": META_PHONE_NUMBER_ID, "api_base_url": graph_base,
                    **(meta_config or {})},
         "credentials": {"app_secret": META_SECRET, "verify_token": VERIFY_TOKEN,
                         "access_token": META_TOKEN}},
        {"provider": "postmark", "config": smtp, "credentials": {"webhook_secret": EMAIL_SECRET}},
        {"provider": "sendgrid", "config": smtp, "credentials": {"webhook_secret": EMAIL_SECRET}},
        {"provider": "mailgun", "config": smtp, "credentials": {"signing_key": MAILGUN_KEY}},
    ]


async def load(database: Database, *, slug: str = "acme", demo_catalog: bool = False,
               integration_list: list[dict[str, Any]] | None = None) -> uuid.UUID:
    """Load a distributor with these integrations; returns its id."""
    if demo_catalog:
        data = json.loads(DEMO_FILE.read_text())
        data["distributor"]["slug"] = slug
    else:
        data = {"distributor": {"slug": slug, "business_name": "Acme Foods",
                                "contact_phone": "+15550001111"}, "products": []}
    data["integrations"] = integrations() if integration_list is None else integration_list
    async with database.transaction(tenant=ALL) as session:
        result = await load_distributor(session, parse_distributor_json(json.dumps(data)),
                                        Keyring(TEST_MASTER_KEY.encode()))
    return result.distributor_id


def twilio_params(body: str = "2 cases of whole milk", *, sid: str | None = None,
                  sender: str = CUSTOMER, to: str = SMS_NUMBER,
                  **extra: str) -> list[tuple[str, str]]:
    """An inbound SMS (or `whatsapp:` addressed message) as Twilio posts it."""
    sid = sid or f"SM{uuid.uuid4().hex}"
    return [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"),
            ("SmsSid", sid), ("SmsStatus", "received"), ("Body", body), ("To", to),
            ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", TWILIO_ACCOUNT),
            ("From", sender), ("ApiVersion", "2010-04-01"), *extra.items()]


def twilio_post(path: str, params: list[tuple[str, str]], *, token: str = TWILIO_TOKEN,
                signature: str | None = None) -> dict[str, Any]:
    """aiohttp client kwargs for a Twilio POST signed for `PUBLIC_URL + path`."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    sig = twilio_signature(PUBLIC_URL + path, params, token) if signature is None else signature
    if sig:
        headers["X-Twilio-Signature"] = sig
    return {"data": urlencode(params).encode(), "headers": headers}


def status_params(sid: str, status: str, *, error_code: str | None = None,
                  sender: str = SMS_NUMBER, to: str = CUSTOMER) -> list[tuple[str, str]]:
    """A Twilio delivery status callback for our message `sid`."""
    params = [("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status), ("To", to),
              ("MessageSid", sid), ("AccountSid", TWILIO_ACCOUNT), ("From", sender),
              ("ApiVersion", "2010-04-01")]
    return params + ([("ErrorCode", error_code)] if error_code else [])


def meta_post(event: dict[str, Any], secret: str = META_SECRET) -> dict[str, Any]:
    """aiohttp client kwargs for a signed Meta POST."""
    headers, body = meta_request(event, secret)
    return {"data": body, "headers": headers}


def mailgun_now() -> tuple[str, str]:
    """A fresh (timestamp, token) pair inside Mailgun's replay window."""
    return str(int(time.time())), uuid.uuid4().hex + uuid.uuid4().hex[:18]


async def rows(database: Database, distributor_id: uuid.UUID, model: Any,
               *where: Any) -> list[Any]:
    """Every row of `model` for this distributor (oldest first where it has created_at)."""
    async with database.transaction(tenant=distributor_id) as session:
        stmt = select(model).where(*where)
        if hasattr(model, "created_at"):
            stmt = stmt.order_by(model.created_at)
        return list((await session.execute(stmt)).scalars())


async def inbound(database: Database, distributor_id: uuid.UUID) -> list[Message]:
    """The customer messages stored for a distributor."""
    return await rows(database, distributor_id, Message, Message.is_from_customer)


async def outbound(database: Database, distributor_id: uuid.UUID) -> list[Message]:
    """The outbox (and sent messages) of a distributor, in thread order."""
    found = await rows(database, distributor_id, Message, Message.is_from_customer.is_(False))
    return sorted(found, key=lambda m: (m.thread_position, m.created_at))


async def customer(database: Database, distributor_id: uuid.UUID, phone: str) -> Customer:
    """The customer with this phone."""
    return (await rows(database, distributor_id, Customer, Customer.phone == phone))[0]


async def conversation(database: Database, distributor_id: uuid.UUID,
                       channel: str) -> Conversation:
    """The single conversation on a channel."""
    return (await rows(database, distributor_id, Conversation,
                       Conversation.channel == channel))[0]
