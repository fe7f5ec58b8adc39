"""The OpenAPI 3.1 document, built from the route registry and its pydantic models."""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from api.base import Route
from api.deliveries import (
    ATTEMPT_HEADER,
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from api.models import Error
from api.webhook_endpoints import SIGNING
from mailroom.events import EventType

REF = "#/components/schemas/{model}"
ERRORS = {400: "Malformed query or body (the message names the field)",
          401: "No valid API key", 404: "No such record for this distributor",
          409: "The record's state does not allow this",
          429: "Too many failed API key attempts from this address (see Retry-After)"}
DESCRIPTION = (
    "The distributor API of orderagent. Authenticate every call with the distributor's API "
    "key: `Authorization: Bearer <key>`. Ids are opaque UUIDs; another distributor's id, or "
    "a malformed one, answers 404. Money is a decimal string. Every read or write of "
    "customer data is recorded in the distributor's data-access audit.\n\n"
    "Outbound webhooks (see `webhooks`): " + SIGNING
)
EVENT_SCHEMA = {
    "type": "object", "required": ["id", "type", "created_at", "data"],
    "properties": {"id": {"type": "string", "format": "uuid"},
                   "type": {"type": "string", "enum": [str(e) for e in EventType]},
                   "created_at": {"type": "string", "format": "date-time"},
                   "data": {"type": "object"}},
}


def _models(routes: list[Route]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    found: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for r in routes:
        if r.response is not None:
            found[(r.response, "serialization")] = None
        for model in (r.query, r.body, *(r.raw_body or {}).values()):
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[(model, "validation")] = None
    return list(found)  # type: ignore[arg-type]


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        param = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            param["description"] = prop.pop("description")
        prop.pop("title", None)
        # an absent parameter is the None of an optional field: no null in the query
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        if "default" in prop and prop["default"] is None:
            del prop["default"]
        param["schema"] = prop
        params.append(param)
    return params


def _error(code: int) -> dict[str, Any]:
    return {"description": ERRORS[code],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}


def build(routes: list[Route]) -> dict[str, Any]:
    """The whole document: every route, its parameters, bodies, answers and auth."""
    models = _models(routes)
    refs, top = models_json_schema(models, ref_template=REF)
    schemas: dict[str, Any] = copy.deepcopy(top.get("$defs", {}))
    query_names = set()
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        op: dict[str, Any] = {"operationId": r.operation_id, "summary": r.summary,
                              "tags": [r.tag]}
        if r.description:
            op["description"] = r.description
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "format": "uuid"}}
                  for name in re.findall(r"{(\w+)}", r.path)]
        if r.query is not None:
            name = refs[(r.query, "validation")]["$ref"].rsplit("/", 1)[1]
            query_names.add(name)
            params += _query_parameters(schemas[name])
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": refs[(r.body, "validation")]}}}
        if r.raw_body:
            op["requestBody"] = {"required": True, "content": {
                media: {"schema": refs[(s, "validation")] if isinstance(s, type) else s}
                for media, s in r.raw_body.items()}}
        ok: dict[str, Any] = {"description": {201: "Created", 204: "No content"}.get(
            r.status, "OK")}
        if r.response is not None:
            ok["content"] = {"application/json": {
                "schema": refs[(r.response, "serialization")]}}
        responses = {str(r.status): ok}
        for code in sorted({*r.errors, 401, 429}):
            responses[str(code)] = _error(code)
        op["responses"] = responses
        paths.setdefault(r.path, {})[r.method.lower()] = op
    for name in query_names:
        schemas.pop(name, None)
    paths["/api/openapi.json"] = {"get": {
        "operationId": "openapi", "summary": "This document", "tags": ["meta"],
        "security": [], "responses": {"200": {"description": "OK", "content": {
            "application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "orderagent distributor API", "version": "1",
                 "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {"schemas": schemas, "securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "the distributor's API key"}}},
    }


def _webhooks() -> dict[str, Any]:
    headers = [
        (EVENT_ID_HEADER, "the event id; the same on every retry", {"format": "uuid"}),
        (EVENT_HEADER, "the event type", {}),
        (ATTEMPT_HEADER, "1 for the first attempt, 2 for the first retry, ...", {}),
        (TIMESTAMP_HEADER, "unix seconds when this attempt was signed", {}),
        (SIGNATURE_HEADER, "`sha256=` + hex HMAC-SHA256(secret, `{timestamp}.{raw body}`) "
                           "(HMAC_SHA256 endpoints)", {}),
    ]
    params = [{"name": n, "in": "header", "required": n != SIGNATURE_HEADER,
               "description": d, "schema": {"type": "string", **extra}}
              for n, d, extra in headers]
    return {str(e): {"post": {
        "summary": f"`{e}` delivered to a subscribed endpoint",
        "parameters": params,
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": EVENT_SCHEMA}}},
        "responses": {"2XX": {"description": "delivered; anything else is retried"}}}}
        for e in EventType}
