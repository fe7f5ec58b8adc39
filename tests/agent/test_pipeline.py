"""Whole conversations through the real pipeline: store, claim, agent, stored reply."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from agent.context import AgentContext
from agent.timeouts import sweep_timeouts
from agent.worker import claim_and_process
from db.crypto import Keyring
from db.models import (
    AIResponse,
    AIUsageMetric,
    Conversation,
    ConversationOrderSession,
    Message,
    Order,
    OrderProduct,
    OrderSessionEvent,
)
from db.tenant import ALL, scope
from evaluation.local import say
from tests.conftest import TEST_MASTER_KEY

PHONE = "+13055550101"


@pytest.fixture
def catalogs() -> AgentContext:
    """What a worker process shares: keyring and catalog cache (no LLM)."""
    return AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))


async def chat(database, catalogs, demo, text: str, sender: str = PHONE) -> str:
    """Send one customer message and return the agent's reply."""
    exchange = await say(database, catalogs, demo, sender=sender, text=text)
    assert len(exchange.replies) <= 1
    return exchange.replies[0] if exchange.replies else ""


async def _orders(database, demo) -> list[Order]:
    async with database.transaction(tenant=demo) as s:
        return list((await s.execute(select(Order))).scalars())


async def _lines(database, demo, order) -> list[tuple[str, float]]:
    async with database.transaction(tenant=demo) as s:
        rows = (await s.execute(select(OrderProduct).where(OrderProduct.order_id == order.id)
                                .order_by(OrderProduct.line_order))).scalars()
        return [(r.sku, float(r.quantity)) for r in rows]


async def test_order_then_confirm_creates_one_order(database, catalogs, demo) -> None:
    """A list, a summary with prices, 'yes', one confirmed order with matched lines."""
    reply = await chat(database, catalogs, demo, "hi can i get 2 cs whole milk and 3 dozen eggs")
    assert "Whole Milk" in reply and "YES" in reply and "$" in reply
    assert not await _orders(database, demo)
    reply = await chat(database, catalogs, demo, "yes confirm")
    assert "confirmed" in reply.lower()
    orders = await _orders(database, demo)
    assert len(orders) == 1
    lines = await _lines(database, demo, orders[0])
    assert ("DY-1001", 2.0) in lines
    assert orders[0].total_amount > 0
    async with database.transaction(tenant=demo) as s:
        sess = (await s.execute(select(ConversationOrderSession))).scalar_one()
        assert (sess.status, sess.outcome) == ("CLOSED", "CONFIRMED")
        assert sess.consolidated_order_id == orders[0].id
        kinds = [e.event_type for e in (await s.execute(
            select(OrderSessionEvent).order_by(OrderSessionEvent.created_at))).scalars()]
        assert kinds[0] == "SESSION_STARTED"
        assert {"ITEM_ADDED", "STATUS_CHANGED", "REVIEW_REQUESTED", "ORDER_CONFIRMED",
                "SESSION_CLOSED"} <= set(kinds)


async def test_modify_then_confirm(database, catalogs, demo) -> None:
    """'make the milk 3' and 'remove ...' change the pending order before it is confirmed."""
    await chat(database, catalogs, demo, "2 cs whole milk, 1 case coke cans, 3 dozen eggs")
    reply = await chat(database, catalogs, demo, "make the milk 3")
    assert "- 3 x Whole Milk" in reply
    await chat(database, catalogs, demo, "remove the coke")
    await chat(database, catalogs, demo, "ok send it")
    lines = dict(await _lines(database, demo, (await _orders(database, demo))[0]))
    assert lines["DY-1001"] == 3.0
    assert not any(sku.startswith("BV-") for sku in lines if sku)


async def test_cancel_closes_without_an_order(database, catalogs, demo) -> None:
    """'cancel' closes the session as CANCELLED and no order exists."""
    await chat(database, catalogs, demo, "2 cs whole milk")
    reply = await chat(database, catalogs, demo, "cancel")
    assert "cancel" in reply.lower()
    assert await _orders(database, demo) == []
    async with database.transaction(tenant=demo) as s:
        sess = (await s.execute(select(ConversationOrderSession))).scalar_one()
        assert sess.outcome == "CANCELLED"


