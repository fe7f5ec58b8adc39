"""The one error hierarchy, mapped to HTTP once (in the app's error middleware).

    OrderAgentError
    ├── BadInput            400: a malformed webhook or request body
    ├── Unauthorized        401: no or wrong API key
    ├── Forbidden           403: a missing or wrong provider signature
    ├── NotFound            404: unknown tenant, number, address, or another tenant's id
    ├── Conflict            409: a state that does not allow the action
    └── Unavailable         503: the database does not answer (the provider retries)
"""

from __future__ import annotations


class OrderAgentError(Exception):
    """Base of every error this service raises on purpose."""

    status = 500
    code = "error"


class BadInput(OrderAgentError):
    """The request is not in the shape we accept."""

    status = 400
    code = "bad_request"


class Unauthorized(OrderAgentError):
    """No valid API key."""

    status = 401
    code = "unauthorized"


class Forbidden(OrderAgentError):
    """The provider signature is missing or wrong."""

    status = 403
    code = "forbidden"


class NotFound(OrderAgentError):
    """Nothing this tenant may see has that id, number or address."""

    status = 404
    code = "not_found"


class Conflict(OrderAgentError):
    """The resource is in a state that does not allow this."""

    status = 409
    code = "conflict"


class Unavailable(OrderAgentError):
    """A dependency (the database) does not answer; try again later."""

    status = 503
    code = "unavailable"


class Contended(Unavailable):
    """The database gave up on a transaction over contention (a deadlock, a lock wait
    timed out, a serialization failure): running it again succeeds."""
