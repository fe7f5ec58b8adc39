"""The provider webhook routes: one generic route over the adapter registry.

Every provider's request takes the same steps: read the raw body once; refuse at once a
request carrying no signature or secret at all; check the signature with the secret of
the integration the request claims, then parse it and route each number it names
(`channels.intake`: a number we do not serve is refused like a bad signature); then
store every message, consent change and status of the request in a transaction scoped
to that distributor, and answer the provider's acknowledgement once it committed.
Concurrent requests for one distributor share that transaction (`db/group_commit.py`):
one commit for many webhooks under load, each all or nothing. A retried delivery stores
nothing new and is acknowledged again. No matching and no LLM call happen here: workers
pick the stored messages up.

When PostgreSQL is down, or the write does not finish within `write_deadline_s`, the
request goes to the local spool (`channels.spool`, fsynced) and is answered 200 all the
same; the drainer (`channels.drain`) stores it once the database is back. Twilio does not
redeliver an inbound SMS after a 5xx: a 503 there is a lost customer message. While the
spool holds anything, new requests queue behind it, so each customer's order is kept.

Provider knowledge lives in the adapters (`channels.base.ChannelAdapter`): what carries
the signature, which key finds the distributor (`recipient` of each message and status),
the acknowledgement body, the refusal status (Postmark: 401, since it stops retrying on
403). A batched provider (Meta: one POST for several numbers) is signed by one of our
apps; numbers in it we do not serve are skipped, and so is a message we cannot store,
where a single-message request would be refused with 400.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from channels import get_adapter, registry
from channels.base import ChannelAdapter, ChannelNotConfigured
from channels.consent import apply_consent, consent_action, mark_handled
from channels.drain import Drainer, claim_spool_path
from channels.intake import TRUNCATED, Intake, Items, refusal, route
from channels.meta import verify_handshake
from channels.owners import Owner, OwnerCache
from channels.spool import Delivery, Spool, spool_key
from channels.statuses import apply_status
from core import logs
from core.errors import Forbidden, NotFound, Unavailable
from core.messages import Channel, InboundMessage
from core.metrics import STORE_SECONDS, timed
from db.appkeys import DATABASE, KEYRING, SETTINGS
from db.group_commit import GroupCommit
from db.models import Conversation, ExternalMessageMapping
from mailroom.inbox import StoredMessage, store_inbound_many

log = logging.getLogger(__name__)

OWNERS = web.AppKey("webhook_owners", OwnerCache)
STORE = web.AppKey("webhook_store", GroupCommit)
INTAKE = web.AppKey("webhook_intake", Intake)
SPOOL = web.AppKey("webhook_spool", Spool)
DRAINER = web.AppKey("webhook_drainer", Drainer)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def setup(app: web.Application) -> None:
    """Register the webhook routes (after `create_app` set the database and keyring)."""
    settings = app[SETTINGS]
    app[OWNERS] = OwnerCache(app[DATABASE], app[KEYRING])
    # up to 16 customers' lines wait for their row locks at once (a drain meets the
    # workers' turns on many conversations); the pool has 20 connections
    app[STORE] = GroupCommit(app[DATABASE], _write, order_key=_customer, max_alone=16)
    app[INTAKE] = Intake(app[OWNERS], max_message_chars=settings.max_message_kb * 1024)
    app.cleanup_ctx.append(_spool_ctx)
    app.on_shutdown.append(_finish_writes)
    app.router.add_post("/webhooks/twilio", _for("twilio"))
    app.router.add_post("/webhooks/twilio/status", _for("twilio"))
    app.router.add_get("/webhooks/whatsapp", whatsapp_handshake)
    app.router.add_post("/webhooks/whatsapp", _for("meta_whatsapp"))
    app.router.add_post("/webhooks/email/{provider}", email_webhook)


async def _spool_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open this process's spool and drain it (what a crashed process left, too)."""
    settings = app[SETTINGS]
    path, lock = await asyncio.to_thread(claim_spool_path, settings.home)
    spool = Spool(path, spool_key(settings.master_key()),
                  max_bytes=settings.spool_max_mb * 1024 * 1024,
                  max_age_s=settings.spool_max_age_s,
                  previous=tuple(map(spool_key, settings.previous_master_keys())))
    await spool.open()
    app[SPOOL] = spool
    app[DRAINER] = Drainer(spool, app[DATABASE], app[INTAKE], lambda items: store(app, items))
    task = asyncio.create_task(app[DRAINER].run())
    if spool.depth:
        log.warning("webhook spool %s holds %d request(s): draining", path.name, spool.depth)
        app[DRAINER].poke()
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await spool.close()
    os.close(lock)
    app[INTAKE].close()


def spool_state(app: web.Application) -> dict[str, float | int | None]:
    """The spool's depth and its oldest entry's age in seconds (health and metrics)."""
    spool = app.get(SPOOL)
    if spool is None:
        return {"depth": 0, "oldest_age_s": None}
    age = spool.oldest_age()
    return {"depth": spool.depth, "oldest_age_s": None if age is None else round(age, 3)}


def spool_full(app: web.Application) -> bool:
    """True when the spool could not take one more ordinary request (or there is none)."""
    spool = app.get(SPOOL)
    return spool is None or spool.full(64 * 1024)


