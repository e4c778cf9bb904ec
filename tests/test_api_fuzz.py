"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis), with valid and invalid
requests: whatever a client sends, the answer is never a 5xx, and answers to valid requests match
the documented schema."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from modasearch import Engine

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from modasearch.api import create_app  # noqa: E402
from modasearch.api.settings import ApiSettings  # noqa: E402

EXAMPLES = 30  # per operation and mode


def fuzzer(operation: Any, mode: Any, statuses: list[int]) -> Callable[[], None]:
    positive = mode == schemathesis.GenerationMode.POSITIVE

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def fuzz(case: Any) -> None:
        response = case.call()
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
        if positive:
            case.validate_response(response, checks=[response_schema_conformance])

    return fuzz  # type: ignore[no-any-return]


def test_no_input_makes_a_server_error(demo_engine: Engine) -> None:
    app = create_app(engine=demo_engine, settings=ApiSettings(api_key=None, max_upload_bytes=2**20))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    statuses: list[int] = []
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
        try:
            fuzzer(operation, mode, statuses)()
        except Unsatisfiable:  # no invalid request exists (an operation without parameters)
            assert mode == schemathesis.GenerationMode.NEGATIVE
    assert len(statuses) >= 10 * len(operations) and 422 in statuses  # it really ran, both ways
