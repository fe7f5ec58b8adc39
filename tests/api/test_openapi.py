"""The OpenAPI document: valid, complete, and true of the live server (schemathesis)."""

from __future__ import annotations

import asyncio

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from api import ROUTES
from db.models import AIResponse, WebhookEndpoint
from tests.api.conftest import KEY_A, auth

MAX_EXAMPLES = 10
POSITIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                   response_schema_conformance, response_headers_conformance]
NEGATIVE_CHECKS = [not_a_server_error, negative_data_rejection, content_type_conformance]


async def test_the_document_is_valid_and_covers_every_route(client) -> None:
    """openapi-spec-validator accepts it; every /api route served is documented, and back."""
    doc = await (await client.get("/api/openapi.json")).json()
    validate(doc)
    served = {(r.method, r.resource.canonical) for r in client.server.app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith("/api/")
              and r.method != "HEAD"}
    documented = {(method.upper(), path) for path, ops in doc["paths"].items()
                  for method in ops}
    assert served == documented
    assert {r.operation_id for r in ROUTES} <= {
        op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "X-OrderAgent-Signature" in doc["info"]["description"]
    assert set(doc["webhooks"]) >= {"message.created", "order.created", "order.confirmed",
                                    "order.review_required"}


def _property(strategy, checks: list, base_url: str):
    """One hypothesis test: every generated case is sent and its answer checked."""

    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                         derandomize=True, phases=[hypothesis.Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def check(case) -> None:
        case.call_and_validate(base_url=base_url, headers=auth(KEY_A), checks=checks)

    return check


def _run(doc: dict, base_url: str, fixed_ids: dict[str, str]) -> list[str]:
    """Schemathesis over every operation, positive and negative; returns the failures."""
    schema = schemathesis.openapi.from_dict(doc)
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    # the catalog upload replaces the catalog: last, so the others see real data first
    operations.sort(key=lambda op: (op.method.upper() == "PUT", op.method.upper() == "DELETE"))
    for op in operations:
        prefix = op.path.split("/{")[0]
        variants = [None]
        if "{id}" in op.path and prefix in fixed_ids:
            variants.append({"id": fixed_ids[prefix]})
        for mode, checks in ((GenerationMode.POSITIVE, POSITIVE_CHECKS),
                             (GenerationMode.NEGATIVE, NEGATIVE_CHECKS)):
            for path_parameters in variants:
                strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters)
                try:
                    _property(strategy, checks, base_url)()
                except hypothesis.errors.Unsatisfiable:
                    continue  # nothing to make invalid (no parameters, no body)
                except Exception as exc:  # a failure report names the case and the check
                    failures.append(f"{op.method.upper()} {op.path} [{mode}]: {exc}"[:3000])
    return failures


async def test_schemathesis_finds_no_server_errors_and_no_schema_drift(client, database, demo,
                                                                       world) -> None:
    """Generated requests against the live server: no 500, answers as documented."""
    doc = await (await client.get("/api/openapi.json")).json()
    async with database.transaction(tenant=demo) as s:
        response = (await s.execute(select(AIResponse.id).limit(1))).scalar_one()
        endpoint = WebhookEndpoint(distributor_id=demo, name="x", url="http://127.0.0.1:9/",
                                   events=["order.created"])
        s.add(endpoint)
        await s.flush()
    fixed = {"/api/conversations": str(world.conversation), "/api/orders":
             str(world.review_order), "/api/ai/responses": str(response),
             "/api/webhook-endpoints": str(endpoint.id)}
    base_url = str(client.server.make_url("/")).rstrip("/")
    failures = await asyncio.to_thread(_run, doc, base_url, fixed)
    assert not failures, "\n\n".join(failures)
