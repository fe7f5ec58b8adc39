"""Staff sign-in: argon2 password hashes, console sessions and the sign-in throttle.

A session's token lives only in the browser's cookie; `user_sessions` keeps its SHA-256,
so a copy of the table signs nobody in. Sign-in is by email (unique, lower-cased) and
password; a wrong email costs the same argon2 work as a wrong password, so timing does
not tell which emails are staff.
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from db.models import Distributor, UserProfile, UserSession
from db.models.enums import DistributorStatus, UserRole, UserStatus

SESSION_TTL = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
MIN_PASSWORD = 10
RANK = {UserRole.OPERATOR: 0, UserRole.MANAGER: 1, UserRole.ADMIN: 2, UserRole.OWNER: 3}


@functools.cache
def hasher() -> PasswordHasher:
    """The argon2id hasher (the library's current recommended parameters)."""
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def new_token() -> str:
    """A fresh unguessable token (sessions, invitations)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """How a token is stored: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return hasher().hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters"
    if len(password) > 256:
        return "use at most 256 characters"
    return None


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash (the same work when there is none)."""
    try:
        return hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff member behind a console request."""

    user_id: uuid.UUID
    distributor_id: uuid.UUID
    email: str
    name: str
    role: UserRole
    business_name: str

    def can(self, role: UserRole) -> bool:
        """Whether this member's role reaches `role` (OWNER > ADMIN > MANAGER > OPERATOR)."""
        return RANK[self.role] >= RANK[role]

    def caller(self, ip: str | None, user_agent: str | None) -> Caller:
        """The caller the API's functions and the audit see: this user, from here."""
        return Caller(self.distributor_id, f"user:{self.user_id}", ip, user_agent,
                      user_id=self.user_id)


def display_name(user: UserProfile) -> str:
    """How a member is named in the console."""
    full = " ".join(p for p in (user.first_name, user.last_name) if p)
    return user.display_name or full or user.email or "staff"


def staff_of(user: UserProfile, dist: Distributor) -> Staff:
    """The member as a console request sees them."""
    return Staff(user.id, user.distributor_id, user.email or "", display_name(user), user.role,
                 dist.business_name)


async def sign_in(db: AsyncSession, email: str, password: str, *, ip: str | None,
                  user_agent: str | None) -> tuple[str, Staff] | None:
    """Check the password; on success a new session's token and the member (db scoped ALL)."""
    row = (await db.execute(select(UserProfile, Distributor).join(
        Distributor, Distributor.id == UserProfile.distributor_id).where(
        UserProfile.email == email.strip().lower()))).first()
    stored = row[0].password_hash if row else None
    if not verify_password(stored, password):
        return None
    user, dist = row
    if user.status != UserStatus.ACTIVE or dist.status == DistributorStatus.INACTIVE:
        return None
    return await start_session(db, user, dist, ip=ip, user_agent=user_agent), staff_of(user, dist)


async def start_session(db: AsyncSession, user: UserProfile, dist: Distributor, *,
                        ip: str | None, user_agent: str | None) -> str:
    """Open a session for `user`; its token (for the cookie)."""
    token = new_token()
    now = datetime.now(UTC)
    db.add(UserSession(id=uuid.uuid4(), user_id=user.id, token_hash=digest(token),
                       last_seen_at=now, expires_at=now + SESSION_TTL, ip_address=ip,
                       user_agent=(user_agent or "")[:512] or None))
    user.last_sign_in_at = now
    user.sign_in_count += 1
    return token


async def current(db: AsyncSession, token: str | None) -> Staff | None:
    """The member signed in with this session token, or None (db scoped ALL)."""
    if not token or len(token) > 128:
        return None
    now = datetime.now(UTC)
    row = (await db.execute(select(UserSession, UserProfile, Distributor).join(
        UserProfile, UserProfile.id == UserSession.user_id).join(
        Distributor, Distributor.id == UserProfile.distributor_id).where(
        UserSession.token_hash == digest(token), UserSession.revoked_at.is_(None),
        UserSession.expires_at > now, UserProfile.status == UserStatus.ACTIVE,
        Distributor.status != DistributorStatus.INACTIVE))).first()
    if row is None:
        return None
    sess, user, dist = row
    if sess.last_seen_at is None or now - sess.last_seen_at > SEEN_EVERY:
        sess.last_seen_at = now
        user.last_activity_at = now
    return staff_of(user, dist)


async def sign_out(db: AsyncSession, token: str | None) -> None:
    """End the session behind this token."""
    if token:
        await db.execute(update(UserSession).where(
            UserSession.token_hash == digest(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC)))


async def end_sessions(db: AsyncSession, user_id: uuid.UUID) -> None:
    """End every session of a member (suspended, or role changed)."""
    await db.execute(update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC)))


class SignInThrottle:
    """Failed sign-ins per email and per client address, in a moving window (the
    `limits` package, in this process's memory): past the limit every attempt for that
    email or from that address is refused until the window moves on, right password
    or not, so a password cannot be guessed at speed."""

    def __init__(self, per_email: int = 5, per_ip: int = 30, minutes: int = 5) -> None:
        self._email = RateLimitItemPerMinute(per_email, minutes)
        self._ip = RateLimitItemPerMinute(per_ip, minutes)
        self._limiter: MovingWindowRateLimiter | None = None

    def _window(self) -> MovingWindowRateLimiter:
        if self._limiter is None:  # made on the running loop: the storage expires keys on it
            self._limiter = MovingWindowRateLimiter(MemoryStorage())
        return self._limiter

    def _keys(self, email: str, ip: str | None) -> list[tuple]:
        return [(self._email, "console-email", digest(email.strip().lower())),
                (self._ip, "console-ip", ip or "unknown")]

    async def retry_after(self, email: str, ip: str | None) -> int | None:
        """Seconds until this email and address may try again, or None when they may now."""
        limiter, wait = self._window(), 0.0
        for item, *key in self._keys(email, ip):
            if not await limiter.test(item, *key):
                stats = await limiter.get_window_stats(item, *key)
                wait = max(wait, stats.reset_time - time.time(), 1)
        return math.ceil(wait) if wait else None

    async def failed(self, email: str, ip: str | None) -> None:
        """Count one failed attempt."""
        for item, *key in self._keys(email, ip):
            await self._window().hit(item, *key)
