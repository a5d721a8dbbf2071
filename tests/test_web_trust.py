"""A server no request can stall or break (issue #36): each finding of the review, reproduced
through FastAPI's TestClient, or over a socket to a real server where the framing of a body
matters, and answered with a 4xx that says what is wrong.

1. a body past the cap sent in chunks is refused when it passes the cap, not read to its end;
2. a scenario the library could not read back, or would read slowly, is refused before it is
   kept, and the list reads a file once for each version of it;
3. NaN and 1e400, a lone surrogate, an inline shock naming an unknown actor, an id with a line
   break, a token that is not ASCII (sent, or given to ``flashpoint serve``): 4xx, not 500;
4. a seed beyond 2^64 - 1 is refused before any work, and a run whose ending fails is failed,
   not left running;
5. a run asking for more model runs than the server's limit is refused with the numbers;
6. a change asked without an Origin, or with another site's Referer, is refused;
7. a Host with a user name (``evil.com@127.0.0.1``) is refused;
8. every refusal's body is the one the OpenAPI schema documents for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import flashpoint
import flashpoint.web.library
from flashpoint.web import WebSettings, create_app
from flashpoint.web.work import work
from tests.serving import OWN_PAGE, serving
from tests.serving import settings_for as shared_settings

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
LARGEST_SEED = 2**64 - 1


def settings_for(folder: Path, **more) -> WebSettings:
    """The shared test settings with one worker and no run store."""
    return shared_settings(folder, **({"store": None, "workers": 1} | more))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("trust")


@pytest.fixture(scope="module")
def client(folder):
    """A client that sends what the app's own pages send (see tests/test_web.py)."""
    with TestClient(create_app(settings_for(folder)), headers=OWN_PAGE) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """A client that sends no Origin or Referer unless told."""
    settings = settings_for(tmp_path_factory.mktemp("bare"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """A client of a server that needs its access token."""
    settings = settings_for(tmp_path_factory.mktemp("remote"), host="0.0.0.0", token="t" * 24)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def refused(answer, status: int, *words: str) -> dict:
    """The answer is the API's refusal with this status (its documented body), naming each
    word."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body["detail"], str) and isinstance(body["problems"], list), body
    text = json.dumps(body, ensure_ascii=False)
    for word in words:
        assert word in text, (word, body)
    return body


def post_json(client: TestClient, path: str, text: str, **headers):
    """POST a JSON text as it is written (NaN, escapes), not as Python would write it."""
    return client.post(
        path, content=text.encode(), headers={"content-type": "application/json", **headers}
    )


def korea_data() -> dict:
    return flashpoint.scenario_to_data(flashpoint.load_scenario("korea-2018"))


def copenhagen_csv() -> bytes:
    text = (EXAMPLES / "copenhagen_with_errors.csv").read_text()
    return text.replace("\t160\t", "\t60\t").replace("-0.247", "0.247").encode()


def kept_files(folder: Path) -> list[str]:
    return sorted(path.name for path in (folder / "library").glob("*.yaml"))


# --- 1. a body past the cap, in chunks --------------------------------------------------------

MULTIPART_HEAD = (
    b'--edge\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)


@pytest.mark.parametrize(
    "path, head, content_type",
    [
        ("/api/scenarios/validate", b"", "application/json"),
        ("/api/scenarios/upload", MULTIPART_HEAD, "multipart/form-data; boundary=edge"),
    ],
    ids=["json", "upload"],
)
def test_a_chunked_body_past_the_cap_is_refused_without_reading_the_rest(
    tmp_path, path, head, content_type
):
    """No Content-Length, so nothing to refuse up front: the server counts what arrives and
    refuses at the cap (1 MB and the form's megabyte), reading no more (the connection
    closes), where it used to read all 100 MB (a 1.5 GB upload went to a temporary file)."""
    total = 100 * 2**20
    sent = 0

    def body():
        nonlocal sent
        yield head
        chunk = b"x" * 2**16
        while sent < total:
            sent += len(chunk)
            yield chunk

    with serving(settings_for(tmp_path, allowed_hosts=())) as address:
        answer = httpx.post(
            address + path,
            content=body(),
            headers={"content-type": content_type, "origin": address},
            timeout=120,
        )
    refused(answer, 413, "larger than this server accepts (1 MB")
    assert answer.headers["connection"] == "close"
    assert sent < total / 4, f"the server read {sent / 2**20:.0f} MB of {total / 2**20:.0f} MB"
    assert kept_files(tmp_path) == []


def test_a_chunked_upload_under_the_cap_is_read_whole(tmp_path):
    content = copenhagen_csv()
    with serving(settings_for(tmp_path, allowed_hosts=())) as address:
        parts = iter([MULTIPART_HEAD, content[:1000], content[1000:], b"\r\n--edge--\r\n"])
        answer = httpx.post(
            address + "/api/scenarios/upload",
            content=parts,
            headers={"content-type": "multipart/form-data; boundary=edge", "origin": address},
        )
    assert answer.status_code == 201, answer.text
    assert kept_files(tmp_path) == [f"{answer.json()['id']}.yaml"]


# --- 2. what the library keeps, and how often it reads it --------------------------------------


def test_an_upload_the_library_could_not_read_back_is_refused_before_it_is_kept(
    tmp_path, monkeypatch
):
    """The library's YAML files are read with the loader's limit on the values of a YAML file,
    which a table is not subject to: a table that loads but whose YAML would not (the
    300,000-row workbook) is refused, where it used to be kept and then broke every page."""
    korea = korea_data()
    monkeypatch.setenv("FLASHPOINT_MAX_VALUES", "200")  # Copenhagen's YAML holds 308
    with TestClient(create_app(settings_for(tmp_path)), headers=OWN_PAGE) as fresh:
        upload = fresh.post(
            "/api/scenarios/upload", files={"file": ("copenhagen.csv", copenhagen_csv())}
        )
        refused(upload, 422, "could not keep this one", "200")
        saved = fresh.post("/api/scenarios", json={"id": "mine", "scenario": korea})
        refused(saved, 422, "cannot keep", "could not keep this one")
        assert kept_files(tmp_path) == []
        listed = fresh.get("/api/scenarios").json()
        assert [entry for entry in listed["scenarios"] if not entry["bundled"]] == []
        assert not [p for p in listed["problems"] if "copenhagen.yaml" in p or "mine.yaml" in p]


def test_a_scenario_too_slow_to_read_back_is_refused_with_the_estimate(tmp_path, monkeypatch):
    """The loader's estimate of a file's reading time (what the command line announces) decides:
    here every file is estimated slow, so the upload is refused with it, and nothing is kept."""
    monkeypatch.setattr("flashpoint.scenario.guard.SLOW_READ", 0.0)
    with TestClient(create_app(settings_for(tmp_path)), headers=OWN_PAGE) as fresh:
        upload = fresh.post(
            "/api/scenarios/upload", files={"file": ("copenhagen.csv", copenhagen_csv())}
        )
        refused(upload, 422, "too large for the web app's library", "to read and check")
        assert kept_files(tmp_path) == []


def test_the_library_reads_a_file_once_for_each_version_of_it(tmp_path, monkeypatch):
    """A file that does not load (put in the folder by hand) is read once, not on every view of
    the list (each read of the large one took two minutes); once changed, it is read again."""
    reads: list[str] = []

    def counted(source, **options):
        reads.append(Path(str(source)).name)
        return flashpoint.load_scenario(source, **options)

    monkeypatch.setattr(flashpoint.web.library, "load_scenario", counted)
    library = tmp_path / "library"
    library.mkdir()
    broken = library / "broken.yaml"
    broken.write_text("title: [unclosed\n")
    with TestClient(create_app(settings_for(tmp_path)), headers=OWN_PAGE) as fresh:
        for _ in range(3):
            assert fresh.get("/").status_code == 200
            assert "broken.yaml" in fresh.get("/api/scenarios").json()["problems"][0]
        assert reads.count("broken.yaml") == 1
        broken.write_text("title: [still unclosed\n")
        fresh.get("/api/scenarios")
        assert reads.count("broken.yaml") == 2


# --- 3. six kinds of 500 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"kind": "forecast", "draws": NaN}', ["NaN", "not a number"]),
        ('{"kind": "forecast", "draws": 1e400}', ["1e400", "too large"]),
        ('{"kind": "forecast", "jitter": -Infinity}', ["-Infinity"]),
        ('{"kind": "forecast", "scenario": "\\ud800"}', ["U+D800", "lone surrogate", "scenario"]),
        ('{"kind": "forecast", "models": ["eum\\udfff"]}', ["U+DFFF", "models[0]"]),
        ('{"kind": "forecast", "\\ud800": 1}', ["U+D800", "<U+D800>"]),
    ],
)
def test_numbers_and_texts_json_does_not_allow_are_refused(client, text, words):
    refused(post_json(client, "/api/runs", text), 422, *words)


def test_a_lone_surrogate_in_a_scenario_is_refused_wherever_it_is_sent(client):
    text = json.dumps(korea_data()).replace('"Korean', '"\\ud800Korean', 1)
    refused(post_json(client, "/api/scenarios/validate", text), 422, "lone surrogate", "title")
    saved = post_json(client, "/api/scenarios", f'{{"id": "x", "scenario": {text}}}')
    refused(saved, 422, "scenario.title")
    refused(post_json(client, "/api/scenarios", '{"id": "\\udc00", "scenario": {}}'), 422, "id")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"actor": "nobody", "field": "capability", "set": 1}, ["unknown actor 'nobody'"]),
        (
            {"actor": "china", "issue": "nothing", "field": "position", "set": 1},
            ["unknown issue 'nothing'"],
        ),
    ],
)
def test_an_inline_shock_naming_what_the_scenario_lacks_is_refused(client, change, words):
    shock = {"id": "what-if", "changes": [change]}
    request = {"kind": "compare", "scenario": "korea-2018", "draws": 10, "shocks": [[shock]]}
    body = refused(client.post("/api/runs", json=request), 422, "does not fit", *words)
    assert body["problems"][0]["path"].startswith("shocks[0].changes[0]")


def test_an_id_with_a_line_break_is_not_an_id(client, folder):
    """``korea-2018\\n`` passed the id check and saved a file that looked like Korea's."""
    for send in (client.put, client.get, client.delete):
        options = {"json": korea_data()} if send == client.put else {}
        answer = send("/api/scenarios/korea-2018%0a", **options)
        refused(answer, 404, "not a scenario id", "korea-2018<U+000A>")
    assert not [name for name in kept_files(folder) if "\n" in name]


@pytest.mark.parametrize(
    "where",
    [
        {"headers": {"authorization": b"Bearer \xc3\xa9t\xc3\xa9-\xc3\xa0-la-plage!"}},
        {"params": {"token": "été-à-la-plage!!"}},
        {"headers": {"cookie": b"flashpoint_token=\xc3\xa9\xc3\xa9"}},
    ],
    ids=["header", "query", "cookie"],
)
def test_a_token_that_is_not_ascii_is_a_wrong_token(remote, where):
    refused(remote.get("/api/health", **where), 401, "access token")
    assert remote.get("/api/health", headers={"authorization": "Bearer " + "t" * 24}).is_success


@pytest.mark.parametrize("token", ["é" * 20, "tokens have no spaces", "tab\there-and-more-text"])
def test_a_server_token_that_is_not_plain_ascii_is_refused_at_start(token):
    with pytest.raises(ValueError, match="ASCII letters, digits and punctuation"):
        WebSettings(host="0.0.0.0", token=token)


def test_flashpoint_serve_refuses_a_token_that_is_not_ascii(tmp_path):
    environment = {**os.environ, "FLASHPOINT_LIBRARY": str(tmp_path / "library")}
    process = subprocess.run(
        [sys.executable, "-m", "flashpoint", "serve", "--no-store", "--token", "é" * 20],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    said = " ".join(process.stderr.split())
    assert process.returncode == 1, said
    assert "ASCII letters, digits and punctuation" in said and "Traceback" not in said


# --- 4. seeds, and runs that end ---------------------------------------------------------------


def test_a_seed_beyond_its_range_is_refused_before_any_work(client):
    before = client.get("/api/runs").json()["runs"]
    request = {"kind": "forecast", "draws": 2, "seed": LARGEST_SEED + 1}
    refused(client.post("/api/runs", json=request), 422, "seed", str(LARGEST_SEED))
    assert client.get("/api/runs").json()["runs"] == before  # no run started


def test_the_largest_seed_runs(client):
    request = {"kind": "forecast", "draws": 2, "seed": LARGEST_SEED, "models": ["compromise"]}
    job = client.post("/api/runs", json=request)
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + 300
    while (status := client.get(f"/api/runs/{job.json()['id']}").json())["state"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status["state"] == "done", status


def test_a_run_whose_ending_fails_is_failed_not_left_running():
    """Any exception where a run ends (recording it, reading its result) marks it failed with
    what was raised; it used to leave the run "running" for ever."""
    from flashpoint.web.jobs import Jobs

    jobs = Jobs(workers=1, store=None, warm=False)

    def broken(job, state):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    jobs._record = broken
    try:
        request = flashpoint.ForecastRequest(
            scenario=flashpoint.load_scenario("korea-2018"), models=["compromise"], draws=2
        )
        job = jobs.submit(request, "a forecast")
        deadline = time.monotonic() + 300
        while job.state not in ("done", "failed", "cancelled"):
            assert time.monotonic() < deadline, f"the run is still {job.state}"
            time.sleep(0.1)
        assert job.state == "failed"
        assert "OverflowError" in job.failure.message and "SQLite" in job.failure.message
    finally:
        jobs.close()


# --- 5. the work of one request ----------------------------------------------------------------


def test_a_run_asking_more_model_runs_than_the_limit_is_refused_with_the_numbers(client):
    shocks = [["us_maximum_pressure"]] * 300
    request = {"kind": "compare", "scenario": "korea-2018", "draws": 5000, "shocks": shocks}
    refused(
        client.post("/api/runs", json=request),
        422,
        "301 variants × 5,000 draws = 1,505,000 model runs",
        "limit is 1,000,000",
        "lower the draws",
    )
    assert all(run["kind"] != "compare" for run in client.get("/api/runs").json()["runs"])


@pytest.mark.parametrize("scenario_id", flashpoint.bundled_names())
def test_what_the_pages_ask_by_default_is_within_the_default_limit(scenario_id):
    """The forms' defaults (forecast and compare 1,000 draws, tornado 500, Morris and Sobol
    200 samples, backtest 100 draws), and a forecast of the most draws, pass the default
    limit."""
    scenario = flashpoint.load_scenario(scenario_id)
    limit = WebSettings().max_model_runs
    defaults = [
        flashpoint.ForecastRequest(draws=1000),
        flashpoint.ForecastRequest(draws=WebSettings().max_draws),
        flashpoint.CompareRequest(draws=1000),
        flashpoint.SensitivityRequest(method="tornado", draws=500),
        flashpoint.SensitivityRequest(method="morris", samples=200),
        flashpoint.SensitivityRequest(method="sobol", samples=200),
        flashpoint.BacktestRequest(draws=100, folds=10),
        flashpoint.LeversRequest(actor=scenario.actors[0].id),
    ]
    for request in defaults:
        assert work(request, scenario).model_runs <= limit, (request, work(request, scenario))


def test_the_work_of_each_kind_of_run_is_counted_by_its_factors():
    korea = flashpoint.load_scenario("korea-2018")  # 5 shocks, 11 uncertain inputs, 6 issues
    cases = [
        (flashpoint.ForecastRequest(draws=300), "300 draws = 300 model runs"),
        (flashpoint.CompareRequest(draws=100), "6 variants × 100 draws = 600"),
        (flashpoint.SensitivityRequest(draws=10), "23 settings of the inputs × 10 draws = 230"),
        (flashpoint.SensitivityRequest(method="sobol", samples=64), "64 samples × 13 points"),
        (flashpoint.SensitivityRequest(method="morris"), "20 samples × 12 points each = 240"),
        (flashpoint.BacktestRequest(draws=7), "6 issues × 7 draws = 42"),
        (
            flashpoint.LeversRequest(actor="china", generations=4, draws=10),
            "5 generations × 36 offers each × 10 draws = 1,800",
        ),
    ]
    for request, words in cases:
        assert words in work(request, korea).describe(), (request.kind, words)


# --- 6. another site's page, or none ------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, status, words",
    [
        ({"referer": "http://evil.example/page"}, 403, "another site"),
        ({"origin": "http://testserver", "referer": "http://evil.example/"}, 403, "another site"),
        ({"origin": "null"}, 403, "another site"),
        ({"origin": "http://testserver:8765"}, 403, "another site"),
        ({}, 403, "does not say which page"),
        ({"referer": "http://testserver/scenarios/korea-2018"}, 200, ""),
        ({"origin": "http://testserver"}, 200, ""),
    ],
)
def test_a_change_is_taken_only_from_this_servers_own_pages(bare, headers, status, words):
    answer = bare.post("/api/scenarios/validate", json=korea_data(), headers=headers)
    if status == 200:
        assert answer.status_code == 200, answer.text
    else:
        refused(answer, status, words)
    assert bare.get("/api/health").status_code == 200  # reading needs no page


# --- 7. the Host ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host, status",
    [
        ("evil.com@127.0.0.1:8799", 400),
        ("evil.com:x@localhost", 400),
        ("127.0.0.1:8765/path", 400),
        ("127.0.0.1:99999", 400),
        ("[::1", 400),
        ("", 400),
        ("evil.com", 400),
        ("127.0.0.1:8765", 200),
        ("localhost:9000", 200),  # through a tunnel, on another port
        ("[::1]:8765", 200),
    ],
)
def test_the_host_is_read_as_an_address(client, host, status):
    answer = client.get("/api/health", headers={"host": host})
    if status == 200:
        assert answer.status_code == 200, answer.text
    else:
        refused(answer, status, "server")


# --- 8. the refusals the schema documents --------------------------------------------------------


def test_every_refusal_is_documented_with_the_body_it_is_sent_with(client):
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "413"} <= set(responses), (method, path)
            if method != "get":
                assert "403" in responses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error
    body = refused(client.post("/api/runs", json={"kind": "forecast", "draws": 0}), 422, "draws")
    assert body["problems"][0]["path"] == "forecast.draws"
