"""The web app's pages, rendered on the server with Jinja2 (autoescaped: every text of a
scenario is shown as text), each with a little JavaScript that calls the JSON API
(:mod:`flashpoint.web.api`).

- ``/``: the scenario library, upload, a new scenario.
- ``/scenarios/ID``: who stands where, and forms to run a forecast, compare shocks, find what
  drives a forecast, and backtest; ``/scenarios/ID/edit``: the editor (actors x issues).
- ``/runs``: this server's runs; ``/runs/JOB``: a run's progress, then its charts and tables
  (the report's, :mod:`flashpoint.report.document`), and ``/runs/JOB/report.html`` to keep.
- ``/history``: the run store's runs, each with what was run (shocks, draws, seed, models, the
  scenario's version), filtered by the query (as ``GET /api/history`` is); ``/history/ID``:
  one of them, to run again.

The pages speak to people who need not use the command line: no flag, command or Python name
is shown (the report's sections carry none; the command line adds its own hints), and each
result says how to read it.

plotly.js, the report's script and styles, and the app's own are served from ``/static``, out of
the installed packages: a page makes no request beyond this server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, PackageLoader

from flashpoint import (
    Scenario,
    ScenarioError,
    __version__,
    get_model,
    model_names,
    scenario_to_data,
)
from flashpoint.report.document import result_report
from flashpoint.report.html import asset, render_html, script_json, template_environment
from flashpoint.report.html_tables import block_html
from flashpoint.report.scenario_tables import futures_definition_table, stances_table
from flashpoint.store import RunStore, StoredRun, StoreError, shocks_named
from flashpoint.web.api import KINDS, HistoryFilter, history_filter, job_out, model_label
from flashpoint.web.jobs import Job, Jobs
from flashpoint.web.library import Library, UnknownScenario
from flashpoint.web.settings import WebSettings

NEW_SCENARIO: dict[str, Any] = {
    "id": "new-scenario",
    "title": "A new scenario",
    "description": "",
    "issues": [{"id": "issue_1", "label": "Issue 1", "min": 0, "max": 100}],
    "actors": [
        {
            "id": "actor_a",
            "label": "Actor A",
            "capability": 50,
            "issues": {"issue_1": {"position": 20, "salience": 60}},
        },
        {
            "id": "actor_b",
            "label": "Actor B",
            "capability": 50,
            "issues": {"issue_1": {"position": 80, "salience": 60}},
        },
    ],
}


def static_files() -> str:
    """The folder of the app's own scripts and styles."""
    return str(resources.files("flashpoint.web").joinpath("static"))


@cache
def _environment() -> Environment:
    environment = template_environment(PackageLoader("flashpoint.web", "templates"))
    environment.filters["page_data"] = lambda value: script_json(json.dumps(value, allow_nan=False))
    environment.globals["version"] = __version__
    return environment


def render_page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_environment().get_template(name).render(**context), status)


def error_page(status: int, title: str, message: str) -> HTMLResponse:
    return render_page("error.html.j2", status, title=title, message=message)


def _targets(scenario: Scenario) -> list[tuple[str, str]]:
    """What a sensitivity analysis can measure: each future's probability, each issue's mean."""
    futures = [(f"P({o.id})", f"Probability: {o.label or o.id}") for o in scenario.outcomes]
    issues = [(i.id, f"Expected outcome: {i.label or i.id}") for i in scenario.issues]
    return futures + issues


def _levers_actors(scenario: Scenario) -> list[tuple[str, str, list[str]]]:
    """Whose offer a levers search can look for: each actor's id, label and the issues it
    takes part in (the search's default)."""
    return [
        (actor.id, actor.label or actor.id, [i.id for i in scenario.issues if i.id in actor.issues])
        for actor in scenario.actors
    ]


# --- what a run was, in words (the history, the server's runs, a kept run) -------------------

SHOWN = 200  # the most runs the history page lists
METHODS = {
    "tornado": "Tornado",
    "morris": "Morris",
    "sobol": "Sobol",
    "factorial": "Factorial",
}


def _field(item: Any, name: str) -> Any:
    """A field of a scenario's part, whether the part is loaded or its JSON."""
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _label(items: Any, wanted: Any) -> str:
    """The label of the part of ``items`` (actors, issues, futures) whose id is ``wanted``."""
    for item in items or ():
        if _field(item, "id") == wanted:
            return str(_field(item, "label") or wanted)
    return str(wanted)