async def test_spanish_customer_gets_spanish_replies(database, catalogs, demo) -> None:
    """A Spanish order is answered in Spanish, and 'si' confirms it."""
    reply = await chat(database, catalogs, demo, "hola, necesito 2 cajas de leche entera")
    assert "Responde SI" in reply
    reply = await chat(database, catalogs, demo, "si")
    assert "Pedido confirmado" in reply
    assert len(await _orders(database, demo)) == 1


async def test_email_with_quoted_history_reads_only_the_new_text(database, catalogs, demo) -> None:
    """Items in the quoted part of an email reply are not ordered again."""
    text = ("Hi team,\n\nPlease send 2 cs whole milk.\n\nThanks,\nLinda\n\n"
            "On Tue, Nov 3, 2026 at 9:02 AM Harbor Foods <orders@harbor.example> wrote:\n"
            "> 10 cases of bacon\n> 5 bags of flour\n")
    reply = await chat(database, catalogs, demo, text, sender="linda@marios.example")
    assert "Whole Milk" in reply
    assert "Bacon" not in reply and "Flour" not in reply


async def test_question_about_stock_is_answered_from_the_catalog(database, catalogs, demo
                                                                 ) -> None:
    """A price/stock question gets the catalog's price, not an invented one."""
    reply = await chat(database, catalogs, demo, "how much is the whole milk?")
    assert "$27.50" in reply


async def test_asking_for_a_person_hands_off_and_stops_replies(database, catalogs, demo) -> None:
    """Handoff is stored, announced once, and later messages get no automatic reply."""
    reply = await chat(database, catalogs, demo, "can I talk to someone please")
    assert "team" in reply.lower()
    assert await chat(database, catalogs, demo, "2 cs whole milk") == ""
    async with database.transaction(tenant=demo) as s:
        conv = (await s.execute(select(Conversation))).scalar_one()
        assert conv.handoff_active
        kinds = (await s.execute(select(OrderSessionEvent.event_type))).scalars().all()
        assert "HANDOFF_STARTED" in kinds


async def test_every_message_is_logged_as_an_ai_response(database, catalogs, demo) -> None:
    """Each processed message has ai_* fields, an ai_responses row and hourly usage."""
    await chat(database, catalogs, demo, "2 cs whole milk")
    async with database.transaction(tenant=demo) as s:
        msg = (await s.execute(select(Message).where(Message.is_from_customer))).scalar_one()
        assert msg.ai_processed and msg.ai_extracted_intent and msg.ai_confidence is not None
        assert msg.ai_extracted_products[0]["sku"] == "DY-1001"
        response = (await s.execute(select(AIResponse))).scalar_one()
        assert response.message_id == msg.id
        assert response.prompt_version.startswith("reply_summary_en@v")
        assert response.was_used
        usage = (await s.execute(select(AIUsageMetric))).scalar_one()
        assert usage.requests_count == 1


async def test_a_burst_of_messages_gets_one_reply(database, catalogs, demo) -> None:
    """Three quick messages are processed together and answered once."""
    for text in ("2 cs whole milk", "3 dozen eggs", "and 1 case coke cans"):
        await say(database, catalogs, demo, sender=PHONE, text=text, process=False)
    done = await claim_and_process(database, catalogs, window_s=0)
    assert done.messages == 3 and done.reply_id is not None
    assert await claim_and_process(database, catalogs, window_s=0) is None
    async with database.transaction(tenant=demo) as s:
        outbound = (await s.execute(select(func.count(Message.id)).where(
            Message.is_from_customer.is_(False)))).scalar_one()
    assert outbound == 1


async def test_messages_within_the_burst_window_wait(database, catalogs, demo) -> None:
    """A conversation whose latest message is younger than the window is not claimed yet."""
    await say(database, catalogs, demo, sender=PHONE, text="2 cs whole milk", process=False)
    assert await claim_and_process(database, catalogs, window_s=60) is None
    assert await claim_and_process(database, catalogs, window_s=0) is not None


