"""schemathesis against the web app's OpenAPI schema, over HTTP to a real server (issue #20):
whatever the schema admits, or nearly admits, the server never answers with a 5xx, and every
answer is one the schema documents: its status among the operation's responses, its body of
the documented shape (issue #36: refusals, 422 among them, are each an ErrorOut).

The cases are drawn with hypothesis from each operation's strategy, not through schemathesis's
pytest plugin, whose lazy fixture reaches into pytest's private attributes (it broke with pytest
9.2, issue #32): this test depends only on the two libraries' public APIs."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from flashpoint.web import WebSettings
from tests.serving import serving

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The address of a server for the cases."""
    folder = tmp_path_factory.mktemp("schema")
    web = WebSettings(
        library=folder / "library",
        store=folder / "runs.sqlite",
        workers=1,
        max_draws=50,
        max_upload_mb=0.5,
        warm=False,
    )
    with serving(web) as address:
        yield address


@pytest.fixture(scope="module")
def api_schema(server):
    return schemathesis.openapi.from_url(f"{server}/openapi.json")


def send_drawn_requests(operation, mode: GenerationMode, address: str) -> bool:
    """Send ``EXAMPLES_PER_OPERATION`` requests drawn for one operation (the same every run),
    each as the app's own page sends it (with its Origin); raise schemathesis's failure, shrunk
    by hypothesis, if one is answered with a 5xx or with a status or body the schema does not
    document. False when the operation has no request of that mode (nothing in it to get
    wrong)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        case.call_and_validate(headers={"Origin": address}, checks=CHECKS, timeout=60)

    try:
        check()
    except Unsatisfiable:
        return False
    return True


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_no_request_makes_a_server_error(api_schema, server, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, "the schema lists the app's operations"
    sent = [send_drawn_requests(operation, mode, server) for operation in operations]
    assert sum(sent) >= len(operations) // 2, "most operations had requests sent"