def target_words(target: Any, scenario: Any) -> str:
    """A sensitivity or levers target in words: ``P(peace)`` is the probability of that
    future, an issue's id its expected outcome; None the first future's probability."""
    if target is None:
        return "the first future's probability"
    text = str(target)
    if text.startswith("P(") and text.endswith(")"):
        return f"the probability of {_label(_field(scenario, 'outcomes'), text[2:-1])}"
    return f"the expected outcome of {_label(_field(scenario, 'issues'), text)}"


def aim_words(kind: str, request: Any, scenario: Any) -> str:
    """What a sensitivity analysis measured, or whose offer a levers search looked for and
    to what end; empty for the other kinds (their shocks and draws tell them apart)."""
    target = target_words(_field(request, "target"), scenario)
    if kind == "sensitivity":
        method = _field(request, "method")
        return f"{METHODS.get(method, method)}, on {target}"
    if kind == "levers":
        actor = _label(_field(scenario, "actors"), _field(request, "actor"))
        way = "lower" if _field(request, "direction") == "minimise" else "higher"
        owner = f"{actor}'" if actor.endswith("s") else f"{actor}'s"
        return f"{owner} offer to make {target} {way}"
    return ""


def draws_words(draws: Any, samples: Any) -> str:
    if samples is not None:
        return f"{samples:,} samples"
    return "" if draws is None else f"{draws:,}"


def shocks_words(shocks: Sequence[Mapping[str, str]]) -> str:
    return "; ".join(shock["label"] for shock in shocks) or "none"


def models_words(models: Sequence[str]) -> str:
    """The models of a run in a list: "all 6", or their short names; "default" where the
    request named none (a run that failed before its models were filled in)."""
    if not models:
        return "default"
    if sorted(models) == sorted(model_names()):
        return f"all {len(models)}"
    return ", ".join(model_label(model) for model in models)


def _kept_facts(run: StoredRun) -> dict[str, Any]:
    """What a kept run was, in words, for the history's list and the run's page."""
    summary = run.summary()
    return {
        "run": summary,
        "kind": KINDS.get(run.kind, run.kind),
        "aim": aim_words(run.kind, run.request, run.scenario),
        "shocks": shocks_words(summary.shocks),
        "draws": draws_words(summary.draws, summary.samples),
        "models": models_words(summary.models),
        "models_full": ", ".join(_model_name(model) for model in summary.models),
        "version": summary.scenario_hash[:8],
    }


def _model_name(name: str) -> str:
    try:
        return get_model(name).label
    except KeyError:
        return name


def _job_facts(job: Job) -> dict[str, str]:
    """What a run of this server is, in words: its draws, shocks and aim (from its request)."""
    request = job.request
    scenario = None if isinstance(request.scenario, str) else request.scenario
    stated = [{"id": s.id, "label": s.label} for s in scenario.shocks] if scenario else []
    asked = request.model_dump(mode="json", include={"shocks"}).get("shocks")
    method = getattr(request, "method", None)
    samples = getattr(request, "samples", None) if method in ("morris", "sobol") else None
    return {
        "kind": KINDS.get(request.kind, request.kind),
        "draws": draws_words(getattr(request, "draws", None), samples),
        "shocks": shocks_words(shocks_named(request.kind, asked, stated)),
        "aim": aim_words(request.kind, request, scenario),
    }


