"""The API's route registry and the one wrapper every route goes through.

A `Route` declares its method, path, query and body models and response model; `wrap`
gives it authentication, a tenant-scoped transaction, parsed and validated input, and a
JSON answer rendered from the declared model. The OpenAPI document (`openapi.py`) is
built from the same declarations, so what is documented is what is served.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.catalog import CatalogCache
from api.auth import AuthThrottle, Caller, anonymous, audit, authenticate, client_ip
from core.errors import BadInput, NotFound
from db.appkeys import DATABASE, KEYRING
from db.crypto import Keyring
from db.models.enums import AuditOperation
from db.tenant import ALL, scope

log = logging.getLogger(__name__)

# the API's own catalog cache (suggestions, review checks), rebuilt per catalog version
CATALOGS = web.AppKey("api_catalogs", CatalogCache)
AUTH_THROTTLE = web.AppKey("api_auth_throttle", AuthThrottle)
Op = AuditOperation
M = TypeVar("M")


@dataclass
class Ctx:
    """One authenticated request: its tenant-scoped session, caller and parsed input."""

    request: web.Request
    db: AsyncSession
    caller: Caller
    query: Any = None
    body: Any = None
    attempts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def tenant(self) -> uuid.UUID:
        """The authenticated distributor's id."""
        assert self.caller.distributor_id is not None
        return self.caller.distributor_id

    @property
    def keyring(self) -> Keyring:
        """The app's keyring (secrets at rest)."""
        return self.request.app[KEYRING]

    @property
    def catalogs(self) -> CatalogCache:
        """The app's catalog cache."""
        return self.request.app[CATALOGS]

    def path_id(self, table: str, name: str = "id") -> uuid.UUID:
        """A UUID path parameter; a malformed one is a 404, like an unknown one."""
        raw = self.request.match_info.get(name, "")
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.attempts.append((table, raw[:64]))
            raise NotFound(f"no such {table} record") from None

    async def get(self, model: type[M], name: str = "id", *, lock: bool = False) -> M:
        """The tenant's row whose id is in path parameter `name`, or 404."""
        table = model.__tablename__  # type: ignore[attr-defined]
        rid = self.path_id(table, name)
        stmt = select(model).where(model.id == rid)  # type: ignore[attr-defined]
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.db.execute(stmt)).scalar_one_or_none()
        # the tenant filter already hides other tenants' rows; this is the second wall
        if row is None or row.distributor_id != self.tenant:  # type: ignore[attr-defined]
            self.attempts.append((table, str(rid)))
            raise NotFound(f"no such {table} record")
        return row

    async def audit(self, table: str, operation: AuditOperation,
                    ids: list[uuid.UUID] | list[str] | list[uuid.UUID | None],
                    **details: Any) -> None:
        """Audit a read or write of customer data in this request's transaction."""
        await audit(self.db, self.caller, table, operation, ids, details or None)


Handler = Callable[[Ctx], Awaitable[BaseModel | None]]


@dataclass(frozen=True)
class Route:
    """One API operation, as served and as documented."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    response: type[BaseModel] | None = None
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    # raw bodies (the catalog upload), read by the handler: media type -> model or schema
    raw_body: dict[str, type[BaseModel] | dict[str, Any]] | None = None
    errors: tuple[int, ...] = ()
    description: str = ""
    public: bool = False

    @property
    def operation_id(self) -> str:
        """The OpenAPI operationId: the handler's name."""
        return self.handler.__name__


def _validation_message(exc: ValidationError, where: str) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or where
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown field {loc}"
    return f"{where}: {loc}: {first['msg']}"


def has_nul(value: Any) -> bool:
    """Whether a decoded value holds a NUL character (PostgreSQL text cannot store one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def parse_query(model: type[BaseModel], request: web.Request) -> BaseModel:
    """Validate the query string against `model` (400 naming the parameter)."""
    values: dict[str, Any] = {}
    for key in request.query:
        items = request.query.getall(key)
        if len(items) > 1:
            raise BadInput(f"query: {key}: given more than once")
        values[key] = items[0]
    if has_nul(values):
        raise BadInput("query: NUL characters are not accepted")
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise BadInput(_validation_message(exc, "query")) from None


async def parse_json(model: type[BaseModel], request: web.Request) -> BaseModel:
    """Validate a JSON body against `model` (400 naming the field)."""
    raw = await request.read()
    try:
        data = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadInput("body: not valid JSON") from None
    if has_nul(data):
        raise BadInput("body: NUL characters are not accepted")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInput(_validation_message(exc, "body")) from None


def unauthorized() -> web.Response:
    """401 with the challenge header (answered here: the error middleware sets no headers)."""
    return web.json_response({"error": "unauthorized", "message": "a valid API key is required"},
                             status=401, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def too_many_attempts(retry_after: int) -> web.Response:
    """429 for an address that failed authentication too often; Retry-After says when."""
    return web.json_response(
        {"error": "rate_limited", "message": "too many failed API key attempts; try later"},
        status=429, headers={"Retry-After": str(retry_after)})


def render(route: Route, result: BaseModel | None) -> web.Response:
    """The handler's answer as JSON with the route's status (204: no body)."""
    if route.response is None:
        return web.Response(status=route.status)
    assert isinstance(result, route.response), f"{route.operation_id} answered {type(result)}"
    return web.json_response(result.model_dump(mode="json", by_alias=True), status=route.status)


def wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for `route`: auth, one tenant transaction, input, audit, output."""

    async def handler(request: web.Request) -> web.StreamResponse:
        db = request.app[DATABASE]
        throttle, ip = request.app[AUTH_THROTTLE], client_ip(request)
        ctx: Ctx | None = None
        wait: int | None = None
        try:
            async with db.transaction(tenant=ALL) as session:
                caller = await authenticate(session, request)
                if caller is None:
                    # a valid key is never throttled (many callers may share a proxy's
                    # address); refusals past the limit are not audited one by one
                    wait = await throttle.retry_after(ip)
                    if wait is None:
                        await audit(session, anonymous(request), "distributors", Op.SELECT,
                                    [], {"refused": "unauthorized",
                                         "path": request.path[:200]})
                else:
                    # from here on the request is one tenant's: scope the session to it
                    await scope(session, caller.distributor_id)
                    ctx = Ctx(request, session, caller)
                    if route.query is not None:
                        ctx.query = parse_query(route.query, request)
                    if route.body is not None:
                        ctx.body = await parse_json(route.body, request)
                    result = await route.handler(ctx)
        except NotFound:
            if ctx is not None and ctx.attempts:
                await _audit_refused(request, ctx)
            raise
        if caller is None:
            if wait is not None:
                return too_many_attempts(wait)
            await throttle.failed(ip)
            return unauthorized()
        return render(route, result)

    handler.__name__ = route.operation_id
    return handler


async def _audit_refused(request: web.Request, ctx: Ctx) -> None:
    """Record ids asked for and refused (another tenant's, unknown, malformed)."""
    async with request.app[DATABASE].transaction(tenant=ALL) as session:
        for table, rid in ctx.attempts:
            op = Op.SELECT if request.method == "GET" else Op.UPDATE
            if request.method == "DELETE":
                op = Op.DELETE
            await audit(session, ctx.caller, table, op, [rid], {"refused": "not_found"})
