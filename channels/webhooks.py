"""The provider webhook routes: raw body -> owner -> signature -> one transaction -> 200.

Every route takes the same steps: read the raw body once; parse it (400 if it is not the
provider's shape); find the integration that owns the number or address it was sent to
(404 if none; a cached lookup, see `channels.owners`); check the signature with that
integration's credentials (403, fail closed); then store every message, consent change
and status of the request in a transaction scoped to that distributor, and answer 200
once it committed. Concurrent requests for one distributor share that transaction
(`db/group_commit.py`): one commit for many webhooks under load, each all or nothing.
A retried delivery stores nothing new and is 200 again. No matching and no LLM call
happen here: workers pick the stored messages up.

Answers beyond interfaces.md: Postmark's shared secret failing is 401, not 403, because
Postmark stops retrying at once on 403 (channels.md §3.3): a rotated secret must not
drop mail. A Meta POST for several phone numbers stores each number's items with its
own distributor; numbers we do not serve are skipped (404 only if none is ours).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from aiohttp import web
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from channels import get_adapter
from channels._sanitize import clean_message, clean_status, unstorable
from channels.base import ChannelNotConfigured, MalformedWebhook
from channels.consent import apply_consent, consent_action, mark_handled
from channels.meta import SIGNATURE_HEADER as META_SIGNATURE
from channels.meta import verify_handshake
from channels.owners import Owner, OwnerCache
from channels.statuses import apply_status
from channels.twilio import EMPTY_TWIML
from channels.twilio import SIGNATURE_HEADER as TWILIO_SIGNATURE
from core.errors import Forbidden, NotFound
from core.messages import Channel, InboundMessage, StatusUpdate
from db.appkeys import DATABASE, KEYRING, SETTINGS
from db.group_commit import GroupCommit
from db.models import Conversation, ExternalMessageMapping
from mailroom.inbox import StoredMessage, store_inbound_many

log = logging.getLogger(__name__)

ROUTES = web.AppKey("webhook_routes", OwnerCache)
STORE = web.AppKey("webhook_store", GroupCommit)
EMAIL_PROVIDERS = frozenset({"sendgrid", "mailgun", "postmark"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Hinted = tuple[StatusUpdate, uuid.UUID | None]  # a status and our message id, if the URL had it


def setup(app: web.Application) -> None:
    """Register the webhook routes (after `create_app` set the database and keyring)."""
    app[ROUTES] = OwnerCache(app[DATABASE], app[KEYRING])
    app[STORE] = GroupCommit(app[DATABASE], _write)
    app.on_shutdown.append(_finish_writes)
    app.router.add_post("/webhooks/twilio", twilio_webhook)
    app.router.add_post("/webhooks/twilio/status", twilio_webhook)
    app.router.add_get("/webhooks/whatsapp", whatsapp_handshake)
    app.router.add_post("/webhooks/whatsapp", whatsapp_webhook)
    app.router.add_post("/webhooks/email/{provider}", email_webhook)


async def _finish_writes(app: web.Application) -> None:
    await app[STORE].close()


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _verified(request: web.Request, route: Owner, body: bytes) -> bool:
    """The provider's signature check, against the URL exactly as the provider called it."""
    url = request.app[SETTINGS].public_url.rstrip("/") + request.raw_path
    return get_adapter(route.provider).verify(url=url, headers=request.headers, body=body,
                                              credentials=route.credentials)


async def _route(request: web.Request, provider: str, key: str) -> Owner:
    route = await request.app[ROUTES].get(provider, key)
    if route is None:
        raise NotFound(f"no {provider} integration serves this number or address")
    return route


async def _after_store(session: AsyncSession, route: Owner, msg: InboundMessage,
                       stored: StoredMessage) -> None:
    """Consent, auto-replies, the email subject and Mailgun's one-time token."""
    action = consent_action(msg, route.config)
    if action is not None:
        await apply_consent(session, route.distributor_id, stored, msg, action)
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
    if route.provider == "mailgun" and isinstance(token, str) and token:
        # Mailgun signs only timestamp + token: a token seen before with another message
        # is a replayed signature over a forged body
        taken = (await session.execute(insert(ExternalMessageMapping).values(
            distributor_id=route.distributor_id, provider="mailgun-token",
            external_id=token[:255], message_id=stored.message_id,
            integration_id=route.integration_id,
        ).on_conflict_do_nothing(index_elements=["distributor_id", "provider", "external_id"])
            .returning(ExternalMessageMapping.id))).scalar_one_or_none()
        if taken is None:
            raise Forbidden("mailgun signature token already used")


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
                                      [(msg, route.integration_id) for route, msg in messages])
    for (route, msg), where in zip(messages, stored, strict=True):
        if where is not None:
            await _after_store(session, route, msg, where)
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
        await request.app[STORE].submit(distributor_id, _Items(messages, statuses))


def _one(msg: InboundMessage) -> InboundMessage:
    """A single-message request's message, cleaned; unstorable is malformed."""
    problem = unstorable(msg)
    if problem:
        raise MalformedWebhook(problem)
    return clean_message(msg)


