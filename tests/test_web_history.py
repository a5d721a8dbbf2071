"""The web app's history and runs say what was run, levers run from the browser's form, and the
pages speak to people (issue #38, parts 4 to 6), through FastAPI's TestClient: the history's
list and a kept run's page show each run's shocks, draws, seed, models and scenario version; the
list's filters (kind, scenario, status, shock, words) narrow it, on the page and in the API, and
a bad filter is a 422; a levers search posted as the scenario page's form posts it finishes and
its page shows it; no page shows a command-line flag or a Python call, and each result page
says how to read it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import flashpoint
from flashpoint.store import RunStore
from flashpoint.web import create_app
from tests.serving import OWN_PAGE, settings_for, start, wait

PRESSURE = "Washington returns to maximum pressure"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("history")


@pytest.fixture(scope="module")
def client(folder):
    with TestClient(create_app(settings_for(folder)), headers=OWN_PAGE) as test_client:
        yield test_client


def run(client: TestClient, **request) -> dict:
    status = wait(client, start(client, **request), 240)
    assert status["state"] == "done", status
    return status


@pytest.fixture(scope="module")
def kept(client, folder) -> dict[str, dict]:
    """Runs that differ in kind, scenario, status, shocks, draws, seed and models; each its
    job (with its ``run_id`` in the history)."""
    plain = run(client, kind="forecast", scenario="korea-2018", draws=30, seed=4, shocks=[])
    shocked = run(
        client,
        kind="forecast",
        scenario="korea-2018",
        draws=45,
        seed=987,
        shocks=["us_maximum_pressure"],
        models=["compromise", "median"],
    )
    compared = run(
        client,
        kind="compare",
        scenario="korea-2018",
        draws=20,
        shocks=[["us_maximum_pressure", "china_guarantee"], ["economic_package"]],
    )
    other = run(client, kind="forecast", scenario="eu-emissions-1985", draws=20)
    with RunStore(folder / "runs.sqlite") as store:
        failed = store.record_failure(
            flashpoint.ForecastRequest(scenario="korea-2018", draws=10), "it broke", 0.5
        )
    return {
        "plain": plain,
        "shocked": shocked,
        "compared": compared,
        "other": other,
        "failed": {"run_id": failed},
    }


def history(client: TestClient, query: str = "") -> dict[int, dict]:
    answer = client.get(f"/api/history{query}")
    assert answer.status_code == 200, answer.text
    return {run["id"]: run for run in answer.json()["runs"]}


def rows(page: str, key: str = "data-run") -> dict[str, dict[str, str]]:
    """The rows of a listing page, by run: each column marked ``data-column``, as text."""
    found = {}
    for match in re.finditer(rf'<tr {key}="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r'<td[^>]*data-column="(\w+)"[^>]*>(.*?)</td>', match.group(2), re.S)
        found[match.group(1)] = {name: text_of(cell) for name, cell in cells}
    return found


def text_of(fragment: str) -> str:
    """An HTML fragment's text, as a reader sees it."""
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(fragment)).strip()


# --- what was run --------------------------------------------------------------------------------


def test_the_history_says_what_each_run_was(client, kept):
    plain, shocked = kept["plain"]["run_id"], kept["shocked"]["run_id"]
    listed = history(client)
    assert listed[plain]["shocks"] == [] and listed[plain]["draws"] == 30
    assert listed[shocked]["shocks"] == [{"id": "us_maximum_pressure", "label": PRESSURE}]
    assert listed[shocked]["draws"] == 45 and listed[shocked]["seed"] == 987
    assert listed[shocked]["models"] == ["compromise", "median"]
    assert listed[plain]["seed"] == 4 and len(listed[plain]["models"]) == 6
    version = listed[plain]["scenario_hash"][:8]
    assert re.fullmatch("[0-9a-f]{8}", version)

    page = client.get("/history")
    assert page.status_code == 200
    shown = rows(page.text)
    assert shown[str(plain)] == {
        "kind": "Forecast",
        "shocks": "none",
        "draws": "30",
        "seed": "4",
        "models": "all 6",
        "version": version,
    }
    assert shown[str(shocked)] | {"version": ""} == {
        "kind": "Forecast",
        "shocks": PRESSURE,
        "draws": "45",
        "seed": "987",
        "models": "Compromise, Weighted median",
        "version": "",
    }


def test_a_comparison_names_the_shocks_it_compared(client, kept):
    compared = history(client)[kept["compared"]["run_id"]]
    assert compared["shocks"] == [
        {
            "id": "us_maximum_pressure+china_guarantee",
            "label": f"{PRESSURE} + China underwrites a security guarantee",
        },
        {"id": "economic_package", "label": "Japan, the IMF and the EU join an economic package"},
    ]
    row = rows(client.get("/history").text)[str(kept["compared"]["run_id"])]
    assert row["kind"] == "Comparison of shocks" and PRESSURE in row["shocks"]