async def test_two_workers_never_process_a_conversation_twice(database, catalogs, demo) -> None:
    """Concurrent workers on one database: each message processed exactly once."""
    senders = [f"+1305555{n:04d}" for n in range(12)]
    for sender in senders:
        await say(database, catalogs, demo, sender=sender, text="2 cs whole milk", process=False)

    async def worker() -> int:
        n = 0
        ctx = AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))
        while (await claim_and_process(database, ctx, window_s=0)) is not None:
            n += 1
        return n

    counts = await asyncio.gather(worker(), worker(), worker())
    assert sum(counts) == len(senders)
    async with database.transaction(tenant=demo) as s:
        replies = (await s.execute(select(func.count(Message.id)).where(
            Message.is_from_customer.is_(False)))).scalar_one()
        responses = (await s.execute(select(func.count(AIResponse.id)))).scalar_one()
    assert replies == len(senders) and responses == len(senders)


async def test_a_failed_transaction_leaves_the_message_for_a_retry(database, catalogs, demo
                                                                   ) -> None:
    """A worker dying mid-message (rollback) loses nothing; the retry processes it once."""
    await say(database, catalogs, demo, sender=PHONE, text="2 cs whole milk", process=False)
    with pytest.raises(RuntimeError):
        async with database.transaction(tenant=ALL) as s:
            from agent.worker import CLAIM
            cid = (await s.execute(CLAIM, {"window": 0, "max_wait": 10})).scalar_one()
            await scope(s, demo)
            from agent.process import process_conversation
            await process_conversation(s, cid, catalogs)
            raise RuntimeError("killed")
    done = await claim_and_process(database, catalogs, window_s=0)
    assert done is not None and done.messages == 1
    async with database.transaction(tenant=demo) as s:
        assert (await s.execute(select(func.count(AIResponse.id)))).scalar_one() == 1


async def test_idle_sessions_get_a_reminder_then_time_out(database, catalogs, demo) -> None:
    """Half the timeout: one reminder. The full timeout: closed as TIMEOUT."""
    await chat(database, catalogs, demo, "2 cs whole milk")
    async with database.transaction(tenant=demo) as s:
        sess = (await s.execute(select(ConversationOrderSession))).scalar_one()
        started, timeout = sess.last_activity_at, sess.auto_close_timeout_minutes
    half = started + timedelta(minutes=timeout / 2 + 1)
    assert await sweep_timeouts(database, half) == 1
    assert await sweep_timeouts(database, half) == 0  # one reminder only
    assert await sweep_timeouts(database, started + timedelta(minutes=timeout + 1)) == 1
    async with database.transaction(tenant=demo) as s:
        sess = (await s.execute(select(ConversationOrderSession))).scalar_one()
        assert sess.outcome == "TIMEOUT"
        texts = (await s.execute(select(Message.content).where(
            Message.is_from_customer.is_(False)).order_by(Message.thread_position))).scalars()
        texts = list(texts)
    assert len(texts) == 3 and "waiting" in texts[1] and "closed" in texts[2]


async def test_the_sweep_leaves_early_and_busy_sessions_alone(database, catalogs, demo
                                                              ) -> None:
    """Before half the timeout nothing happens; a conversation a worker holds is skipped
    and handled by the next sweep."""
    await chat(database, catalogs, demo, "2 cs whole milk")
    async with database.transaction(tenant=demo) as s:
        sess = (await s.execute(select(ConversationOrderSession))).scalar_one()
        started, timeout = sess.last_activity_at, sess.auto_close_timeout_minutes
    assert await sweep_timeouts(database, started + timedelta(minutes=timeout / 2 - 1)) == 0
    late = started + timedelta(minutes=timeout + 1)
    async with database.transaction(tenant=demo) as worker:
        await worker.execute(select(Conversation).with_for_update())
        assert await sweep_timeouts(database, late) == 0
    assert await sweep_timeouts(database, late) == 1
    assert datetime.now(UTC) > started


async def test_change_the_cup_size_keeps_the_kind_of_cup(database, catalogs, demo) -> None:
    """'change the 16oz cups to 20oz' swaps the size of the same cup, keeping the quantity."""
    from agent.catalog import load_items

    async with database.transaction(tenant=demo) as s:
        items = await load_items(s, demo)
    cups = {i.sku: i.name for i in items if "cup" in i.name.lower()}
    first = await chat(database, catalogs, demo, "3 cs 16oz clear cups")
    sku16 = next(sku for sku, name in cups.items() if name in first)
    reply = await chat(database, catalogs, demo, "change the 16oz cups to 20oz")
    await chat(database, catalogs, demo, "yes")
    (sku, qty), = await _lines(database, demo, (await _orders(database, demo))[0])
    assert qty == 3.0 and sku != sku16
    assert "20" in cups[sku] and "clear" in cups[sku].lower(), (reply, cups[sku])