def build_pages(settings: WebSettings, library: Library, jobs: Jobs) -> APIRouter:
    """The pages of one server."""
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/static/plotly.min.js")
    def plotly_js() -> FileResponse:
        path = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        return FileResponse(str(path), media_type="text/javascript")

    @pages.get("/static/report.js")
    def report_js() -> Response:
        return Response(asset("report.js"), media_type="text/javascript")

    @pages.get("/static/report.css")
    def report_css() -> Response:
        return Response(asset("report.css"), media_type="text/css")

    @pages.get("/")
    def home() -> HTMLResponse:
        entries, problems = library.entries()
        return render_page(
            "library.html.j2",
            bundled=[e for e in entries if e.bundled],
            own=[e for e in entries if not e.bundled],
            problems=[str(p) for p in problems],
            settings=settings,
        )

    @pages.get("/scenarios/new")
    def new_scenario() -> HTMLResponse:
        return render_page(
            "editor.html.j2",
            scenario_id=None,
            bundled=False,
            data=NEW_SCENARIO,
            title="A new scenario",
        )

    def loaded(scenario_id: str) -> Scenario | HTMLResponse:
        try:
            return library.load(scenario_id)
        except UnknownScenario as error:
            return error_page(404, "No such scenario", str(error.args[0]))
        except ScenarioError as error:
            return error_page(422, "This scenario's file does not load", str(error))

    @pages.get("/scenarios/{scenario_id}")
    def scenario_page(scenario_id: str) -> HTMLResponse:
        scenario = loaded(scenario_id)
        if isinstance(scenario, HTMLResponse):
            return scenario
        tables = [stances_table(scenario)]
        if scenario.outcomes:
            tables.insert(0, futures_definition_table(scenario))
        entry = library.entry(scenario_id, scenario)
        return render_page(
            "scenario.html.j2",
            entry=entry,
            scenario=scenario,
            tables=[block_html(table) for table in tables],
            models=[(name, get_model(name).label) for name in model_names()],
            targets=_targets(scenario),
            actors=_levers_actors(scenario),
            settings=settings,
        )

    @pages.get("/scenarios/{scenario_id}/edit")
    def editor(scenario_id: str) -> HTMLResponse:
        scenario = loaded(scenario_id)
        if isinstance(scenario, HTMLResponse):
            return scenario
        return render_page(
            "editor.html.j2",
            scenario_id=scenario_id,
            bundled=library.is_bundled(scenario_id),
            data=scenario_to_data(scenario),
            title=scenario.title,
        )

    @pages.get("/runs")
    def runs_page() -> HTMLResponse:
        return render_page(
            "runs.html.j2", runs=[(job_out(job), _job_facts(job)) for job in jobs.jobs()]
        )

    @pages.get("/runs/{job_id}")
    def run_page(job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            return error_page(
                404,
                "No such run",
                "This server does not know that run: it may have been started before the server"
                " was, or forgotten after many others. Finished runs are in the run history.",
            )
        report = result_report(job.result) if job.state == "done" else None
        return render_page(
            "run.html.j2",
            job=job_out(job),
            report=report,
            facts=_job_facts(job),
            method=getattr(job.request, "method", None),
            model_label=model_label,
        )

    @pages.get("/runs/{job_id}/report.html")
    def report_file(job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None or job.state != "done":
            return error_page(404, "No report", "That run is unknown here or not finished.")
        html = render_html(result_report(job.result))
        name = f"flashpoint-{job.kind}-{job.id}.html"
        return Response(
            html,
            media_type="text/html",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def store() -> RunStore | None:
        if settings.store is None:
            return None
        try:
            return RunStore(settings.store)
        except (StoreError, OSError):
            return None

    @pages.get("/history")
    def history_page(chosen: Annotated[HistoryFilter, Depends(history_filter)]) -> HTMLResponse:
        opened = store()
        shown: list[dict[str, Any]] = []
        if opened is not None:
            with opened:
                shown = [_kept_facts(run) for run in chosen.runs(opened, SHOWN)]
        return render_page(
            "history.html.j2",
            runs=shown,
            store=settings.store,
            available=opened is not None,
            chosen=chosen,
            kinds=KINDS,
            scenarios=sorted({row["run"].source for row in shown}),
            shocks=sorted({shock["label"] for row in shown for shock in row["run"].shocks}),
            most=SHOWN,
        )

    @pages.get("/history/{run_id}")
    def stored_page(run_id: int) -> HTMLResponse:
        if not 1 <= run_id < 2**63:
            return error_page(404, "No such run", f"There is no run {run_id} in the history.")
        opened = store()
        if opened is None:
            return error_page(404, "No run history", "This server keeps no run history.")
        with opened:
            try:
                kept = opened.get(run_id)
            except KeyError:
                return error_page(404, "No such run", f"There is no run {run_id} in the history.")
        futures, basis = _stored_headline(kept.result) if kept.kind == "forecast" else ([], [])
        return render_page(
            "stored.html.j2", run=kept, facts=_kept_facts(kept), futures=futures, basis=basis
        )

    return pages


def _stored_headline(
    document: dict[str, Any] | None,
) -> tuple[list[tuple[str, str, float]], list[str]]:
    """The headline (or pooled) probability of each future of a kept forecast's document, and
    the sentences of what the headline rests on (the document's ``recommended.basis``)."""
    if not document:
        return [], []
    headline = document.get("recommended") or document.get("ensemble") or {}
    if not isinstance(headline, dict):
        return [], []
    rows = [
        (future.get("id", ""), future.get("label", ""), future.get("probability", 0.0))
        for future in headline.get("futures") or []
    ]
    basis = headline.get("basis") or {}
    said = [basis.get(key) for key in ("rests_on", "checked", "caveat", "simulation")]
    return rows, [sentence for sentence in said if isinstance(sentence, str) and sentence]