def test_a_kept_runs_page_shows_its_shocks_and_draws(client, kept):
    for name, shocks, draws in [("plain", "none", "30"), ("shocked", PRESSURE, "45")]:
        page = client.get(f"/history/{kept[name]['run_id']}").text
        facts = {
            field: text_of(cell)
            for field, cell in re.findall(
                r'<td data-testid="stored-(shocks|draws|models)">(.*?)</td>', page, re.S
            )
        }
        assert facts["shocks"] == shocks and facts["draws"] == draws, facts
    page = client.get(f"/history/{kept['shocked']['run_id']}").text
    assert "Compromise (weighted mean), Weighted median" in text_of(page)
    assert history(client)[kept["shocked"]["run_id"]]["scenario_hash"][:8] in page


def test_the_servers_runs_show_their_draws_and_shocks(client, kept):
    shown = rows(client.get("/runs").text, "data-job")
    assert shown[kept["plain"]["id"]]["shocks"] == "none"
    assert shown[kept["plain"]["id"]]["draws"] == "30"
    assert shown[kept["shocked"]["id"]]["shocks"] == PRESSURE
    assert shown[kept["shocked"]["id"]]["draws"] == "45"
    assert "economic package" in shown[kept["compared"]["id"]]["shocks"]


# --- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=compare", {"compared"}),
        ("kind=forecast", {"plain", "shocked", "other", "failed"}),
        ("scenario=eu-emissions", {"other"}),
        ("scenario=KOREAN+PENINSULA", {"plain", "shocked", "compared", "failed"}),
        ("status=failed", {"failed"}),
        ("status=done&kind=forecast&scenario=korea", {"plain", "shocked"}),
        ("shock=us_maximum_pressure", {"shocked", "compared"}),
        ("shock=economic+PACKAGE", {"compared"}),
        ("shock=none", {"plain", "other", "failed"}),
        ("kind=forecast&shock=pressure", {"shocked"}),
        ("q=seed+987", {"shocked"}),
        ("q=compromise+pressure+forecast", {"shocked"}),
        ("q=broke", {"failed"}),
        ("q=no-such-thing", set()),
        ("kind=backtest", set()),
    ],
)
def test_each_filter_narrows_the_list(client, kept, query, expected):
    ids = {kept[name]["run_id"]: name for name in kept}
    everything = history(client)
    found = history(client, f"?{query}")
    assert {ids[run_id] for run_id in found if run_id in ids} == expected
    assert len(found) < len(everything)
    page = client.get(f"/history?{query}")
    assert page.status_code == 200
    shown = {int(run_id) for run_id in rows(page.text)}
    assert shown == set(found)
    if not expected:
        assert 'data-testid="history-none"' in page.text


def test_the_filters_form_keeps_what_was_chosen(client, kept):
    page = client.get("/history?kind=compare&shock=pressure&q=korea").text
    form = re.search(r'<form class="filters".*?</form>', page, re.S).group(0)
    assert 'method="get"' in form and 'action="/history"' in form
    assert '<option value="compare" selected>' in form
    assert 'name="shock" value="pressure"' in form and 'name="q" value="korea"' in form
    assert 'href="/history">Show all' in form
    unfiltered = client.get("/history?kind=&scenario=&status=&shock=&q=").text
    assert len(rows(unfiltered)) == len(history(client))


@pytest.mark.parametrize(
    "query, word",
    [
        ("kind=exe", "kind"),
        ("status=maybe", "status"),
        ("q=" + "x" * 201, "q"),
        ("shock=" + "y" * 201, "shock"),
        ("limit=0", "limit"),
    ],
)
def test_a_bad_filter_is_a_422(client, query, word):
    answer = client.get(f"/api/history?{query}")
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert set(body) == {"detail", "problems"} and word in body["detail"]
    assert [problem["path"] for problem in body["problems"]][0] == word
    if word != "limit":  # the page lists the newest 200 that match
        page = client.get(f"/history?{query}", headers={"accept": "text/html"})
        assert page.status_code == 422 and "<!DOCTYPE html>" in page.text