async def test_a_handoff_keeps_what_the_customer_asked_for(database, catalogs, demo) -> None:
    """'2 cs whole milk, and I need to talk to someone': staff get the item in the session."""
    reply = await chat(database, catalogs, demo,
                       "2 cs whole milk, and I need to talk to someone about my invoice")
    assert "team" in reply.lower()
    async with database.transaction(tenant=demo) as s:
        from db.models import OrderSessionItem
        item = (await s.execute(select(OrderSessionItem))).scalar_one()
    assert item.product_code == "DY-1001"


async def test_something_we_do_not_sell_is_reported_not_guessed(database, catalogs, demo
                                                                 ) -> None:
    """A product not in the catalog is listed as not found, never swapped for a look-alike;
    a yes orders what was read, names it, and leaves the unread line to staff (review)."""
    reply = await chat(database, catalogs, demo, "2 cs whole milk, 1 case kombucha")
    assert "Not found in our catalog:\n- “1 case kombucha”" in reply
    assert "our team will check the lines I could not find" in reply
    reply = await chat(database, catalogs, demo, "yes")
    assert "- 2 x Whole Milk 1 Gallon - $55.00" in reply
    assert "Not found in our catalog, our team will check: “1 case kombucha”" in reply
    order = (await _orders(database, demo))[0]
    assert order.requires_review  # an unmatched line goes to a person
    async with database.transaction(tenant=demo) as s:
        lines = (await s.execute(select(OrderProduct).where(
            OrderProduct.order_id == order.id))).scalars().all()
    # what ships is the milk; the kombucha line has no product for staff to resolve
    assert sorted((x.sku or "", x.quantity) for x in lines) == [("", 1), ("DY-1001", 2)]


async def test_a_quantity_after_a_question_orders_what_was_asked_about(database, catalogs,
                                                                         demo) -> None:
    """'do you have cold brew?' then 'ok 2 cs please' orders 2 cs of cold brew."""
    await chat(database, catalogs, demo, "do you have cold brew concentrate?")
    reply = await chat(database, catalogs, demo, "ok 2 cs please")
    assert "- 2 x " in reply and "Cold Brew" in reply


async def test_changing_one_of_two_similar_lines_changes_the_right_one(database, catalogs,
                                                                        demo) -> None:
    """'add one more dozen of the everything bagels' does not touch the plain bagels."""
    await chat(database, catalogs, demo, "2 dozen plain bagels\n2 dozen everything bagels")
    reply = await chat(database, catalogs, demo, "add one more dozen of the everything bagels")
    assert "- 2 x Plain Bagels" in reply and "- 3 x Everything Bagels" in reply


async def test_messages_in_and_out_are_announced_to_webhooks(database, catalogs, demo) -> None:
    """A subscribed endpoint gets message.created for the customer's message and the reply."""
    from db.models import WebhookDelivery, WebhookEndpoint

    async with database.transaction(tenant=demo) as s:
        s.add(WebhookEndpoint(distributor_id=demo, name="erp", url="http://127.0.0.1:9/x",
                              events=["message.created"]))
    await chat(database, catalogs, demo, "2 cs whole milk")
    async with database.transaction(tenant=demo) as s:
        events = (await s.execute(select(WebhookDelivery.event_data))).scalars().all()
    assert sorted(e["data"]["is_from_customer"] for e in events) == [False, True]
    assert all(e["type"] == "message.created" for e in events)


