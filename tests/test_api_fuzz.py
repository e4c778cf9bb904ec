"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis), with valid and
invalid requests and every check schemathesis has (not only "no 5xx": valid requests accepted,
invalid ones rejected, every status documented, 405s with Allow, responses as documented), on the
demo index. The project's schemathesis.toml says where a status depends on what no schema can say."""

from __future__ import annotations

import collections
import itertools
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modasearch import Engine

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from modasearch.api import create_app  # noqa: E402
from modasearch.api.settings import ApiSettings  # noqa: E402

CONFIG = Path(__file__).resolve().parents[1] / "schemathesis.toml"
# per operation and mode: over 1,000 requests in all; MODASEARCH_FUZZ_EXAMPLES=300 for a longer run
EXAMPLES = int(os.environ.get("MODASEARCH_FUZZ_EXAMPLES", "60"))


def fuzzer(operation: Any, mode: Any, statuses: list[int], failures: list[str]) -> Callable[[], None]:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def fuzz(case: Any) -> None:
        response = case.call()
        statuses.append(response.status_code)
        try:
            case.validate_response(response)
        except Exception as exc:
            failures.append(f"{operation.label} ({mode.name}): {str(exc)[:600]}")

    return fuzz  # type: ignore[no-any-return]


def test_every_check_passes(demo_engine: Engine) -> None:
    app = create_app(engine=demo_engine, settings=ApiSettings(api_key=None, max_upload_bytes=2**20))
    config = SchemathesisConfig.from_dict(tomllib.loads(CONFIG.read_text(encoding="utf-8")))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    statuses: list[int] = []
    failures: list[str] = []
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
        try:
            fuzzer(operation, mode, statuses, failures)()
        except Unsatisfiable:  # no invalid request exists (an operation without parameters)
            assert mode == schemathesis.GenerationMode.NEGATIVE
    counts = dict(sorted(collections.Counter(statuses).items()))
    print(f"schemathesis: {len(operations)} operations, {len(statuses)} requests, statuses {counts}")
    assert failures == [], f"{len(failures)} failed checks; the first: {failures[0]}"
    assert len(statuses) >= 1000 and 422 in statuses and 200 in statuses  # it really ran, both ways
