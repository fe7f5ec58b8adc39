"""The console's pages over HTTP: escaping, tenants, replies, review, orders, catalog, team."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from console.invitations import send_due
from db.models import AIResponse, Conversation, Message, Order, OrderProduct, Product
from db.models.enums import MessageStatus, OrderStatus
from evaluation.local import say
from tests.channels.webhook_env import KEYRING
from tests.console.conftest import PASSWORD, Desk, audit_rows, whatsapp

PHONE = "+13055550101"


async def _conversation(database, distributor_id) -> Conversation:
    async with database.transaction(tenant=distributor_id) as s:
        return (await s.execute(select(Conversation).order_by(
            Conversation.created_at.desc()).limit(1))).scalar_one()


async def test_a_customers_script_is_shown_as_text(signed_in, database, acme) -> None:
    """A WhatsApp message holding <script> is escaped in the inbox and in the thread."""
    evil = '<script>window.pwned=1</script><img src=x onerror="alert(1)"> 2 cs milk'
    resp = await signed_in.client.post("/webhooks/whatsapp", **whatsapp(evil))
    assert resp.status == 200
    conv = await _conversation(database, acme)
    for html in (await signed_in.get("/app/inbox"), await signed_in.get(f"/app/c/{conv.id}")):
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
        assert "<script>window.pwned" not in html and "<img src=x" not in html


async def test_another_tenants_ids_are_404_and_audited(signed_in, database, agent, other,
                                                       owner) -> None:
    """Another distributor's conversation and order: 404 to read and to act, each audited."""
    await say(database, agent, other, sender=PHONE, text="2 cs milk")
    conv = await _conversation(database, other)
    assert "Not found" in await signed_in.get(f"/app/c/{conv.id}", status=404)
    resp = await signed_in.post(f"/app/c/{conv.id}/reply", {"text": "hello"})
    assert resp.status == 404
    assert (await signed_in.post(f"/app/c/{conv.id}/takeover", {})).status == 404
    await signed_in.get(f"/app/orders/{uuid.uuid4()}", status=404)
    await signed_in.get("/app/c/not-a-uuid", status=404)
    refused = [r for r in await audit_rows(database, user_id=owner)
               if r.details.get("refused") == "not_found"]
    assert {r.attempted_record_id for r in refused} >= {str(conv.id), "not-a-uuid"}
    async with database.transaction(tenant=other) as s:
        assert not (await s.execute(select(Message).where(
            Message.is_from_customer.is_(False), Message.sent_by == "staff"))).first()


async def test_a_suggestion_becomes_a_queued_staff_reply(signed_in, database, agent, acme,
                                                         owner) -> None:
    """Open the thread, send a suggestion (edited): it is queued as staff, marked used."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk and 1 cs buns")
    conv = await _conversation(database, acme)
    html = await signed_in.get(f"/app/c/{conv.id}")
    ids = re.findall(r'data-id="([0-9a-f-]{36})"', html)
    assert 1 <= len(ids) <= 3 and "Suggested replies" in html
    resp = await signed_in.post(f"/app/c/{conv.id}/reply", {
        "text": "Thanks! Which buns did you mean?", "suggestion_id": ids[0]})
    assert resp.status == 303 and "notice=Reply" in resp.headers["Location"]
    async with database.transaction(tenant=acme) as s:
        sent = (await s.execute(select(Message).where(Message.sent_by == "staff"))).scalar_one()
        used = await s.get(AIResponse, uuid.UUID(ids[0]))
    assert sent.status == MessageStatus.QUEUED and sent.content.startswith("Thanks!")
    assert used.was_used and used.extracted_data["edited"] is True
    thread = await signed_in.get(f"/app/c/{conv.id}/messages")
    assert "Thanks! Which buns did you mean?" in thread and "queued" in thread
    assert await audit_rows(database, table_name="messages", user_id=owner,
                            attempted_record_id=str(sent.id))


async def test_a_refused_reply_says_why(signed_in, database, acme) -> None:
    """After STOP, a reply is not queued and the thread says the customer opted out."""
    await signed_in.client.post("/webhooks/whatsapp", **whatsapp("2 cs whole milk"))
    await signed_in.client.post("/webhooks/whatsapp", **whatsapp("STOP"))
    conv = await _conversation(database, acme)
    resp = await signed_in.post(f"/app/c/{conv.id}/reply", {"text": "Are you sure?"})
    assert resp.status == 303
    html = await signed_in.get(resp.headers["Location"])
    assert "Not sent: the customer opted out" in html and "Are you sure?" in html
    async with database.transaction(tenant=acme) as s:
        assert not (await s.execute(select(Message).where(Message.sent_by == "staff"))).first()


async def test_take_over_and_hand_back(signed_in, database, agent, acme) -> None:
    """Taking over pauses the agent on the thread; handing back resumes it."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk")
    conv = await _conversation(database, acme)
    await signed_in.post(f"/app/c/{conv.id}/takeover", {})
    assert "the agent is paused" in await signed_in.get(f"/app/c/{conv.id}")
    await say(database, agent, acme, sender=PHONE, text="and 1 cs eggs")
    async with database.transaction(tenant=acme) as s:
        agent_replies = (await s.execute(select(Message).where(
            Message.conversation_id == conv.id, Message.sent_by == "agent"))).scalars().all()
    assert len(agent_replies) == 1  # only the answer from before the takeover
    await signed_in.post(f"/app/c/{conv.id}/handback", {})
    assert "Take over from the agent" in await signed_in.get(f"/app/c/{conv.id}")