def test_the_filters_are_documented(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/history"]["get"]
    named = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert {"kind", "scenario", "status", "shock", "q", "limit"} <= set(named)
    assert all(named[name].get("description") for name in named)


# --- levers --------------------------------------------------------------------------------------


def levers_form(page: str) -> str:
    found = re.search(r'<form [^>]*data-kind="levers"[^>]*>.*?</form>', page, re.S)
    assert found, "no levers form"
    return found.group(0)


def selected(form: str, name: str) -> str:
    """The value a select of the form starts with (its option marked selected, else its
    first)."""
    select = re.search(rf'<select name="{name}".*?</select>', form, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select)
    return next((value for value, rest in options if "selected" in rest), options[0][0])


def test_a_levers_search_runs_from_the_scenario_pages_form(client):
    form = levers_form(client.get("/scenarios/korea-2018").text)
    assert 'data-testid="form-levers"' in form
    for name in ("actor", "target", "direction", "measure", "draws", "generations", "seed"):
        assert f'name="{name}"' in form, name
    actor = selected(form, "actor")
    scenario = flashpoint.load_scenario("korea-2018")
    first = scenario.actors[0]
    assert actor == first.id and f">{first.label}</option>" in form
    ticked = re.findall(r'name="issues" value="(\w+)" checked', form)
    assert ticked == [issue.id for issue in scenario.issues if issue.id in first.issues]
    # what app.js posts with the form as it starts (all of the actor's issues: none named),
    # with fewer draws and generations
    body = {
        "kind": "levers",
        "scenario": "korea-2018",
        "actor": actor,
        "target": selected(form, "target"),
        "direction": selected(form, "direction"),
        "issues": None,
        "saliences": False,
        "budget": None,
        "threshold": None,
        "models": None,
        "draws": 20,
        "generations": 2,
        "seed": None,
    }
    job = run(client, **body)
    document = client.get(job["result"]).json()
    assert document["actor"] == first.id and document["target"]["text"] == "P(peace_regime)"
    page = client.get(job["page"]).text
    assert 'id="levers"' in page and 'data-testid="chart-levers"' in page
    assert "What would it take" in page and 'data-kind="levers"' in page
    assert "North Korea&#39;s offer to make the probability of Peace regime higher" in page
    listed = rows(client.get("/history?kind=levers").text)
    assert "North Korea's offer" in listed[str(job["run_id"])]["kind"]


def test_a_levers_search_takes_each_choice_of_the_form(client):
    job = run(
        client,
        kind="levers",
        scenario="korea-2018",
        actor="united_states",
        target="P(breakdown)",
        direction="minimise",
        issues=["sanctions_relief", "security_guarantee"],
        saliences=True,
        budget=30,
        threshold=0.5,
        models=["compromise"],
        draws=20,
        generations=2,
        seed=3,
    )
    document = client.get(job["result"]).json()
    assert document["request"]["issues"] == ["sanctions_relief", "security_guarantee"]
    assert document["request"]["direction"] == "minimise" and document["budget"] == 30
    assert document["request"]["models"] == ["compromise"] and document["threshold"] == 0.5
    assert "lower" in text_of(client.get(job["page"]).text)


# --- words for people ----------------------------------------------------------------------------

COMMAND_LINE = re.compile(
    r"(?<![\w-])--[a-z][\w-]*|flashpoint\.run|flashpoint runs\b|\(flashpoint [a-z]+\)"
    r"|YAML file"
)


def test_no_page_speaks_the_command_lines_words(client, kept):
    forecast = run(client, kind="forecast", scenario="korea-2018", draws=20, paths=True, brief=True)
    drivers = run(
        client,
        kind="sensitivity",
        scenario="korea-2018",
        target="P(peace_regime)",
        draws=5,
        models=["compromise"],
    )
    levers = run(
        client, kind="levers", scenario="korea-2018", actor="china", draws=10, generations=1
    )
    jobs = [forecast, drivers, levers, kept["compared"], kept["shocked"]]
    paths = ["/", "/scenarios/korea-2018", "/runs", "/history", "/history?kind=forecast"]
    paths += ["/scenarios/korea-2018/whatif", "/scenarios/korea-2018/edit", "/scenarios/new"]
    paths += [job["page"] for job in jobs]
    paths += [f"/history/{job['run_id']}" for job in jobs]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        said = COMMAND_LINE.findall(text_of(answer.text))
        assert said == [], (path, said)


@pytest.mark.parametrize(
    "request_, words",
    [
        (dict(kind="forecast", draws=20, brief=True), ["bottom line", "simulation error"]),
        (dict(kind="compare", draws=10), ["shock's own effect", "95% interval"]),
        (
            dict(kind="sensitivity", draws=5, target="P(peace_regime)", models=["compromise"]),
            ["swing"],
        ),
        (dict(kind="levers", actor="japan", draws=10, generations=1), ["worth", "same seed"]),
    ],
)
def test_each_result_says_how_to_read_it(client, request_, words):
    job = run(client, scenario="korea-2018", **request_)
    for path in (job["page"], f"/history/{job['run_id']}"):
        main = client.get(path).text.split("<main>", 1)[1]
        box = re.search(
            r'<details class="how-to-read" data-testid="how-to-read".*?</details>', main, re.S
        )
        assert box, path
        heading = main.find("<h2")
        assert heading < 0 or box.start() < heading, f"{path}: it comes after a heading"
        assert "<section" not in main[: box.start()], path
    main = client.get(job["page"]).text.split("<main>", 1)[1]
    explained = text_of(re.search(r'data-testid="how-to-read".*?</details>', main, re.S)[0])
    for word in words:
        assert word in explained, (word, explained)
