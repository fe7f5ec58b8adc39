"""From a webhook request to what each distributor must store: verify, parse, route.

The order matters (security issue 15, issue 14.3): the signature is checked FIRST, with
the secret of the integration the request claims (Twilio: the number in `To`, read from
the form without parsing the message), or for providers whose request names no cheap
key (email: the secret is in the URL or Authorization; Mailgun signs form fields) with
each secret of that provider once. Only a signed request is parsed, and only then is
each number routed. A number we do not serve gets the same answer as a bad signature,
so outsiders cannot probe which numbers are ours.

Parsing a large body is CPU work: it runs on a thread, a few at a time, never on the
event loop. Masking card numbers runs the PII detector, whose regex and NER steps hold
the GIL for long stretches (a thread would still stall the loop: ~2 s for 64 KB of
digits), so beyond a short text it runs in a child process (one, started on first use).
A message longer than `max_message_kb` is stored cut to that length and flagged, so one
request cannot buy unbounded work.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web
from multidict import CIMultiDict, MultiDict

from channels._sanitize import clean_message, clean_status, unstorable
from channels.base import ChannelAdapter, ChannelNotConfigured, MalformedWebhook, ParsedWebhook
from channels.owners import Owner, OwnerCache
from channels.spool import Delivery
from core import logs
from core.errors import Forbidden
from core.messages import InboundMessage, StatusUpdate
from mailroom.inbox import premasked
from mailroom.pii import might_hold_card

log = logging.getLogger(__name__)

T = TypeVar("T")
Hinted = tuple[StatusUpdate, uuid.UUID | None]  # a status and our message id, if it had it
INLINE_BYTES = 16 * 1024  # smaller bodies are parsed on the loop: a thread hop costs more
INLINE_MASK_CHARS = 1024  # detection on this much takes a few ms: not worth a process hop
TRUNCATED = "truncated_from_chars"  # metadata of a message cut to the size cap


@dataclass(frozen=True, slots=True)
class Items:
    """What one request carried for one distributor."""

    messages: Sequence[tuple[Owner, InboundMessage]]
    statuses: Sequence[Hinted]


@dataclass
class Intake:
    """What routing a request needs: the owner cache, a bound on CPU work, the size cap."""

    owners: OwnerCache
    max_message_chars: int
    cpu_slots: asyncio.Semaphore = dataclasses.field(
        default_factory=lambda: asyncio.Semaphore(2))

    pool: ProcessPoolExecutor | None = None

    async def off_loop(self, fn: Callable[[], T], size: int) -> T:
        """Run CPU work on a thread (bounded) unless it is small."""
        if size <= INLINE_BYTES:
            return fn()
        async with self.cpu_slots:
            return await asyncio.to_thread(fn)

    async def masked(self, msg: InboundMessage) -> InboundMessage:
        """The message with card numbers masked; the detector off the loop unless short."""
        if len(msg.text) <= INLINE_MASK_CHARS or not might_hold_card(msg.text):
            return premasked(msg)
        if self.pool is None:
            # spawn, not fork: the parent has threads and an event loop running
            self.pool = ProcessPoolExecutor(max_workers=1,
                                            mp_context=multiprocessing.get_context("spawn"))
        async with self.cpu_slots:
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    self.pool, premasked, msg)
            except (BrokenProcessPool, OSError, RuntimeError) as exc:
                # no child process here (or it died): a thread, slower for the loop but
                # the message is stored all the same
                log.warning("masking process unavailable (%s); masking on a thread",
                            type(exc).__name__)
                self.close()
                return await asyncio.to_thread(premasked, msg)

    def close(self) -> None:
        """Stop the child process, if one was started."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def refusal(adapter: ChannelAdapter, why: str) -> web.HTTPException | Forbidden:
    """The provider's refusal: 403, or Postmark's 401 (it stops retrying on 403)."""
    if adapter.refusal_status == 401:
        return web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="orderagent"'})
    return Forbidden(f"{adapter.name}: {why}")


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def query_of(delivery: Delivery) -> MultiDict[str]:
    """The query string of the URL the provider called."""
    return MultiDict(parse_qsl(urlsplit(delivery.url).query, keep_blank_values=True))


