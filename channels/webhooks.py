"""The provider webhook routes: one generic route over the adapter registry.

Every provider's request takes the same steps: read the raw body once; refuse at once a
request carrying no signature or secret at all; parse it (400 if it is not the provider's
shape); find the integration that owns each number or address it names (404 if none; a
cached lookup, see `channels.owners`); check the signature with that integration's
credentials (the adapter's refusal status, fail closed); then store every message,
consent change and status of the request in a transaction scoped to that distributor,
and answer the provider's acknowledgement once it committed. Concurrent requests for
one distributor share that transaction (`db/group_commit.py`): one commit for many
webhooks under load, each all or nothing. A retried delivery stores nothing new and is
acknowledged again. No matching and no LLM call happen here: workers pick the stored
messages up.

Provider knowledge lives in the adapters (`channels.base.ChannelAdapter`): what carries
the signature, which key finds the distributor (`recipient` of each message and status),
the acknowledgement body, the refusal status (Postmark: 401, since it stops retrying on
403). A batched provider (Meta: one POST for several numbers) must first be signed by
one of our apps before any number in it is looked up; numbers we do not serve are
skipped (404 only if none is ours) and a message we cannot store is skipped, where a
single-message request would be refused with 400.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from channels import get_adapter, registry
from channels._sanitize import clean_message, clean_status, unstorable
from channels.base import ChannelAdapter, ChannelNotConfigured, MalformedWebhook
from channels.consent import apply_consent, consent_action, mark_handled
from channels.meta import verify_handshake
from channels.owners import Owner, OwnerCache
from channels.statuses import apply_status
from core import logs
from core.errors import Forbidden, NotFound
from core.messages import Channel, InboundMessage, StatusUpdate
from core.metrics import STORE_SECONDS, timed
from db.appkeys import DATABASE, KEYRING, SETTINGS
from db.group_commit import GroupCommit
from db.models import Conversation, ExternalMessageMapping
from mailroom.inbox import StoredMessage, store_inbound_many

log = logging.getLogger(__name__)

OWNERS = web.AppKey("webhook_owners", OwnerCache)
STORE = web.AppKey("webhook_store", GroupCommit)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Hinted = tuple[StatusUpdate, uuid.UUID | None]  # a status and our message id, if it had it


def setup(app: web.Application) -> None:
    """Register the webhook routes (after `create_app` set the database and keyring)."""
    app[OWNERS] = OwnerCache(app[DATABASE], app[KEYRING])
    app[STORE] = GroupCommit(app[DATABASE], _write)
    app.on_shutdown.append(_finish_writes)
    app.router.add_post("/webhooks/twilio", _for("twilio"))
    app.router.add_post("/webhooks/twilio/status", _for("twilio"))
    app.router.add_get("/webhooks/whatsapp", whatsapp_handshake)
    app.router.add_post("/webhooks/whatsapp", _for("meta_whatsapp"))
    app.router.add_post("/webhooks/email/{provider}", email_webhook)


async def _finish_writes(app: web.Application) -> None:
    await app[STORE].close()


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def _after_store(session: AsyncSession, owner: Owner, msg: InboundMessage,
                       stored: StoredMessage) -> None:
    """Consent, auto-replies, the email subject and Mailgun's one-time token."""
    action = consent_action(msg, owner.config)
    if action is not None:
        await apply_consent(session, owner.distributor_id, stored, msg, action)
    if msg.channel is not Channel.EMAIL:
        return
    if msg.metadata.get("auto_submitted"):
        # RFC 3834: never answer an auto-reply (it would loop); staff still see it
        await mark_handled(session, stored.message_id, "AUTO_SUBMITTED")
    if subject := str(msg.metadata.get("subject") or "")[:500]:
        await session.execute(update(Conversation).where(
            Conversation.id == stored.conversation_id, Conversation.subject.is_(None))
            .values(subject=subject))
    token = msg.metadata.get("signature_token")
    if isinstance(token, str) and token:
        # Mailgun signs only timestamp + token: a token seen before with another message
        # is a replayed signature over a forged body
        taken = (await session.execute(insert(ExternalMessageMapping).values(
            distributor_id=owner.distributor_id, provider=f"{owner.provider}-token",
            external_id=token[:255], message_id=stored.message_id,
            integration_id=owner.integration_id,
        ).on_conflict_do_nothing(index_elements=["distributor_id", "provider", "external_id"])
            .returning(ExternalMessageMapping.id))).scalar_one_or_none()
        if taken is None:
            raise Forbidden(f"{owner.provider} signature token already used")


@dataclass(frozen=True, slots=True)
class _Items:
    """What one request carried for one distributor."""

    messages: Sequence[tuple[Owner, InboundMessage]]
    statuses: Sequence[Hinted]


async def _write(session: AsyncSession, distributor_id: uuid.UUID,
                 requests: Sequence[_Items]) -> None:
    """Store a batch of requests' messages and statuses in one open transaction."""
    # by customer, then the provider's timestamp: a batch is not guaranteed in order, and
    # concurrent batches then take their row locks in the same order
    messages = sorted((rm for r in requests for rm in r.messages),
                      key=lambda rm: (rm[1].sender, rm[1].received_at or _EPOCH))
    stored = await store_inbound_many(session, distributor_id,
                                      [(msg, owner.integration_id) for owner, msg in messages])
    for (owner, msg), where in zip(messages, stored, strict=True):
        if where is not None:
            await _after_store(session, owner, msg, where)
    for request in requests:
        for status, hint in request.statuses:
            await apply_status(session, status, hint)
    log.debug("webhooks for distributor %s: %d new of %d messages, %d requests",
              distributor_id, len(stored) - stored.count(None), len(messages), len(requests))


