"""The web app's JSON API and pages through FastAPI's TestClient (issue #20): every endpoint, bad
input (a clear 4xx, never a 500), the guard (host, origin, token, size), escaping, ten forecasts
at once, and results equal to the library's for the same request."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import flashpoint
from flashpoint.web import WebSettings, create_app
from tests.serving import FINISHED, OWN_PAGE, settings_for, start, wait

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="module")
def client(folder):
    """A client that sends what the app's own pages send: each request that changes something
    says it comes from this server's page (the guard refuses one that does not say)."""
    with TestClient(create_app(settings_for(folder)), headers=OWN_PAGE) as test_client:
        yield test_client


def without_timings(document: dict) -> dict:
    """A result document without its timings, and with its request's scenario left out (the
    server sends the loaded scenario where the library call names it)."""
    kept = {key: value for key, value in document.items() if key != "timings"}
    kept["request"] = {key: value for key, value in kept["request"].items() if key != "scenario"}
    return kept


def refused(answer, status: int, *words: str) -> dict:
    """The answer is the API's refusal with this status, naming each word."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    text = json.dumps(body)
    for word in words:
        assert word in text, (word, body)
    return body


def korea_data() -> dict:
    return flashpoint.scenario_to_data(flashpoint.load_scenario("korea-2018"))


# --- the library -----------------------------------------------------------------------------


def test_the_library_lists_the_bundled_scenarios(client):
    listed = client.get("/api/scenarios").json()
    ids = [entry["id"] for entry in listed["scenarios"]]
    assert set(flashpoint.bundled_names()) <= set(ids)
    korea = next(e for e in listed["scenarios"] if e["id"] == "korea-2018")
    assert (korea["actors"], korea["issues"], korea["futures"], korea["bundled"]) == (7, 6, 3, True)


def test_a_scenario_comes_whole_and_loads_back(client):
    answer = client.get("/api/scenarios/korea-2018").json()
    assert flashpoint.scenario_from_data(answer["scenario"]) == flashpoint.load_scenario(
        "korea-2018"
    )


@pytest.mark.parametrize("format", ["yaml", "json", "xlsx", "csv"])
def test_a_scenario_downloads_in_each_format(client, tmp_path, format):
    answer = client.get(f"/api/scenarios/copenhagen-2009/download?format={format}")
    assert answer.status_code == 200
    name = answer.headers["content-disposition"].split('filename="')[1].rstrip('"')
    path = tmp_path / name
    path.write_bytes(answer.content)
    loaded = flashpoint.load_scenario(path)
    assert [a.id for a in loaded.actors] == [
        a.id for a in flashpoint.load_scenario("copenhagen-2009").actors
    ]


@pytest.mark.parametrize(
    "path, status, word",
    [
        ("/api/scenarios/no-such-thing", 404, "no scenario 'no-such-thing'"),
        ("/api/scenarios/..%2F..%2Fetc%2Fpasswd", 404, "etc/passwd"),
        ("/api/scenarios/..%2e%2e", 404, "not a scenario id"),
        ("/api/scenarios/Korea 2018", 404, "not a scenario id"),
        ("/api/scenarios/korea-2018/download?format=exe", 422, "exe"),
        ("/api/runs/nothing", 404, "no run 'nothing'"),
        ("/api/runs/nothing/result", 404, "no run"),
        ("/api/history/99999", 404, "no run 99999"),
        ("/api/history/0", 422, "run_id"),
        ("/api/nowhere", 404, "/api/nowhere"),
    ],
)
def test_unknown_things_are_clear_4xx(client, path, status, word):
    refused(client.get(path), status, word)


def test_validation_places_each_problem_by_its_path(client):
    data = korea_data()
    data["actors"][0]["issues"]["denuclearization"]["salience"] = 140
    data["actors"][1]["capability"] = "lots"
    answer = client.post("/api/scenarios/validate", json=data).json()
    assert answer["ok"] is False
    paths = {problem["path"]: problem["message"] for problem in answer["problems"]}
    assert "above" in paths["actors[0].issues.denuclearization.salience"]
    assert "actors[1].capability" in paths
    assert client.post("/api/scenarios/validate", json=korea_data()).json() == {
        "ok": True,
        "problems": [],
    }


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_validating_what_is_not_a_scenario_is_a_422(client, body):
    assert client.post("/api/scenarios/validate", json=body).status_code == 422


def test_saving_editing_and_deleting_a_scenario_of_ones_own(client):
    data = korea_data()
    data["actors"][0]["issues"]["denuclearization"]["salience"] = 80
    saved = client.post("/api/scenarios", json={"id": "korea-mine", "scenario": data})
    assert saved.status_code == 201, saved.text
    assert saved.json()["id"] == "korea-mine"
    again = client.post("/api/scenarios", json={"id": "korea-mine", "scenario": data}).json()
    assert again["id"] == "korea-mine-2"  # a taken id is never overwritten
    stored = client.get("/api/scenarios/korea-mine").json()
    assert stored["scenario"]["actors"][0]["issues"]["denuclearization"]["salience"] == 80
    assert stored["summary"]["bundled"] is False

    data["title"] = "Changed"
    assert client.put("/api/scenarios/korea-mine", json=data).json()["title"] == "Changed"
    data["actors"][0]["issues"]["denuclearization"]["position"] = 250
    body = refused(client.put("/api/scenarios/korea-mine", json=data), 422, "above")
    assert body["problems"][0]["path"] == "actors[0].issues.denuclearization.position"
    assert client.get("/api/scenarios/korea-mine").json()["summary"]["title"] == "Changed"

    assert client.delete("/api/scenarios/korea-mine-2").status_code == 204
    refused(client.get("/api/scenarios/korea-mine-2"), 404, "no scenario")
    refused(client.delete("/api/scenarios/korea-mine-2"), 404, "no scenario")


def test_a_bundled_scenario_cannot_be_changed_or_deleted(client):
    refused(client.put("/api/scenarios/korea-2018", json=korea_data()), 409, "bundled")
    refused(client.delete("/api/scenarios/korea-2018"), 409, "bundled")
    assert client.get("/api/scenarios/korea-2018").status_code == 200


def test_the_broken_copenhagen_file_is_refused_with_both_problems(client):
    path = EXAMPLES / "copenhagen_with_errors.csv"
    answer = client.post(
        "/api/scenarios/upload", files={"file": (path.name, path.read_bytes(), "text/csv")}
    )
    body = refused(answer, 422, "2 problems in the file")
    texts = [problem["text"] for problem in body["problems"]]
    assert texts == [
        "copenhagen_with_errors.csv, row 86, column position: 160 is above the upper bound 100"
        " of issue 'Control' (scale 0 to 100)",
        "copenhagen_with_errors.csv, row 87, column power: -0.247 is negative; it must be 0 or"
        " more",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "copenhagen.csv",
        "../../../../tmp/copenhagen.csv",
        "..\\..\\windows\\copenhagen.csv",
    ],
)
def test_an_uploaded_file_joins_the_library_and_no_path_escapes_it(client, folder, name):
    text = (EXAMPLES / "copenhagen_with_errors.csv").read_text()
    fixed = text.replace("\t160\t", "\t60\t").replace("-0.247", "0.247")
    answer = client.post(
        "/api/scenarios/upload", files={"file": (name, fixed.encode(), "text/csv")}
    )
    assert answer.status_code == 201, answer.text
    scenario_id = answer.json()["id"]
    assert scenario_id.startswith("copenhagen")
    assert (folder / "library" / f"{scenario_id}.yaml").is_file()
    assert not Path("/tmp/copenhagen.csv").exists()
    entry = client.get(f"/api/scenarios/{scenario_id}").json()["summary"]
    assert (entry["actors"], entry["issues"]) == (11, 7)


@pytest.mark.parametrize(
    "name",
    [
        "border-talks.yaml",
        "budget-ktab.csv",
        "budget-ktab.xml",
        "emissions-semicolon.csv",
        "trade-talks.csv",
        "water-talks.txt",
    ],
)
def test_a_file_of_each_format_uploads_as_the_command_line_loads_it(client, name):
    path = EXAMPLES / name
    answer = client.post("/api/scenarios/upload", files={"file": (name, path.read_bytes())})
    assert answer.status_code == 201, answer.text
    stored = client.get(f"/api/scenarios/{answer.json()['id']}").json()["scenario"]
    loaded = flashpoint.load_scenario(path)
    assert flashpoint.scenario_from_data(stored).actors == loaded.actors


def test_a_workbook_uploads(client, tmp_path):
    path = flashpoint.save_scenario(flashpoint.load_scenario("korea-2018"), tmp_path / "k.xlsx")
    answer = client.post("/api/scenarios/upload", files={"file": ("k.xlsx", path.read_bytes())})
    assert answer.status_code == 201, answer.text
    assert client.get(f"/api/scenarios/{answer.json()['id']}").json()["summary"]["futures"] == 3


def test_an_upload_too_large_or_of_an_unknown_kind_is_refused(client):
    big = b"x" * (1024 * 1024 + 10)
    refused(
        client.post("/api/scenarios/upload", files={"file": ("big.csv", big)}),
        413,
        "larger than this server accepts (1 MB",
    )
    refused(
        client.post("/api/scenarios/upload", files={"file": ("tool.exe", b"MZ")}),
        422,
        "tool.exe",
    )
    refused(
        client.post(
            "/api/scenarios/upload",
            files={"file": ("a.yaml", b"title: [unclosed")},
        ),
        422,
        "a.yaml",
    )
    refused(client.post("/api/scenarios/upload"), 422, "file")


# --- runs ------------------------------------------------------------------------------------


def test_a_run_that_ends_before_anyone_asks_still_counts_all_its_draws():
    """The worker's last progress report is read when the run ends, not only by polls: a quick
    run that no poll saw running still shows every draw done."""
    from flashpoint.web.jobs import Jobs

    jobs = Jobs(workers=1, store=None, warm=False)
    try:
        korea = flashpoint.load_scenario("korea-2018")
        request = flashpoint.ForecastRequest(scenario=korea, models=["compromise"], draws=200)
        job = jobs.submit(request, korea.title)
        job.future.result(timeout=300)
        deadline = time.monotonic() + 60
        while job.state not in FINISHED:  # the finishing callback runs just after the result
            assert time.monotonic() < deadline, job.state
            time.sleep(0.05)
        assert job.state == "done" and (job.done, job.total) == (200, 200)
    finally:
        jobs.close()


def test_a_forecast_by_id_is_the_librarys_forecast(client):
    job = start(client, kind="forecast", scenario="korea-2018", draws=300, seed=5)
    assert job["state"] in ("queued", "running") and job["unit"] == "Monte Carlo draws"
    status = wait(client, job)
    assert status["state"] == "done", status
    assert (status["done"], status["total"]) == (300, 300)
    document = client.get(status["result"]).json()
    direct = flashpoint.forecast("korea-2018", draws=300, seed=5, executor="serial").to_dict()
    assert without_timings(document) == json.loads(json.dumps(without_timings(direct)))
    assert status["run_id"] is not None
    page = client.get(status["page"])
    assert page.status_code == 200 and 'data-testid="headline"' in page.text


def test_a_scenario_sent_whole_runs_and_a_bad_one_is_refused(client):
    data = korea_data()
    job = start(client, kind="forecast", scenario=data, draws=50, models=["compromise"])
    assert wait(client, job)["state"] == "done"
    data["actors"][2]["issues"]["peace_treaty"]["position"] = -5
    body = refused(
        client.post("/api/runs", json={"kind": "forecast", "scenario": data}), 422, "below"
    )
    assert body["problems"][0]["path"] == "actors[2].issues.peace_treaty.position"


@pytest.mark.parametrize(
    "request_, words",
    [
        ({"kind": "forecast", "draws": 5001}, ["5,001 draws", "5,000"]),
        ({"kind": "sensitivity", "method": "sobol", "samples": 9000}, ["9,000 samples"]),
        ({"kind": "forecast", "scenario": "/etc/passwd"}, ["not a scenario id"]),
        ({"kind": "forecast", "scenario": "nowhere"}, ["no scenario 'nowhere'"]),
        ({"kind": "forecast", "models": ["oracle"]}, ["unknown model 'oracle'"]),
        ({"kind": "forecast", "shocks": ["meteor"]}, ["meteor"]),
        ({"kind": "compare", "shocks": [["meteor"]]}, ["meteor"]),
        ({"kind": "backtest", "outcomes": "/etc/passwd"}, ["takes no file names"]),
        ({"kind": "forecast", "executor": "dask", "scheduler": "tcp://x:1"}, ["scheduler"]),
        ({"kind": "forecast", "draws": 0}, ["draws"]),
        ({"kind": "forecast", "seed": -1}, ["seed"]),
        ({"kind": "guess"}, ["kind"]),
        ({"draws": 5}, ["kind"]),
        ({"kind": "forecast", "jitter": 2}, ["jitter"]),
    ],
)
def test_bad_run_requests_are_422_with_the_reason(client, request_, words):
    refused(client.post("/api/runs", json=request_), 422, *words)


def test_a_run_that_fails_on_its_input_says_why(client):
    job = start(client, kind="sensitivity", scenario="korea-2018", target="nothing", draws=5)
    status = wait(client, job)
    assert status["state"] == "failed"
    assert "nothing" in status["message"]
    refused(client.get(f"/api/runs/{job['id']}/result"), 409, "failed")
    page = client.get(f"/runs/{job['id']}")
    assert 'data-testid="run-error"' in page.text and "nothing" in page.text


def test_a_long_run_can_be_cancelled_and_the_server_keeps_answering(client):
    job = start(client, kind="forecast", scenario="korea-2018", draws=5000, paths=True)
    deadline = time.monotonic() + 60
    while client.get(f"/api/runs/{job['id']}").json()["state"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    started = time.perf_counter()
    assert client.get("/api/health").json()["running"] >= 1
    assert client.get("/").status_code == 200
    assert time.perf_counter() - started < 3.0  # the work is in a worker, not the server
    assert client.post(f"/api/runs/{job['id']}/cancel").status_code == 200
    ended = wait(client, job, 60)
    assert ended["state"] == "cancelled"
    kept = client.get(f"/api/history/{ended['run_id']}").json()  # recorded as the CLI's Ctrl-C is
    assert kept["status"] == "cancelled" and "cancelled by its user" in kept["error"]


def test_ten_forecasts_at_once_all_complete_correctly(client):
    seeds = list(range(100, 110))

    def one(seed: int) -> dict:
        job = start(client, kind="forecast", scenario="korea-2018", draws=40, seed=seed)
        status = wait(client, job, 300)
        assert status["state"] == "done", status
        return client.get(status["result"]).json()

    with ThreadPoolExecutor(10) as pool:
        documents = list(pool.map(one, seeds))
    for seed, document in zip(seeds, documents, strict=True):
        direct = flashpoint.forecast("korea-2018", draws=40, seed=seed, executor="serial")
        assert without_timings(document) == json.loads(
            json.dumps(without_timings(direct.to_dict()))
        )
    assert len({json.dumps(d["ensemble"]) for d in documents}) == 10  # ten different runs


def test_compare_sensitivity_and_backtest_run_and_show_their_charts(client):
    compared = wait(client, start(client, kind="compare", scenario="korea-2018", draws=40))
    assert compared["state"] == "done", compared
    assert 'data-testid="chart-shocks"' in client.get(compared["page"]).text
    drivers = wait(
        client,
        start(
            client,
            kind="sensitivity",
            scenario="korea-2018",
            target="P(peace_regime)",
            draws=20,
            models=["compromise"],
        ),
    )
    assert drivers["state"] == "done", drivers
    assert 'data-testid="chart-tornado"' in client.get(drivers["page"]).text


def test_a_backtest_uses_the_table_of_outcomes_attached_to_the_scenario(client):
    actors = DATA / "deu" / "deu_dev_1998_2002.actors.csv"
    outcomes = DATA / "deu" / "deu_dev_1998_2002.outcomes.csv"
    saved = client.post(
        "/api/scenarios/upload",
        files={"file": (actors.name, actors.read_bytes())},
        data={"name": "deu"},
    )
    assert saved.status_code == 201, saved.text
    refused(
        client.post(
            "/api/scenarios/deu/outcomes", files={"file": ("x.csv", b"issue,outcome\nzz,1\n")}
        ),
        422,
        "decides none",
    )
    refused(
        client.post(
            "/api/scenarios/korea-2018/outcomes", files={"file": ("x.csv", outcomes.read_bytes())}
        ),
        409,
        "your own",
    )
    attached = client.post(
        "/api/scenarios/deu/outcomes", files={"file": (outcomes.name, outcomes.read_bytes())}
    )
    assert attached.status_code == 200 and attached.json()["decided_issues"] == 171
    assert client.get("/api/scenarios/deu").json()["summary"]["outcomes_table"] is True
    job = start(
        client, kind="backtest", scenario="deu", draws=2, folds=2, models=["compromise", "median"]
    )
    status = wait(client, job, 300)
    assert status["state"] == "done", status
    document = client.get(status["result"]).json()
    assert document["issues"] == 171 or len(document.get("issues", [])) == 171
    assert 'data-testid="chart-errors"' in client.get(status["page"]).text


# --- history ---------------------------------------------------------------------------------


def test_history_lists_kept_runs_and_runs_them_again_to_the_same_numbers(client):
    job = wait(client, start(client, kind="forecast", scenario="korea-2018", draws=60, seed=3))
    run_id = job["run_id"]
    listed = client.get("/api/history").json()
    assert run_id in [run["id"] for run in listed["runs"]]
    kept = client.get(f"/api/history/{run_id}").json()
    assert kept["status"] == "done" and kept["seed"] == 3
    again = client.post(f"/api/history/{run_id}/rerun")
    assert again.status_code == 202, again.text
    status = wait(client, again.json())
    assert status["state"] == "done"
    first = client.get(job["result"]).json()
    second = client.get(status["result"]).json()
    assert without_timings(first) == without_timings(second)
    page = client.get(f"/history/{run_id}")
    assert page.status_code == 200 and 'data-testid="stored-futures"' in page.text
    assert client.get("/history").status_code == 200


def test_a_server_without_a_store_says_so(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, store=None))) as quiet:
        assert quiet.get("/api/history").json() == {"runs": [], "store": None}
        refused(quiet.get("/api/history/1"), 409, "no run history")
        assert "keeps no run history" in quiet.get("/history").text


# --- pages and escaping ----------------------------------------------------------------------


def test_every_page_answers(client):
    job = wait(client, start(client, kind="forecast", scenario="eu-emissions-1985", draws=20))
    for path in [
        "/",
        "/scenarios/new",
        "/scenarios/korea-2018",
        "/scenarios/korea-2018/edit",
        "/runs",
        job["page"],
        "/history",
        f"/history/{job['run_id']}",
        "/static/app.js",
        "/static/editor.js",
        "/static/app.css",
        "/static/report.js",
        "/static/report.css",
        "/static/plotly.min.js",
        "/static/favicon.svg",
        "/openapi.json",
    ]:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
    report = client.get(f"{job['page']}/report.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    for path in ["/scenarios/nothing", "/runs/nothing", "/history/424242", "/nowhere"]:
        answer = client.get(path, headers={"accept": "text/html"})
        assert answer.status_code == 404 and "<!DOCTYPE html>" in answer.text, path


def test_names_with_html_are_shown_as_text(client):
    data = korea_data()
    data["title"] = HOSTILE
    data["actors"][0]["label"] = HOSTILE
    saved = client.post("/api/scenarios", json={"id": "hostile", "scenario": data})
    assert saved.status_code == 201
    job = wait(client, start(client, kind="forecast", scenario="hostile", draws=20))
    for path in ["/", "/scenarios/hostile", "/scenarios/hostile/edit", job["page"], "/runs"]:
        text = client.get(path).text
        assert HOSTILE not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "\\u003cscript\\u003e" in text


# --- the guard -------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(client):
    answer = client.get("/")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


def test_other_hosts_and_other_sites_are_refused(client):
    refused(client.get("/api/health", headers={"host": "evil.example"}), 400, "evil.example")
    refused(
        client.post(
            "/api/scenarios/validate",
            json=korea_data(),
            headers={"origin": "http://evil.example"},
        ),
        403,
        "another site",
    )
    assert (
        client.post(
            "/api/scenarios/validate", json=korea_data(), headers={"origin": "http://testserver"}
        ).status_code
        == 200
    )
    refused(
        client.post("/api/scenarios/validate", content=b"{}", headers={"content-length": "9" * 12}),
        413,
        "larger",
    )


def test_a_server_beyond_this_machine_needs_a_token(tmp_path):
    with pytest.raises(ValueError, match="access token"):
        create_app(settings_for(tmp_path, host="0.0.0.0"))
    token = "t" * 24
    app = create_app(settings_for(tmp_path, host="0.0.0.0", token=token))
    with TestClient(app) as remote:
        refused(remote.get("/api/health"), 401, "access token")
        refused(remote.get("/api/health", headers={"authorization": "Bearer wrong"}), 401)
        ok = remote.get("/api/health", headers={"authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        opened = remote.get(f"/?token={token}", follow_redirects=False)
        assert opened.status_code == 303 and "token" not in opened.headers["location"]
        assert remote.get("/").status_code == 200  # the cookie it set
        assert remote.get("/api/scenarios").status_code == 200


def test_with_token_makes_one_only_beyond_this_machine():
    from flashpoint.web import with_token

    assert with_token(WebSettings(host="127.0.0.1")).token is None
    made = with_token(WebSettings(host="0.0.0.0"))
    assert made.token is not None and len(made.token) >= 24


def test_the_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    assert {
        "/api/health",
        "/api/models",
        "/api/scenarios",
        "/api/scenarios/{scenario_id}",
        "/api/scenarios/{scenario_id}/download",
        "/api/scenarios/validate",
        "/api/scenarios/upload",
        "/api/scenarios/{scenario_id}/outcomes",
        "/api/runs",
        "/api/runs/{job_id}",
        "/api/runs/{job_id}/cancel",
        "/api/runs/{job_id}/result",
        "/api/history",
        "/api/history/{run_id}",
        "/api/history/{run_id}/rerun",
    } <= set(schema["paths"])
    assert not [path for path in schema["paths"] if not path.startswith("/api")]


def test_models_and_health(client):
    names = [model["name"] for model in client.get("/api/models").json()]
    assert names == flashpoint.model_names()
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["workers"] == 2


# --- flashpoint serve ------------------------------------------------------------------------


def serve_process(tmp_path: Path, *arguments: str):
    import os
    import subprocess
    import sys

    environment = {**os.environ, "FLASHPOINT_LIBRARY": str(tmp_path / "library")}
    return subprocess.Popen(
        [sys.executable, "-m", "flashpoint", "serve", "--no-store", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def ended_within(process, seconds: float) -> int | str:
    """The process's exit code, or (killed) "still running after N s"."""
    import subprocess

    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return f"still running {seconds} s after Ctrl-C"