async def test_correcting_a_review_line_teaches_the_matcher(signed_in, database, agent,
                                                            acme) -> None:
    """The unsure line is corrected in the queue; the same wording then matches by itself."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk and 1 cs buns")
    await say(database, agent, acme, sender=PHONE, text="yes")
    html = await signed_in.get("/app/review")
    async with database.transaction(tenant=acme) as s:
        order = (await s.execute(select(Order))).scalar_one()
        line = (await s.execute(select(OrderProduct).where(
            OrderProduct.ai_original_text.ilike("%buns%")))).scalar_one()
        target = (await s.execute(select(Product).where(
            Product.name.ilike("%brioche%")))).scalars().first()
    assert f'name="sku-{line.id}"' in html
    resp = await signed_in.post(f"/app/orders/{order.id}/review", {
        "action": "approve", "back": "/app/review", f"sku-{line.id}": target.sku})
    assert resp.status == 303 and "Learned" in resp.headers["Location"]
    assert "Nothing waits for review" in await signed_in.get("/app/review")
    await say(database, agent, acme, sender="+13055550199", text="2 cs whole milk and 1 cs buns")
    await say(database, agent, acme, sender="+13055550199", text="yes")
    async with database.transaction(tenant=acme) as s:
        newest = (await s.execute(select(Order).order_by(Order.created_at.desc()).limit(1))
                  ).scalar_one()
        skus = set((await s.execute(select(OrderProduct.sku).where(
            OrderProduct.order_id == newest.id))).scalars())
    assert target.sku in skus and not newest.requires_review


async def test_reject_orders_list_status_and_csv(signed_in, database, agent, acme) -> None:
    """Reject from the queue, move it back to pending, export the list as CSV."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk and 1 cs buns")
    await say(database, agent, acme, sender=PHONE, text="yes")
    async with database.transaction(tenant=acme) as s:
        order = (await s.execute(select(Order))).scalar_one()
    resp = await signed_in.post(f"/app/orders/{order.id}/review", {"action": "reject",
                                                                  "back": "/app/review"})
    assert resp.status == 303
    assert "cancelled" in await signed_in.get(f"/app/orders/{order.id}")
    resp = await signed_in.post(f"/app/orders/{order.id}/status", {"status": "PENDING"})
    assert resp.status == 303
    async with database.transaction(tenant=acme) as s:
        assert (await s.get(Order, order.id)).status == OrderStatus.PENDING
    listing = await signed_in.get("/app/orders?status=PENDING")
    assert f"/app/orders/{order.id}" in listing
    resp = await signed_in.client.get("/app/orders.csv")
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = (await resp.text()).strip().splitlines()
    assert rows[0].startswith("order_id,") and str(order.id) in rows[1] and "PENDING" in rows[1]


async def test_catalog_shows_what_a_wording_would_match_and_saves_aliases(signed_in, database,
                                                                         acme) -> None:
    """The matcher's answer with its reasons; an alias saved makes that wording match."""
    html = await signed_in.get("/app/catalog?try=2%20cs%20whole%20milk")
    assert 'id="match-result"' in html and "Whole Milk" in html and "Read as" in html
    assert "Likely to match poorly" in html
    async with database.transaction(tenant=acme) as s:
        product = (await s.execute(select(Product).where(
            Product.name.ilike("%brioche%")))).scalars().first()
    resp = await signed_in.post(f"/app/catalog/{product.id}/aliases",
                                {"aliases": "zorblat rolls\nZORBLAT rolls\n"})
    assert resp.status == 303
    html = await signed_in.get("/app/catalog?try=3%20zorblat%20rolls")
    assert product.name in html and "used automatically" in html


