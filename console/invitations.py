"""Staff invitations: create, resend, revoke, accept; the mailer; the owner's first link.

The invitation email goes out the way a customer's email reply does — through the
distributor's email integration and the outbox's SMTP sender (`channels.smtp`) — but
not through the `messages` table: a message belongs to a customer's conversation, and an
invitee is not a customer (it would show in the inbox, the exports and the retention
purge). So the invitation row is its own small outbox: `send_requested_at` says an email
is due, `run_mailer` claims due rows with SKIP LOCKED, makes a fresh token (only its hash
is stored, so the link exists only in the email), sends, and records the result.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from channels.sender import SENDERS
from channels.smtp import send_smtp
from console.auth import Staff, digest, hash_password, new_token, staff_of, start_session
from core.errors import BadInput, Conflict
from core.messages import Channel, OutboundMessage
from db.appkeys import BACKGROUND, DATABASE, KEYRING, SETTINGS
from db.crypto import Keyring
from db.engine import UNAVAILABLE_ERRORS, Database
from db.models import Distributor, ExternalIntegration, UserInvitation, UserProfile
from db.models.enums import IntegrationStatus, InvitationStatus, UserRole, UserStatus
from db.tenant import ALL, scope

log = logging.getLogger(__name__)

INVITATION_TTL = timedelta(days=7)
OWNER_LINK_TTL = timedelta(hours=24)


def link(base_url: str, token: str) -> str:
    """The accept link for a token."""
    return f"{base_url.rstrip('/')}/app/accept/{token}"


def clean_email(value: str) -> str:
    """A plausible email, lower-cased (400 otherwise)."""
    email = value.strip().lower()
    local, at, domain = email.partition("@")
    if not (at and local and "." in domain and len(email) <= 255) or any(
            c.isspace() or c in "<>\"'," for c in email):
        raise BadInput("enter a valid email address")
    return email


async def find(db: AsyncSession, token: str) -> tuple[UserInvitation, Distributor] | None:
    """The pending, unexpired invitation behind a token, and its distributor (scoped ALL)."""
    if not token or len(token) > 128:
        return None
    row = (await db.execute(select(UserInvitation, Distributor).join(
        Distributor, Distributor.id == UserInvitation.distributor_id).where(
        UserInvitation.invitation_token == digest(token),
        UserInvitation.status == InvitationStatus.PENDING,
        UserInvitation.expires_at > datetime.now(UTC)))).first()
    return None if row is None else (row[0], row[1])


async def invite(db: AsyncSession, distributor_id: uuid.UUID, email: str, role: UserRole,
                 by: uuid.UUID | None) -> UserInvitation:
    """A new pending invitation whose email is due (the mailer sends it)."""
    email = clean_email(email)
    taken = (await db.execute(select(UserProfile.id).where(
        UserProfile.email == email, UserProfile.password_hash.is_not(None)))).first()
    if taken is not None:
        raise Conflict("that email already belongs to a staff member")
    await db.execute(update(UserInvitation).where(
        UserInvitation.email == email, UserInvitation.status == InvitationStatus.PENDING)
        .values(status=InvitationStatus.REVOKED, revoked_at=datetime.now(UTC), revoked_by=by))
    inv = UserInvitation(id=uuid.uuid4(), distributor_id=distributor_id, email=email, role=role,
                         invited_by=by, invitation_token=digest(new_token()),
                         expires_at=datetime.now(UTC) + INVITATION_TTL,
                         send_requested_at=datetime.now(UTC))
    db.add(inv)
    return inv


def resend(inv: UserInvitation) -> None:
    """Ask for the email again (a fresh token: the old link stops working when it goes)."""
    if inv.status != InvitationStatus.PENDING:
        raise Conflict("only a pending invitation can be resent")
    inv.send_requested_at = datetime.now(UTC)


def revoke(inv: UserInvitation, by: uuid.UUID) -> None:
    """Withdraw a pending invitation; its link stops working."""
    if inv.status != InvitationStatus.PENDING:
        raise Conflict("only a pending invitation can be revoked")
    inv.status, inv.revoked_at, inv.revoked_by = InvitationStatus.REVOKED, datetime.now(UTC), by
    inv.send_requested_at = None


async def accept(db: AsyncSession, inv: UserInvitation, dist: Distributor, password: str, *,
                 ip: str | None, user_agent: str | None) -> tuple[str, Staff]:
    """Make (or activate) the member with the invited role and password; sign them in."""
    user = (await db.execute(select(UserProfile).where(
        UserProfile.email == inv.email))).scalar_one_or_none()
    if user is not None and user.distributor_id != inv.distributor_id:
        raise Conflict("that email already belongs to another distributor's staff")
    if user is None:
        user = UserProfile(id=uuid.uuid4(), distributor_id=inv.distributor_id, email=inv.email,
                           role=inv.role, permissions=inv.permissions or [])
        db.add(user)
    user.role, user.status, user.email_verified = inv.role, UserStatus.ACTIVE, True
    user.password_hash = hash_password(password)
    inv.status, inv.accepted_at, inv.send_requested_at = (
        InvitationStatus.ACCEPTED, datetime.now(UTC), None)
    await db.flush()
    token = await start_session(db, user, dist, ip=ip, user_agent=user_agent)
    return token, staff_of(user, dist)


async def owner_link(db: AsyncSession, distributor_id: uuid.UUID, email: str,
                     base_url: str) -> str:
    """An OWNER (new, or existing without a password) and a one-time link to set it."""
    email = clean_email(email)
    user = (await db.execute(select(UserProfile).where(
        UserProfile.email == email))).scalar_one_or_none()
    if user is not None and (user.distributor_id != distributor_id or user.password_hash):
        raise Conflict(f"{email} already has a password; sign in with it")
    if user is None:
        db.add(UserProfile(id=uuid.uuid4(), distributor_id=distributor_id, email=email,
                           role=UserRole.OWNER, status=UserStatus.PENDING))
    await db.execute(update(UserInvitation).where(
        UserInvitation.email == email, UserInvitation.status == InvitationStatus.PENDING)
        .values(status=InvitationStatus.REVOKED, revoked_at=datetime.now(UTC)))
    token = new_token()
    db.add(UserInvitation(id=uuid.uuid4(), distributor_id=distributor_id, email=email,
                          role=UserRole.OWNER, invitation_token=digest(token),
                          expires_at=datetime.now(UTC) + OWNER_LINK_TTL))
    return link(base_url, token)


async def owner_has_password(db: AsyncSession, distributor_id: uuid.UUID) -> bool:
    """Whether anyone of this distributor's staff can sign in already."""
    return (await db.execute(select(UserProfile.id).where(
        UserProfile.distributor_id == distributor_id,
        UserProfile.password_hash.is_not(None)).limit(1))).first() is not None