async def _store(request: web.Request, distributor_id: uuid.UUID,
                 messages: Sequence[tuple[Owner, InboundMessage]],
                 statuses: Sequence[Hinted]) -> None:
    """Store a request's messages and statuses for one distributor, all or nothing; they
    may share a transaction with other requests' (`db/group_commit.py`)."""
    if messages or statuses:
        with timed(STORE_SECONDS):
            await request.app[STORE].submit(distributor_id, _Items(messages, statuses))


def _refusal(adapter: ChannelAdapter, why: str) -> web.HTTPException | Forbidden:
    if adapter.refusal_status == 401:
        return web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="orderagent"'})
    return Forbidden(f"{adapter.name}: {why}")


def _verified(request: web.Request, adapter: ChannelAdapter, owner: Owner, body: bytes) -> bool:
    """The provider's signature check, against the URL exactly as the provider called it."""
    url = request.app[SETTINGS].public_url.rstrip("/") + request.raw_path
    return adapter.verify(url=url, headers=request.headers, body=body,
                          credentials=owner.credentials)


async def _signed_by_any(request: web.Request, adapter: ChannelAdapter, body: bytes) -> bool:
    """True when one of our integrations of this provider signed the request (each secret
    tried once: many distributors may share one Meta app)."""
    owners = await request.app[OWNERS].all_of(adapter.name)
    if not owners:
        raise NotFound(f"no {adapter.name} integration")
    tried: set[str] = set()
    for owner in owners:
        key = repr(sorted(owner.credentials.items()))
        if key in tried:
            continue
        tried.add(key)
        try:
            if _verified(request, adapter, owner, body):
                return True
        except ChannelNotConfigured:
            continue
    return False


def _for(provider: str):
    async def handler(request: web.Request) -> web.Response:
        return await receive(request, get_adapter(provider))
    return handler


async def email_webhook(request: web.Request) -> web.Response:
    """Inbound email from any email provider with a webhook (SendGrid, Mailgun, Postmark)."""
    adapter = registry().get(request.match_info["provider"])
    if adapter is None or not adapter.inbound or Channel.EMAIL not in adapter.sends_on:
        raise NotFound("unknown email provider")
    return await receive(request, adapter)


async def receive(request: web.Request, adapter: ChannelAdapter) -> web.Response:
    """The generic webhook: signature present, parse, owners, verify, store, acknowledge."""
    body = await request.read()
    if not adapter.carries_signature(request.headers, request.query):
        raise _refusal(adapter, "signature or secret missing")  # before parsing anything
    parsed = adapter.parse(headers=request.headers, body=body, query=request.query)
    if not adapter.batched and not (parsed.messages or parsed.statuses):
        raise MalformedWebhook("nothing in the request")
    # a batched POST names many numbers: signed by one of our apps before any is looked up,
    # so a forged POST naming thousands of numbers costs nothing
    if adapter.batched and not await _signed_by_any(request, adapter, body):
        raise _refusal(adapter, "wrong signature")
    keys = {m.recipient for m in parsed.messages} | \
        {s.recipient for s in parsed.statuses if s.recipient}
    owners: dict[str, Owner] = {}
    for key in sorted(keys):
        if (owner := await request.app[OWNERS].get(adapter.name, key)) is not None:
            owners[key] = owner
    if not owners:
        if keys:
            raise NotFound(f"no {adapter.name} integration serves this number or address")
        return _ack(adapter)  # nothing to store (account or template updates)
    # one app signs the whole request; every number in it must accept that signature
    if not all(_verified(request, adapter, o, body) for o in owners.values()):
        raise _refusal(adapter, "wrong signature")
    by_tenant: dict[uuid.UUID, tuple[list[tuple[Owner, InboundMessage]], list[Hinted]]] = {}
    for msg in parsed.messages:
        owner = owners.get(msg.recipient)
        problem = unstorable(msg)
        if problem and not adapter.batched:
            raise MalformedWebhook(problem)
        if owner is None or problem:
            log.info("%s message %s skipped: %s", adapter.name, msg.external_id[:80],
                     "number not ours" if owner is None else problem)
            continue
        by_tenant.setdefault(owner.distributor_id, ([], []))[0].append(
            (owner, logs.stamp_request(clean_message(msg))))
    for status in parsed.statuses:
        owner = owners.get(status.recipient or "")
        if owner is not None:
            by_tenant.setdefault(owner.distributor_id, ([], []))[1].append(
                (clean_status(status), _uuid(status.message_hint)))
    for distributor_id, (messages, statuses) in by_tenant.items():
        logs.bind(distributor_id=distributor_id)
        await _store(request, distributor_id, messages, statuses)
    return _ack(adapter)


def _ack(adapter: ChannelAdapter) -> web.Response:
    ack = adapter.acknowledgement
    return web.Response(text=ack.body, content_type=ack.content_type)


async def whatsapp_handshake(request: web.Request) -> web.Response:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token is ours."""
    owners = await request.app[OWNERS].all_of("meta_whatsapp")
    if not owners:
        raise NotFound("no meta_whatsapp integration")
    for owner in owners:
        try:
            challenge = verify_handshake(request.query, owner.credentials.get("verify_token"))
        except ChannelNotConfigured:
            continue
        if challenge is not None:
            return web.Response(text=challenge)
    raise Forbidden("verify token does not match")