async def test_ai_usage_page(signed_in, database, agent, acme) -> None:
    """The chart, the month's budget line and the errors table render."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk")
    html = await signed_in.get("/app/ai")
    assert "<svg" in html and "This month" in html and "Latest AI errors" in html
    days = re.findall(r"<title>(\d{4}-\d\d-\d\d): (\d+) calls", html)
    assert len(days) == 30 and int(days[-1][1]) > 0  # today's suggestions, the last bar


async def test_invite_accept_and_roles(signed_in, aiohttp_client, app, database, acme,
                                       smtp) -> None:
    """An invitation is emailed through the distributor's SMTP; its link sets a password
    once and signs the new operator in, who cannot open the team page."""
    resp = await signed_in.post("/app/team/invite", {"email": "New.Person@Acme.example",
                                                     "role": "OPERATOR"})
    assert resp.status == 303
    assert await send_due(database, KEYRING, "http://desk.test") is not None
    assert await send_due(database, KEYRING, "http://desk.test") is None
    mail = smtp.messages[-1]
    assert mail.rcpt_tos == ["new.person@acme.example"]
    body = mail.message.get_content()
    link = re.search(r"http://desk\.test(/app/accept/\S+)", body).group(1)
    newcomer = Desk(await aiohttp_client(app))
    assert "Choose a password to finish" in await newcomer.get(link)
    resp = await newcomer.post(link, {"password": "short", "password2": "short"})
    assert resp.status == 400
    resp = await newcomer.post(link, {"password": PASSWORD, "password2": PASSWORD})
    assert resp.status == 303 and resp.headers["Location"].startswith("/app/inbox")
    assert "Inbox" in await newcomer.get("/app/inbox")
    await newcomer.get("/app/team", status=403)
    assert "no longer works" in await newcomer.get(link, status=404)
    assert "new.person@acme.example" in await signed_in.get("/app/team")


async def test_resend_replaces_the_link_and_revoke_ends_it(signed_in, database, acme,
                                                           smtp) -> None:
    """A resent invitation's first link stops working; a revoked one's link too."""
    await signed_in.post("/app/team/invite", {"email": "late@acme.example", "role": "MANAGER"})
    await send_due(database, KEYRING, "http://desk.test")
    first = re.search(r"/app/accept/\S+", smtp.messages[-1].message.get_content()).group(0)
    html = await signed_in.get("/app/team")
    inv_id = re.search(r'/app/team/invitations/([0-9a-f-]{36})', html).group(1)
    await signed_in.post(f"/app/team/invitations/{inv_id}", {"action": "resend"})
    await send_due(database, KEYRING, "http://desk.test")
    second = re.search(r"/app/accept/\S+", smtp.messages[-1].message.get_content()).group(0)
    assert first != second
    await signed_in.get(first, status=404)
    assert "Choose a password to finish" in await signed_in.get(second)
    await signed_in.post(f"/app/team/invitations/{inv_id}", {"action": "revoke"})
    await signed_in.get(second, status=404)


async def test_whatsapp_window_refuses_and_failures_say_why(signed_in, database, acme) -> None:
    """A day after the customer's last message a WhatsApp reply is refused with the reason;
    a reply that failed to send shows as failed with the provider's reason."""
    from datetime import UTC, datetime, timedelta

    await signed_in.client.post("/webhooks/whatsapp", **whatsapp("2 cs whole milk"))
    conv = await _conversation(database, acme)
    async with database.transaction(tenant=acme) as s:
        row = await s.get(Conversation, conv.id)
        row.last_customer_message_at = datetime.now(UTC) - timedelta(days=2)
        s.add(Message(distributor_id=acme, conversation_id=conv.id, content="Earlier reply",
                      is_from_customer=False, status=MessageStatus.FAILED, sent_by="agent",
                      thread_position=99, last_error="131026 message undeliverable"))
    resp = await signed_in.post(f"/app/c/{conv.id}/reply", {"text": "Still there?"})
    html = await signed_in.get(resp.headers["Location"])
    assert "Not sent: outside WhatsApp&#39;s 24-hour window" in html
    thread = await signed_in.get(f"/app/c/{conv.id}/messages")
    assert "failed" in thread and "131026 message undeliverable" in thread
    async with database.transaction(tenant=acme) as s:
        assert not (await s.execute(select(Message).where(Message.sent_by == "staff"))).first()


async def test_text_search_stays_inside_the_tenant(signed_in, database, agent, acme,
                                                   other) -> None:
    """Searching message text finds the tenant's own thread, never another's, even when
    the search function is asked for the other tenant by id."""
    from sqlalchemy import func

    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk, zanzibar please")
    await say(database, agent, other, sender=PHONE, text="zanzibar milk")
    html = await signed_in.get("/app/inbox?q=ZANZIBAR")
    assert html.count('<li class="conv') == 1 and PHONE in html
    async with database.transaction(tenant=acme) as s:
        mine = list((await s.execute(select(func.conversations_with_text(
            acme, "%zanzibar%")))).scalars())
        theirs = list((await s.execute(select(func.conversations_with_text(
            other, "%zanzibar%")))).scalars())
    assert len(mine) == 1
    assert theirs == [] or not database.rls  # the wall holds where row-level security is on