# --- the mailer -------------------------------------------------------------------------------

async def _email_integration(db: AsyncSession) -> ExternalIntegration | None:
    rows = (await db.execute(select(ExternalIntegration).where(
        ExternalIntegration.provider.in_(SENDERS[Channel.EMAIL]),
        ExternalIntegration.status == IntegrationStatus.ACTIVE))).scalars().all()
    rows = [r for r in rows if (r.config or {}).get("smtp_host")]
    order = SENDERS[Channel.EMAIL]
    return sorted(rows, key=lambda r: (order.index(r.provider), str(r.id)))[0] if rows else None


def _body(dist: Distributor, inv: UserInvitation, url: str) -> str:
    return (f"You are invited to join {dist.business_name}'s order desk on orderagent as "
            f"{inv.role.lower()}.\n\nChoose your password here (the link works once, for "
            f"{INVITATION_TTL.days} days):\n{url}\n\nIf you did not expect this, ignore it.")


async def send_due(db: Database, keyring: Keyring, base_url: str) -> uuid.UUID | None:
    """Send one due invitation email; its id, or None when none is due."""
    async with db.transaction(tenant=ALL) as session:
        inv = (await session.execute(select(UserInvitation).where(
            UserInvitation.send_requested_at.is_not(None),
            UserInvitation.status == InvitationStatus.PENDING)
            .order_by(UserInvitation.send_requested_at).limit(1)
            .with_for_update(skip_locked=True))).scalar_one_or_none()
        if inv is None:
            return None
        await scope(session, inv.distributor_id)
        dist = await session.get(Distributor, inv.distributor_id)
        integration = await _email_integration(session)
        inv.send_requested_at = None
        if integration is None:
            inv.last_send_error = "no email integration with an SMTP server to send it"
            return inv.id
        token = new_token()
        inv.invitation_token = digest(token)
        inv.expires_at = datetime.now(UTC) + INVITATION_TTL
        credentials = await keyring.decrypt_json(session, inv.distributor_id,
                                                 integration.credentials or {})
        config = {**(integration.config or {}),
                  "default_subject": f"Your invitation to {dist.business_name}'s order desk"}
        # sent while the row is locked: a second mailer skips it, so it goes out once
        text = _body(dist, inv, link(base_url, token))
        result = await send_smtp(OutboundMessage(
            channel=Channel.EMAIL, recipient=inv.email, text=text,
            message_id=f"invite.{inv.id}.{inv.sent_count + 1}", metadata={}),
            config=config, credentials=credentials)
        if result.ok:
            inv.sent_count += 1
            inv.last_sent_at, inv.last_send_error = datetime.now(UTC), None
        else:
            inv.last_send_error = f"not sent: {result.error or result.status_code}"[:500]
            log.warning("invitation %s not sent (%s)", inv.id, result.status_code)
        return inv.id


async def run_mailer(db: Database, keyring: Keyring, base_url: str, *,
                     poll_s: float = 2.0) -> None:
    """Send due invitation emails until cancelled."""
    while True:
        try:
            if await send_due(db, keyring, base_url) is not None:
                continue
        except asyncio.CancelledError:
            raise
        except UNAVAILABLE_ERRORS:
            log.warning("invitation mailer: database unavailable, retrying")
        except Exception:
            log.exception("invitation mailer: send step failed")
        await asyncio.sleep(poll_s)


def start_mailer() -> Callable[[web.Application], Awaitable[None]]:
    """A background starter for `create_app` (`orderagent serve`)."""

    async def start(app: web.Application) -> None:
        app[BACKGROUND].add(asyncio.create_task(run_mailer(
            app[DATABASE], app[KEYRING], app[SETTINGS].public_url)))

    return start
