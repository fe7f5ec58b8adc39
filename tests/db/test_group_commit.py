"""Group commit (concurrent writes for one tenant share a transaction, and lose nothing)
and the batched store of inbound messages it runs on the webhook path."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.errors import Unavailable
from core.messages import Channel, InboundMessage
from db.engine import Database, make_engine
from db.group_commit import GroupCommit
from db.models import Conversation, Distributor, Message
from db.tenant import ALL
from mailroom.inbox import store_inbound_many


async def _tenants(database: Database, n: int = 2) -> list[uuid.UUID]:
    async with database.transaction(tenant=ALL) as s:
        found = [Distributor(slug=f"d{i}", business_name=f"D{i}") for i in range(n)]
        s.add_all(found)
        await s.flush()
        return [d.id for d in found]


def _sms(text: str, sender: str = "+14155550199") -> InboundMessage:
    return InboundMessage(provider="twilio", channel=Channel.SMS,
                          external_id=f"SM{uuid.uuid4().hex}", sender=sender,
                          recipient="+14155550100", text=text)


class Recorder:
    """A write that stores SMS jobs, refuses "boom", and remembers each transaction's jobs."""

    def __init__(self) -> None:
        self.transactions: list[tuple[uuid.UUID, list[str]]] = []

    async def __call__(self, session: AsyncSession, tenant: uuid.UUID,
                       jobs: Sequence[InboundMessage]) -> None:
        self.transactions.append((tenant, [j.text for j in jobs]))
        await store_inbound_many(session, tenant, [(j, None) for j in jobs])
        if any(j.text == "boom" for j in jobs):
            raise ValueError("refused")


async def _texts(database: Database, tenant: uuid.UUID) -> list[str]:
    async with database.transaction(tenant=tenant) as s:
        return sorted((await s.execute(select(Message.content))).scalars())


async def test_concurrent_writes_share_one_transaction_per_tenant(database) -> None:
    """Jobs submitted together are committed together, never mixed across tenants."""
    a, b = await _tenants(database)
    write = Recorder()
    commit = GroupCommit(database, write)
    jobs = [(a, _sms(f"a{i}")) for i in range(5)] + [(b, _sms(f"b{i}")) for i in range(3)]
    await asyncio.gather(*(commit.submit(t, job) for t, job in jobs))
    assert sorted(len(texts) for _, texts in write.transactions) == [3, 5]
    for tenant, texts in write.transactions:
        assert {t[0] for t in texts} == {"a" if tenant == a else "b"}
    assert await _texts(database, a) == [f"a{i}" for i in range(5)]
    assert await _texts(database, b) == [f"b{i}" for i in range(3)]


async def test_a_failing_job_gets_its_error_and_the_others_are_committed(database) -> None:
    """One bad job rolls back the shared transaction; each job is then written alone."""
    [a] = await _tenants(database, 1)
    write = Recorder()
    commit = GroupCommit(database, write)
    texts = ["one", "two", "boom", "four"]
    results = await asyncio.gather(*(commit.submit(a, _sms(t)) for t in texts),
                                   return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["NoneType", "NoneType", "ValueError",
                                                   "NoneType"]
    assert await _texts(database, a) == ["four", "one", "two"]
    assert [len(jobs) for _, jobs in write.transactions] == [4, 1, 1, 1, 1]


async def test_later_jobs_wait_for_the_commit_in_flight_then_go_together(database) -> None:
    """Jobs arriving while a commit is in flight form the next batch; all are stored."""
    [a] = await _tenants(database, 1)
    write = Recorder()
    commit = GroupCommit(database, write)
    first = asyncio.create_task(commit.submit(a, _sms("first")))
    await asyncio.sleep(0)  # its transaction is under way
    await asyncio.gather(first, *(commit.submit(a, _sms(f"next{i}")) for i in range(4)))
    assert [len(jobs) for _, jobs in write.transactions] == [1, 4]
    assert len(await _texts(database, a)) == 5


async def test_a_conversation_locked_by_a_worker_holds_up_only_its_own_message(
        database) -> None:
    """A worker holds one conversation's row (say, during an LLM call): the batch gives
    up waiting, the other customers' messages are committed, and that customer's message
    is stored once the worker lets go."""
    [a] = await _tenants(database, 1)
    busy = "+14155550111"
    await GroupCommit(database, Recorder()).submit(a, _sms("earlier", sender=busy))
    commit = GroupCommit(database, Recorder())
    async with database.transaction(tenant=a) as worker:
        await worker.execute(select(Conversation).with_for_update())  # the only one
        waiting = asyncio.create_task(commit.submit(a, _sms("while busy", sender=busy)))
        others = [commit.submit(a, _sms(f"other {i}", sender=f"+1415555020{i}"))
                  for i in range(3)]
        await asyncio.wait_for(asyncio.gather(*others), timeout=10)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=10)
    assert await _texts(database, a) == ["earlier", "other 0", "other 1", "other 2",
                                         "while busy"]