async def _finish_writes(app: web.Application) -> None:
    await app[STORE].close()


async def _after_store(session: AsyncSession, owner: Owner, msg: InboundMessage,
                       stored: StoredMessage) -> None:
    """Consent, auto-replies, the email subject and Mailgun's one-time token."""
    action = consent_action(msg, owner.config)
    if action is not None:
        await apply_consent(session, owner.distributor_id, stored, msg, action)
    if truncated := msg.metadata.get(TRUNCATED):
        # cut to the size cap: no agent turn on half a message; a person reads it all
        await mark_handled(session, stored.message_id, "TRUNCATED")
        await session.execute(update(Conversation).where(
            Conversation.id == stored.conversation_id).values(
            handoff_active=True, handoff_at=func.now(),
            handoff_reason=f"a message of {truncated} characters was stored cut to its "
                           f"first {len(msg.text)}: a person must read the original"))
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


async def _write(session: AsyncSession, distributor_id: uuid.UUID,
                 requests: Sequence[Items]) -> None:
    """Store a batch of requests' messages and statuses in one open transaction."""
    # by customer, then the provider's timestamp: a batch is not guaranteed in order, and
    # concurrent batches then take their row locks in the same order
    messages = sorted((rm for r in requests for rm in r.messages),
                      key=lambda rm: (rm[1].sender, rm[1].received_at or _EPOCH))
    stored = await store_inbound_many(
        session, distributor_id, [(msg, owner.integration_id) for owner, msg in messages],
        masked=True)  # `intake.route` masked them off the loop
    for (owner, msg), where in zip(messages, stored, strict=True):
        if where is not None:
            await _after_store(session, owner, msg, where)
    for request in requests:
        for status, hint in request.statuses:
            await apply_status(session, status, hint)
    log.debug("webhooks for distributor %s: %d new of %d messages, %d requests",
              distributor_id, len(stored) - stored.count(None), len(messages), len(requests))


def _customer(items: Items) -> str | None:
    """What keeps a request's place in line when writes are retried: its customer."""
    return items.messages[0][1].sender if items.messages else None


async def store(app: web.Application, by_tenant: Mapping[uuid.UUID, Items]) -> None:
    """Store what a request carried, each distributor's share all or nothing; shares may
    be written in one transaction with other requests' (`db/group_commit.py`)."""
    with timed(STORE_SECONDS):
        await asyncio.gather(*(app[STORE].submit(tenant, items)
                               for tenant, items in by_tenant.items()
                               if items.messages or items.statuses))


def _for(provider: str) -> Callable[[web.Request], Awaitable[web.Response]]:
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
    """The generic webhook: signature present, verify, parse, route, store or spool, ack."""
    body = await request.read()
    if not adapter.carries_signature(request.headers, request.query):
        raise refusal(adapter, "signature or secret missing")  # before parsing anything
    url = request.app[SETTINGS].public_url.rstrip("/") + request.raw_path
    delivery = Delivery(provider=adapter.name, url=url, headers=tuple(request.headers.items()),
                        body=body, arrived=time.time())
    await accept(request.app, adapter, delivery)
    return _ack(adapter)


async def accept(app: web.Application, adapter: ChannelAdapter, delivery: Delivery) -> None:
    """Store a signed request in PostgreSQL, or spool it (on disk) when that cannot be
    done in time; return once it is durable in one or the other."""
    spool = app[SPOOL]
    # while anything waits in the spool, new requests queue behind it: a customer's
    # messages reach PostgreSQL in the order they came
    behind = spool.busy
    if behind:
        spool.pending += 1
    try:
        await _store_or_spool(app, adapter, delivery, behind)
    finally:
        if behind:
            spool.pending -= 1


async def _store_or_spool(app: web.Application, adapter: ChannelAdapter, delivery: Delivery,
                          behind: bool) -> None:
    spool = app[SPOOL]
    deadline = app[SETTINGS].write_deadline_s
    try:
        # bounded too: a long body's masking (its detector cold) must not outlast the
        # provider's patience; past the deadline the request is spooled as it came
        by_tenant: dict[uuid.UUID, Items] | None = await asyncio.wait_for(
            route(app[INTAKE], adapter, delivery, offline=behind), deadline)
    except ChannelNotConfigured:
        raise
    except (Unavailable, TimeoutError) as exc:
        # a route we cannot read (or finish) now: spooled as it came, verified on drain
        log.warning("%s webhook not routed (%s): spooling it as it came", adapter.name,
                    type(exc).__name__)
        by_tenant = None
    if by_tenant is not None and not by_tenant:
        return  # nothing to store (account or template updates)
    for tenant in by_tenant or {}:
        logs.bind(distributor_id=tenant)  # here, in the request's own context (the access log)
    if by_tenant is not None and not behind:
        try:
            await asyncio.wait_for(store(app, by_tenant), deadline)
            return
        except ChannelNotConfigured:
            raise
        except (Unavailable, TimeoutError) as exc:
            # a write that commits after all is harmless: the drain's store is idempotent
            log.warning("%s webhook not stored (%s): spooling it", adapter.name,
                        type(exc).__name__)
    await spool.append(dataclasses.replace(delivery, verified=by_tenant is not None))
    app[DRAINER].poke()


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

