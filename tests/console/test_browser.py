"""The console in a real browser: Playwright driving the system's Chromium against the
real app on a real port and the real test database. Each page is screenshotted into
`reports/screenshots/` (git-ignored)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from console.invitations import send_due
from db.models import Conversation, Message, Order
from db.models.enums import MessageStatus
from evaluation.local import say
from tests.channels.webhook_env import KEYRING
from tests.console.conftest import OWNER, PASSWORD, whatsapp

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

CHROMIUM = os.environ.get("ORDERAGENT_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser") or "/usr/bin/chromium"
SHOTS = Path(__file__).parents[2] / "reports" / "screenshots"
PHONE = "+13055550101"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):  # CI installs it (.ci/run)
    pytest.skip("no Chromium on this machine (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture
async def browser():
    """Chromium, headless, launched by its executable path."""
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=["--no-sandbox", "--disable-gpu"])
        yield browser
        await browser.close()


@pytest.fixture
async def base(aiohttp_server, app) -> str:
    """The real app listening on a real port."""
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/")


async def page_of(browser, viewport=DESKTOP):
    """A fresh browser context (its own cookies) and a page in it."""
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    return page


async def shot(page, name: str) -> None:
    """Save a screenshot of the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def sign_in(page, base: str, email: str = OWNER, password: str = PASSWORD) -> None:
    """Sign in through the form."""
    await page.goto(base + "/")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


async def test_a_signed_webhook_appears_in_the_inbox_without_reload(browser, base, database,
                                                                    acme) -> None:
    """Signed in, the desk watches the inbox; a WhatsApp message (with a <script> in it)
    arrives through the signed webhook and shows up, as text, without a reload."""
    page = await page_of(browser)
    await page.goto(base + "/")
    await shot(page, "01-signin")
    await sign_in(page, base)
    await expect(page.get_by_text("No conversations match.")).to_be_visible()
    marker = await page.evaluate("() => (window.__marker = Math.random())")
    async with aiohttp.ClientSession() as http:
        resp = await http.post(base + "/webhooks/whatsapp", **whatsapp(
            "<script>window.pwned=1</script> 2 cs whole milk please"))
        assert resp.status == 200
    row = page.locator(".conv").first
    await expect(row).to_contain_text("<script>window.pwned=1</script> 2 cs whole milk",
                                      timeout=8_000)
    await expect(row).to_contain_text("Sheena Nelson")
    assert await page.evaluate("() => window.__marker") == marker  # the same page: no reload
    assert await page.evaluate("() => window.pwned") is None  # shown, never run
    await shot(page, "02-inbox")
    await row.get_by_role("link").click()
    await expect(page.locator(".msg.in .bubble")).to_contain_text("<script>window.pwned=1")
    assert await page.evaluate("() => window.pwned") is None
    await shot(page, "03-thread")
    phone = await page_of(browser, MOBILE)
    await sign_in(phone, base)
    await shot(phone, "02-inbox-phone")