async def twilio_webhook(request: web.Request) -> web.Response:
    """Twilio inbound messages and status callbacks (both paths: the URL is signed)."""
    body = await request.read()
    if not request.headers.get(TWILIO_SIGNATURE):
        raise Forbidden("missing X-Twilio-Signature")
    parsed = get_adapter("twilio").parse(headers=request.headers, body=body)
    if parsed.messages:
        key = parsed.messages[0].recipient  # `To`: our number
    else:  # a status callback: our number is `From`
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        key = (form.get("From") or "").removeprefix("whatsapp:").strip()
        if not key:
            raise MalformedWebhook("status callback without From")
    route = await _route(request, "twilio", key)
    if not _verified(request, route, body):
        raise Forbidden("wrong X-Twilio-Signature")
    hint = _uuid(request.query.get("m"))
    await _store(request, route.distributor_id, [(route, _one(m)) for m in parsed.messages],
                 [(clean_status(s), hint) for s in parsed.statuses])
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def whatsapp_handshake(request: web.Request) -> web.Response:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token is ours."""
    routes = await request.app[ROUTES].all_of("meta_whatsapp")
    if not routes:
        raise NotFound("no meta_whatsapp integration")
    for route in routes:
        try:
            challenge = verify_handshake(request.query, route.credentials.get("verify_token"))
        except ChannelNotConfigured:
            continue
        if challenge is not None:
            return web.Response(text=challenge)
    raise Forbidden("verify token does not match")


def _status_owners(body: bytes) -> dict[str, tuple[str | None, uuid.UUID | None]]:
    """wamid -> (phone_number_id, our message id from biz_opaque_callback_data)."""
    owners: dict[str, tuple[str | None, uuid.UUID | None]] = {}
    data = json.loads(body)  # already parsed once: it is a valid envelope
    for entry in data.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") != "messages":
                continue
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            pid = metadata.get("phone_number_id")
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and isinstance(status.get("id"), str):
                    opaque = status.get("biz_opaque_callback_data")
                    owners[status["id"]] = (pid if isinstance(pid, str) else None,
                                            _uuid(opaque if isinstance(opaque, str) else None))
    return owners


async def whatsapp_webhook(request: web.Request) -> web.Response:
    """Meta WhatsApp Cloud events: every entry, change, message and status."""
    body = await request.read()
    if not request.headers.get(META_SIGNATURE):
        raise Forbidden("missing X-Hub-Signature-256")
    parsed = get_adapter("meta_whatsapp").parse(headers=request.headers, body=body)
    owners = _status_owners(body)
    # signed by one of our Meta apps (a few secrets, cached) before any of the numbers it
    # names is looked up: a forged POST naming thousands of numbers costs nothing
    if not await _signed_by_any(request, body):
        raise Forbidden("wrong X-Hub-Signature-256")
    pids = {m.recipient for m in parsed.messages} | {p for p, _ in owners.values() if p}
    cache = request.app[ROUTES]
    routes: dict[str, Owner] = {}
    for pid in sorted(pids):
        if (route := await cache.get("meta_whatsapp", pid)) is not None:
            routes[pid] = route
    if not routes:
        if pids:
            raise NotFound("no meta_whatsapp integration serves these numbers")
        return web.Response(text="OK")  # nothing to store (account or template updates)
    # one app signs the whole POST; every number in it must accept that signature
    if not all(_verified(request, r, body) for r in routes.values()):
        raise Forbidden("wrong X-Hub-Signature-256")
    by_tenant: dict[uuid.UUID, tuple[list[tuple[Owner, InboundMessage]], list[Hinted]]] = {}
    for msg in parsed.messages:
        route = routes.get(msg.recipient)
        if route is None or (problem := unstorable(msg)):
            log.info("meta message %s skipped: %s", msg.external_id[:80],
                     "number not ours" if route is None else problem)
            continue
        by_tenant.setdefault(route.distributor_id, ([], []))[0].append(
            (route, clean_message(msg)))
    for status in parsed.statuses:
        pid, hint = owners.get(status.external_id, (None, None))
        route = routes.get(pid or "")
        if route is not None:
            by_tenant.setdefault(route.distributor_id, ([], []))[1].append(
                (clean_status(status), hint))
    for distributor_id, (messages, statuses) in by_tenant.items():
        await _store(request, distributor_id, messages, statuses)
    return web.Response(text="OK")


async def _signed_by_any(request: web.Request, body: bytes) -> bool:
    routes = await request.app[ROUTES].all_of("meta_whatsapp")
    if not routes:
        raise NotFound("no meta_whatsapp integration")
    tried: set[str | None] = set()
    for route in routes:
        secret = route.credentials.get("app_secret")
        if secret in tried:  # many distributors may share one Meta app
            continue
        tried.add(secret)
        try:
            if _verified(request, route, body):
                return True
        except ChannelNotConfigured:
            continue
    return False


def _has_secret(request: web.Request) -> bool:
    return bool(request.headers.get("Authorization") or request.query.get("token"))


def _deny(provider: str) -> web.HTTPException | Forbidden:
    if provider == "postmark":
        # 401, not 403: Postmark gives up at once on 403, so a rotated secret would drop mail
        return web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="orderagent"'})
    return Forbidden(f"{provider} webhook secret or signature missing or wrong")


async def email_webhook(request: web.Request) -> web.Response:
    """Inbound email from SendGrid Inbound Parse, Mailgun routes or Postmark."""
    provider = request.match_info["provider"]
    if provider not in EMAIL_PROVIDERS:
        raise NotFound("unknown email provider")
    body = await request.read()
    if provider != "mailgun" and not _has_secret(request):
        raise _deny(provider)  # no secret at all: refuse before parsing anything
    parsed = get_adapter(provider).parse(headers=request.headers, body=body)
    if not parsed.messages:
        raise MalformedWebhook("no email in the request")
    msg = _one(parsed.messages[0])
    route = await _route(request, provider, msg.recipient)
    if not _verified(request, route, body):
        raise _deny(provider)
    await _store(request, route.distributor_id, [(route, msg)], [])
    return web.Response(text="OK")
