"""Fuzz the whole read API from its own OpenAPI document (issue 9): schemathesis generates requests for
every operation against the Flask app (WSGI, no server), over a small world of real rows, and checks that
no answer is a 5xx, every answer's status code and content type are documented and every body matches its
schema.

Bounded for CI: 25 examples per operation, derandomised (the same examples every run)."""
from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from consult import create_app
from consult.api.openapi import document

from ..conftest import TEST_CONFIG
from .conftest import build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _document() -> dict[str, Any]:
    app = create_app(TEST_CONFIG)
    with app.test_request_context():
        return document()


schema = schemathesis.openapi.from_dict(_document())
REAL: dict[str, Any] = {}  # the seeded world's ids, set by the test before generation starts


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Half of the generated paths point at the world's rows, so the fuzzer reaches real objects too."""
    if path_parameters and REAL and hash(tuple(sorted(map(str, path_parameters.items())))) % 2 == 0:
        for name in path_parameters:
            if name in REAL:
                path_parameters[name] = REAL[name]
    return path_parameters


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(case: Any, app: Any) -> None:
    if not REAL.get("ready_for") == id(app) or case.operation.schema.app is not app:
        world = build_world()
        REAL.update(consultation_id=world.invited, number=1, comment_id=world.org_comment,
                    statement_id=world.statement, slug=world.org_slug, entry_id=world.entry, ready_for=id(app))
        case.operation.schema.app = app
    case.call_and_validate(checks=CHECKS, app=app)