async def test_a_lone_message_for_a_locked_conversation_holds_up_no_later_one(
        database) -> None:
    """Even alone in its transaction, a job waiting for a lock leaves the tenant's loop
    after LOCK_TIMEOUT: the next customer's message does not queue behind it."""
    [a] = await _tenants(database, 1)
    busy = "+14155550111"
    await GroupCommit(database, Recorder()).submit(a, _sms("earlier", sender=busy))
    commit = GroupCommit(database, Recorder())
    async with database.transaction(tenant=a) as worker:
        await worker.execute(select(Conversation).with_for_update())
        waiting = asyncio.create_task(commit.submit(a, _sms("while busy", sender=busy)))
        await asyncio.sleep(0.05)  # its transaction is under way, waiting for the lock
        await asyncio.wait_for(commit.submit(a, _sms("next", sender="+14155550222")), 5)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=10)
    assert await _texts(database, a) == ["earlier", "next", "while busy"]


async def test_a_job_the_database_refuses_over_contention_is_written_again(database) -> None:
    """A lock wait given up (as a deadlock would be) is not the request's fault: the job is
    run again and committed, and its sender never sees an error."""
    [a] = await _tenants(database, 1)
    await GroupCommit(database, Recorder()).submit(a, _sms("earlier"))
    attempts = 0

    async def write(session: AsyncSession, tenant: uuid.UUID,
                    jobs: Sequence[InboundMessage]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:  # a row another transaction holds, and no patience for it
            await session.execute(text("SET LOCAL lock_timeout = '10ms'"))
            await session.execute(select(Conversation).with_for_update())
        await store_inbound_many(session, tenant, [(j, None) for j in jobs])

    async with database.transaction(tenant=a) as holder:
        await holder.execute(select(Conversation).with_for_update())
        later = _sms("later", sender="+14155550122")  # another customer: no wait the 2nd time
        await asyncio.wait_for(GroupCommit(database, write).submit(a, later), 10)
    assert attempts == 2
    assert await _texts(database, a) == ["earlier", "later"]


async def test_an_unavailable_database_fails_every_job_with_503(database) -> None:
    """No commit possible: every waiting request gets Unavailable, so providers retry."""
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none", pool_size=1)
    down = Database(engine=engine, sessions=async_sessionmaker(engine), rls=False)
    commit = GroupCommit(down, Recorder())
    try:
        results = await asyncio.gather(*(commit.submit(uuid.uuid4(), _sms(str(i)))
                                         for i in range(3)), return_exceptions=True)
    finally:
        await engine.dispose()
    assert all(isinstance(r, Unavailable) for r in results)


async def test_a_batch_from_one_customer_counts_and_orders_the_conversation(database) -> None:
    """Several messages of one customer in one statement: one conversation, positions in
    order; a retry inside the same batch stores nothing new."""
    [a] = await _tenants(database, 1)
    msgs = [_sms(f"line {i}") for i in range(3)]
    whatsapp = InboundMessage(provider="twilio", channel=Channel.WHATSAPP,
                              external_id="SMwa", sender=msgs[0].sender,
                              recipient="+14155238886", text="on whatsapp")
    async with database.transaction(tenant=a) as s:
        stored = await store_inbound_many(s, a, [(m, None) for m in [*msgs, msgs[1], whatsapp]])
    assert stored[3] is None  # the retry
    assert len({w.customer_id for w in stored if w}) == 1
    sms, wa = stored[0], stored[4]
    assert sms is not None and wa is not None and sms.conversation_id != wa.conversation_id
    async with database.transaction(tenant=a) as s:
        lines = (await s.execute(select(Message.content, Message.thread_position)
                                 .where(Message.conversation_id == sms.conversation_id)
                                 .order_by(Message.created_at))).all()
        count = (await s.execute(select(func.count(Message.id)))).scalar_one()
    assert [tuple(line) for line in lines] == [("line 0", 1), ("line 1", 2), ("line 2", 3)]
    assert count == 4


async def test_a_second_batch_continues_the_thread(database) -> None:
    """Positions continue from what the conversation already holds."""
    [a] = await _tenants(database, 1)
    for batch in range(2):
        async with database.transaction(tenant=a) as s:
            await store_inbound_many(s, a, [(_sms(f"{batch}-{i}"), None) for i in range(2)])
    async with database.transaction(tenant=a) as s:
        positions = (await s.execute(select(Message.content, Message.thread_position)
                                     .order_by(Message.thread_position))).all()
    assert [tuple(p) for p in positions] == [("0-0", 1), ("0-1", 2), ("1-0", 3), ("1-1", 4)]
