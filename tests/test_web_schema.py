"""schemathesis against the web app's OpenAPI schema, over HTTP to a real server (issue #20):
whatever the schema admits, or nearly admits, the server never answers with a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from flashpoint.web import WebSettings
from tests.serving import serving


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
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
        yield schemathesis.openapi.from_url(f"{address}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_makes_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error], timeout=60)