async def _signers(intake: Intake, adapter: ChannelAdapter, delivery: Delivery,
                   headers: CIMultiDict[str], *, offline: bool) -> list[Owner]:
    """The integrations whose credentials sign this request (each secret tried once)."""
    claimed = getattr(adapter, "claimed_key", None)  # only adapters with a cheap key have it
    key = claimed(headers, delivery.body) if claimed is not None else None
    if key is not None:
        owner = await intake.owners.get(adapter.name, key, offline=offline)
        candidates = [owner] if owner is not None else []
    else:
        candidates = await intake.owners.all_of(adapter.name, offline=offline)
    verdicts: dict[str, bool] = {}
    unconfigured: ChannelNotConfigured | None = None
    signed = []
    for owner in candidates:
        secret = repr(sorted(owner.credentials.items()))
        if secret not in verdicts:
            try:
                verdicts[secret] = await intake.off_loop(lambda o=owner: adapter.verify(
                    url=delivery.url, headers=headers, body=delivery.body,
                    credentials=o.credentials), len(delivery.body))
            except ChannelNotConfigured as exc:
                verdicts[secret], unconfigured = False, exc
        if verdicts[secret]:
            signed.append(owner)
    if not signed and unconfigured is not None and (key is not None or len(candidates) == 1):
        raise unconfigured  # 503 until an operator fixes it: never "accept unsigned"
    return signed


def _capped(msg: InboundMessage, limit: int) -> InboundMessage:
    """The message cut to `limit` characters, marked so staff are told."""
    if len(msg.text) <= limit:
        return msg
    return dataclasses.replace(msg, text=msg.text[:limit],
                               metadata={**msg.metadata, TRUNCATED: len(msg.text)})


async def route(intake: Intake, adapter: ChannelAdapter, delivery: Delivery, *,
                offline: bool = False) -> dict[uuid.UUID, Items]:
    """Verify (unless it was before spooling), parse and route a request: what each
    distributor must store. `Unavailable` when a needed owner is neither cached nor
    readable; `offline` reads the owner cache only (the database is known down)."""
    headers = CIMultiDict(delivery.headers)
    signers = None
    if not delivery.verified:
        signers = {o.integration_id for o in await _signers(
            intake, adapter, delivery, headers, offline=offline)}
        if not signers:
            raise refusal(adapter, "wrong signature")
    query = query_of(delivery)
    parsed: ParsedWebhook = await intake.off_loop(lambda: adapter.parse(
        headers=headers, body=delivery.body, query=query), len(delivery.body))
    if not adapter.batched and not (parsed.messages or parsed.statuses):
        raise MalformedWebhook("nothing in the request")
    keys = {m.recipient for m in parsed.messages} | \
        {s.recipient for s in parsed.statuses if s.recipient}
    owners: dict[str, Owner] = {}
    for key in sorted(keys):
        owner = await intake.owners.get(adapter.name, key, offline=offline)
        # a number is ours only if the integration that owns it signed the request
        if owner is not None and (signers is None or owner.integration_id in signers):
            owners[key] = owner
    if not owners:
        if keys:  # the same answer as a bad signature: no oracle of the numbers we serve
            raise refusal(adapter, "not signed by the owner of this number or address")
        return {}
    by_tenant: dict[uuid.UUID, tuple[list[tuple[Owner, InboundMessage]], list[Hinted]]] = {}
    for msg in parsed.messages:
        owner = owners.get(msg.recipient)
        problem = unstorable(msg)
        if (owner is None or problem) and not adapter.batched:
            if problem:
                raise MalformedWebhook(problem)
            raise refusal(adapter, "not signed by the owner of this number or address")
        if owner is None or problem:
            log.info("%s message %s skipped: %s", adapter.name, msg.external_id[:80],
                     "number not ours" if owner is None else problem)
            continue
        clean = logs.stamp_request(_capped(clean_message(msg), intake.max_message_chars))
        clean = await intake.masked(clean)
        by_tenant.setdefault(owner.distributor_id, ([], []))[0].append((owner, clean))
    for status in parsed.statuses:
        owner = owners.get(status.recipient or "")
        if owner is not None:
            by_tenant.setdefault(owner.distributor_id, ([], []))[1].append(
                (clean_status(status), _uuid(status.message_hint)))
    return {d: Items(m, s) for d, (m, s) in by_tenant.items()}