async def test_a_suggestion_is_sent_and_shows_queued(browser, base, database, agent,
                                                     acme) -> None:
    """One click puts a suggestion in the reply box; edited and sent, it shows as queued."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk and 1 cs buns")
    page = await page_of(browser)
    await sign_in(page, base)
    await page.locator(".conv a").first.click()
    await expect(page.get_by_role("heading", name="Suggested replies")).to_be_visible()
    await page.get_by_role("button", name="Use suggestion 1").click()
    box = page.get_by_label("Reply to the customer")
    suggested = await box.input_value()
    assert suggested and suggested == (await page.locator(".sugg-text").first.inner_text())
    await box.fill(suggested + " (staff)")
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.get_by_role("status")).to_contain_text("Reply queued")
    mine = page.locator(".msg.out").last
    await expect(mine).to_contain_text("(staff)")
    await expect(mine.locator(".status")).to_have_text("queued")
    async with database.transaction(tenant=acme) as s:
        sent = (await s.execute(select(Message).where(Message.sent_by == "staff"))).scalar_one()
    assert sent.status == MessageStatus.QUEUED and sent.content.endswith("(staff)")
    phone = await page_of(browser, MOBILE)
    await sign_in(phone, base)
    await phone.locator(".conv a").first.click()
    await shot(phone, "03-thread-phone")


async def test_a_review_correction_makes_the_next_identical_message_match(
        browser, base, database, agent, acme) -> None:
    """In the queue, keys pick the alternative and approve; the same wording from another
    customer then matches that product by itself."""
    await say(database, agent, acme, sender=PHONE, text="2 cs whole milk and 1 cs buns")
    await say(database, agent, acme, sender=PHONE, text="yes")
    page = await page_of(browser)
    await sign_in(page, base)
    await page.get_by_role("link", name="Review").click()
    card = page.locator(".review-card").first
    await expect(card).to_be_focused()
    choice = card.locator("select.line-choice")
    await shot(page, "04-review")
    await page.keyboard.press("1")  # the first alternative
    chosen = await choice.evaluate("s => s.options[s.selectedIndex].text")
    sku = await choice.input_value()
    await page.keyboard.press("a")  # approve
    await expect(page.get_by_role("status")).to_contain_text("Learned")
    await expect(page.get_by_text("Nothing waits for review.")).to_be_visible()
    other = "+13055550199"
    await say(database, agent, acme, sender=other, text="2 cs whole milk and 1 cs buns")
    async with database.transaction(tenant=acme) as s:
        conv = (await s.execute(select(Conversation).order_by(
            Conversation.created_at.desc()).limit(1))).scalar_one()
    await page.goto(f"{base}/app/c/{conv.id}")
    line = page.locator("aside.session tbody tr", has_text=sku)
    await expect(line).to_be_visible()
    await expect(line).not_to_have_class(re.compile("unsure"))
    assert chosen.split(" (")[0] in await line.inner_text()
    await say(database, agent, acme, sender=other, text="yes")
    async with database.transaction(tenant=acme) as s:
        newest = (await s.execute(select(Order).order_by(Order.created_at.desc()).limit(1))
                  ).scalar_one()
    assert not newest.requires_review
    for name, path in (("05-orders", "/app/orders"), ("06-order", f"/app/orders/{newest.id}"),
                       ("07-catalog", "/app/catalog?try=1%20cs%20buns"), ("08-ai", "/app/ai")):
        await page.goto(base + path)
        await expect(page.locator("main h1")).to_be_visible()
        await shot(page, name)


async def test_invite_a_user_who_accepts(browser, base, database, acme, smtp) -> None:
    """The owner invites an operator; the emailed link sets a password and signs them in."""
    page = await page_of(browser)
    await sign_in(page, base)
    await page.get_by_role("link", name="Team").click()
    await page.get_by_label("Email").fill("sam@acme.example")
    await page.get_by_label("Role").select_option("OPERATOR")
    await page.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_role("status")).to_contain_text("sam@acme.example")
    assert await send_due(database, KEYRING, base) is not None  # the mailer's step
    await page.reload()
    await expect(page.locator("table").first).to_contain_text("1×")
    await shot(page, "09-team")
    url = re.search(r"http://\S+/app/accept/\S+", smtp.messages[-1].message.get_content())
    invited = await page_of(browser)
    await invited.goto(url.group(0))
    await expect(invited.get_by_role("heading", name=re.compile("^Join"))).to_be_visible()
    await shot(invited, "10-accept")
    await invited.get_by_label("New password").fill("a fine long password")
    await invited.get_by_label("The same password again").fill("a fine long password")
    await invited.get_by_role("button", name="Set password and sign in").click()
    await expect(invited.get_by_role("heading", name="Inbox")).to_be_visible()
    await expect(invited.get_by_role("link", name="Team")).to_have_count(0)  # an operator
    await page.reload()
    await expect(page.locator("table").last).to_contain_text("sam@acme.example")


async def test_a_wrong_password_is_throttled(browser, base, acme) -> None:
    """Five wrong passwords, then even the right one is refused for a while."""
    page = await page_of(browser)
    await page.goto(base + "/app/signin")
    for _ in range(5):
        await page.get_by_label("Email").fill(OWNER)
        await page.get_by_label("Password").fill("not the password")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_have_text(
            "That email and password do not match.")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("Too many failed attempts")
    await shot(page, "11-signin-throttled")
    await expect(page.get_by_role("heading", name="Inbox")).to_have_count(0)