def test_flashpoint_serve_answers_and_stops_on_ctrl_c(tmp_path):
    import signal

    import httpx

    from tests.serving import free_port

    port = free_port()
    process = serve_process(tmp_path, "--port", str(port), "--workers", "1")
    try:
        first = process.stdout.readline()
        assert f"flashpoint is at http://127.0.0.1:{port}/" in first
        assert "token" not in first  # on this machine only: no token needed
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
    finally:
        process.send_signal(signal.SIGINT)
        ended = ended_within(process, 60)
    assert ended == 0, process.stderr.read()


def test_flashpoint_serve_says_when_its_port_is_taken(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = serve_process(tmp_path, "--port", str(port))
        assert process.wait(60) == 1
    said = " ".join(process.stderr.read().split())
    assert f"Cannot listen on 127.0.0.1 port {port}" in said and "--port" in said
    assert "Traceback" not in said


def test_flashpoint_serve_beyond_this_machine_prints_a_token(tmp_path):
    import signal

    from tests.serving import free_port

    port = free_port()
    process = serve_process(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--workers", "1")
    try:
        first = process.stdout.readline() + process.stdout.readline()
        assert "?token=" in first
    finally:
        process.send_signal(signal.SIGINT)  # while it starts: it starts, then stops
        ended = ended_within(process, 60)
    assert ended == 0, process.stderr.read()
    short = serve_process(tmp_path, "--token", "short")
    assert short.wait(60) == 1
    assert "16 characters" in short.stderr.read()