async def test_storing_is_undone_with_its_transaction(database, catalogs, demo) -> None:
    """A webhook refused after storing (e.g. a reused signature) leaves no message behind."""
    from core.messages import Channel, InboundMessage
    from mailroom.inbox import store_inbound

    msg = InboundMessage(provider="twilio", channel=Channel.SMS, external_id="SM-rollback",
                         sender=PHONE, recipient="+15550100000", text="2 cs whole milk")
    with pytest.raises(RuntimeError):
        async with database.transaction(tenant=demo) as s:
            assert await store_inbound(s, demo, msg) is not None
            raise RuntimeError("refused after storing")
    async with database.transaction(tenant=demo) as s:
        assert (await s.execute(select(func.count(Message.id)))).scalar_one() == 0
        assert await store_inbound(s, demo, msg) is not None  # the id was not consumed


async def test_the_notifier_wakes_listeners_after_every_burst(database) -> None:
    """Many pokes become few NOTIFYs, and a poke after a NOTIFY is never lost."""
    from db.notify import INBOX, Notifier

    raw = await database.engine.raw_connection()
    got: list[float] = []
    conn = raw.driver_connection
    await conn.add_listener(INBOX, lambda *_: got.append(asyncio.get_running_loop()
                                                                 .time()))
    try:
        notifier = Notifier(database.engine, INBOX)
        for _ in range(50):
            notifier.poke()
        await asyncio.sleep(0.1)
        first = len(got)
        notifier.poke()  # a poke after the burst still gets its own wake-up
        await asyncio.sleep(0.1)
    finally:
        await conn.remove_listener(INBOX, lambda *_: None)
        raw.close()
    assert 1 <= first <= 3
    assert len(got) == first + 1


async def test_a_message_that_always_fails_goes_to_staff_and_blocks_no_one(
        database, catalogs, demo) -> None:
    """A poison message is retried a few times, then set aside; others are still answered."""
    from sqlalchemy import text

    from agent.worker import MAX_ATTEMPTS
    from db.models import Conversation

    # a real failure inside processing: the database refuses to mark this message done
    async with database.transaction(tenant=ALL) as s:
        await s.execute(text("""
            CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
                IF NEW.content = 'poison' AND NEW.ai_processed
                   AND NEW.ai_extracted_intent IS DISTINCT FROM 'FAILED' THEN
                    RAISE EXCEPTION 'cannot process this one';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql"""))
        await s.execute(text("CREATE TRIGGER poison BEFORE UPDATE ON messages "
                             "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"))
    await say(database, catalogs, demo, sender=PHONE, text="poison", process=False)
    await say(database, catalogs, demo, sender="+13055550999", text="2 cs whole milk",
              process=False)
    results = [await claim_and_process(database, catalogs, window_s=0) for _ in range(6)]
    answered = [r for r in results if r is not None and r.reply_id is not None]
    assert len(answered) == 1  # the other customer was answered
    assert await claim_and_process(database, catalogs, window_s=0) is None  # nothing stuck
    async with database.transaction(tenant=demo) as s:
        poisoned = (await s.execute(select(Message).where(Message.content == "poison"))
                    ).scalar_one()
        assert poisoned.ai_processed and poisoned.ai_extracted_intent == "FAILED"
        assert poisoned.external_metadata["processing_failures"] == MAX_ATTEMPTS
        conv = await s.get(Conversation, poisoned.conversation_id)
        assert conv.handoff_active


async def test_a_queued_reply_wakes_the_senders_only_once_committed(database, catalogs,
                                                                     demo) -> None:
    """The agent's reply NOTIFYs the outbox after its commit; a rolled-back one does not."""
    from db.notify import OUTBOX
    from mailroom.outbox import queue_reply

    raw = await database.engine.raw_connection()
    got: list[str] = []

    def heard(*_: object) -> None:
        got.append("outbox")

    await raw.driver_connection.add_listener(OUTBOX, heard)
    try:
        exchange = await say(database, catalogs, demo, sender=PHONE, text="2 cs whole milk")
        await asyncio.sleep(0.1)
        assert got, "the senders were not woken"
        got.clear()
        with pytest.raises(RuntimeError):
            async with database.transaction(tenant=demo) as s:
                from db.models import Conversation
                conv = await s.get(Conversation, exchange.conversation_id)
                await queue_reply(s, conv, "never sent")
                raise RuntimeError("rolled back")
        await asyncio.sleep(0.1)
        assert got == []
    finally:
        await raw.driver_connection.remove_listener(OUTBOX, heard)
        raw.close()
