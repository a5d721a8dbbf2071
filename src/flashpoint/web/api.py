"""The JSON API of the web app (``/api/...``), which its pages use too; FastAPI publishes its
OpenAPI schema at ``/openapi.json`` and a browsable page at ``/docs``.

A run is started by posting a run request (:mod:`flashpoint.analysis.request`) whose scenario is
the id of a library scenario or a whole scenario; it answers at once with the job, whose status
is then polled. No endpoint takes a path: a request naming a file is refused.

Every refusal is JSON ``{"detail": "...", "problems": [...]}`` (:mod:`flashpoint.web.errors`)
with a 4xx status, and the OpenAPI schema lists the ones each route can answer with: 400 for
an address not the server's or a body that cannot be read, 403 for a change asked by another
site's page, 404 for an unknown scenario, run or job, 409 for what the state forbids (changing
a bundled scenario, the result of a run not yet done), 413 for a body over the cap, 422 for bad
input (each problem placed by its path, e.g. ``actors[2].issues.peace.salience``), a run
asking for more work than the server allows (:mod:`flashpoint.web.work`) among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from flashpoint import (
    BacktestRequest,
    RunRequest,
    Scenario,
    ScenarioError,
    Shock,
    UnknownShockError,
    __version__,
    apply_shocks,
    get_model,
    model_names,
    scenario_from_data,
    scenario_to_data,
)
from flashpoint.store import RunStore, RunSummary, StoredRun, StoreError
from flashpoint.web.bodies import CheckedRoute
from flashpoint.web.errors import ProblemOut, Refused, placed, problem_out, refusals
from flashpoint.web.jobs import Job, Jobs
from flashpoint.web.library import Entry, Library, LibraryError, UnknownScenario
from flashpoint.web.settings import WebSettings
from flashpoint.web.work import work


class ScenarioList(BaseModel):
    scenarios: list[Entry]
    problems: list[str] = Field(
        default_factory=list, description="Files of the library that do not load, and why."
    )


class ScenarioOut(BaseModel):
    summary: Entry
    scenario: dict[str, Any] = Field(description="The scenario as its YAML or JSON file holds it.")


class Validation(BaseModel):
    ok: bool
    problems: list[ProblemOut]


class SaveIn(BaseModel):
    id: str | None = Field(None, description="The new scenario's id (default: from its title).")
    scenario: dict[str, Any]


class Saved(BaseModel):
    id: str
    title: str
    page: str


class OutcomesSaved(BaseModel):
    id: str
    decided_issues: int


class JobOut(BaseModel):
    id: str
    kind: str
    title: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    total: int
    unit: str
    stage: str
    seconds: float | None
    message: str | None = Field(None, description="Why the run failed.")
    problems: list[str] = Field(default_factory=list)
    run_id: int | None = Field(None, description="The run's id in the run history, once kept.")
    note: str = ""
    page: str
    result: str | None = Field(None, description="Where the result's JSON document is, once done.")


class JobList(BaseModel):
    runs: list[JobOut]


class HistoryOut(BaseModel):
    runs: list[RunSummary]
    store: str | None


# --- the run history's list and its filters (GET /api/history and the /history page) --------

KINDS: dict[str, str] = {
    "forecast": "Forecast",
    "compare": "Comparison of shocks",
    "sensitivity": "What drives it",
    "backtest": "Backtest",
    "levers": "What would it take",
}
"""Each kind of run in words, as the scenario page's forms name them."""
SEARCHED = 200  # the most characters of a filter's text


def model_label(name: str) -> str:
    """A model's short name for a list: its label without what its brackets add
    ("Expected utility" for ``eum``); the name itself for a model this flashpoint lacks."""
    try:
        return get_model(name).label.split(" (")[0]
    except KeyError:
        return name


@dataclass(frozen=True)
class HistoryFilter:
    """Which kept runs a list of the history shows: those of ``kind`` and ``status``, of a
    scenario whose name or title holds ``scenario``, that applied or compared a shock whose id
    or label holds ``shock`` (``none``: that applied none), and whose line has a word starting
    with each word of ``text`` (:func:`searched_words`); any case, each filter left out (None)
    holding for every run."""

    kind: str | None = None
    scenario: str | None = None
    status: str | None = None
    shock: str | None = None
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.kind, self.scenario, self.status, self.shock, self.text))

    def admits(self, run: RunSummary) -> bool:
        if self.kind is not None and run.kind != self.kind:
            return False
        if self.status is not None and run.status != self.status:
            return False
        if self.scenario is not None:
            wanted = self.scenario.casefold()
            if wanted not in run.source.casefold() and wanted not in run.title.casefold():
                return False
        if self.shock is not None:
            wanted = self.shock.casefold()
            if wanted == "none" and run.shocks:
                return False
            if wanted != "none" and not any(
                wanted in shock["id"].casefold() or wanted in shock["label"].casefold()
                for shock in run.shocks
            ):
                return False
        if self.text is not None:
            words = searched_words(run)
            return all(any(word.startswith(asked) for word in words) for asked in _words(self.text))
        return True

    def runs(self, store: RunStore, limit: int) -> list[StoredRun]:
        """The newest ``limit`` runs of ``store`` it admits."""
        found: Iterator[StoredRun] = store.newest(self.kind, self.status)
        return list(islice((run for run in found if self.admits(run.summary())), limit))


def _words(text: str) -> list[str]:
    """The words of a text, case folded: split at spaces and at the marks between the parts of
    a time or a list (``,;:()+/``), so that a name (``korea-2018``, ``us_maximum_pressure``)
    or a hash stays one word."""
    return [word for word in re.split(r"[\s,;:()+/]+", text.casefold()) if word]


def searched_words(run: RunSummary) -> set[str]:
    """The words of everything a list says of a run, which a search looks in."""
    said = [
        str(run.id),
        run.created,
        run.kind,
        KINDS.get(run.kind, ""),
        run.status,
        run.title,
        run.source,
        run.scenario_hash,
        run.error or "",
        "" if run.seed is None else f"seed {run.seed}",
        "" if run.draws is None else f"{run.draws} draws",
        "" if run.samples is None else f"{run.samples} samples",
        *run.models,
        *(model_label(model) for model in run.models),
        *(f"{shock['id']} {shock['label']}" for shock in run.shocks),
        *(("damaged", *run.damage) if run.damage else ()),
    ]
    return set(_words(" ".join(said)))


def history_filter(
    kind: Annotated[
        Literal["", "forecast", "compare", "sensitivity", "backtest", "levers"] | None,
        Query(description="Only the runs of this kind (empty: any)."),
    ] = None,
    scenario: Annotated[
        str | None,
        Query(
            max_length=SEARCHED,
            description="Only the runs of a scenario whose name (``korea-2018``) or title holds"
            " this, in any case.",
        ),
    ] = None,
    status: Annotated[
        Literal["", "done", "failed", "cancelled"] | None,
        Query(description="Only the runs that ended so (empty: any)."),
    ] = None,
    shock: Annotated[
        str | None,
        Query(
            max_length=SEARCHED,
            description="Only the runs that applied (a forecast) or compared (a comparison) a"
            " shock whose id or label holds this, in any case; ``none``: only the runs that"
            " applied no shock.",
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=SEARCHED,
            description="Only the runs with a word starting with each of these words, in any"
            " case, among their id, time, kind, status, scenario, shocks, draws, seed, models,"
            " scenario hash and error (``seed 7``, ``pressure``, ``13a1396a``).",
        ),
    ] = None,
) -> HistoryFilter:
    """The filters of a list of the history, from its query (GET /api/history, /history)."""

    def given(text: str | None) -> str | None:
        return (text or "").strip() or None

    return HistoryFilter(
        kind=kind or None,
        scenario=given(scenario),
        status=status or None,
        shock=given(shock),
        text=given(q),
    )


class ModelOut(BaseModel):
    name: str
    label: str
    summary: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    workers: int
    waiting: int
    running: int


def job_out(job: Job) -> JobOut:
    failure = job.failure
    return JobOut(
        id=job.id,
        kind=job.kind,
        title=job.title,
        state=job.state,
        done=job.done,
        total=job.total,
        unit=job.unit,
        stage=job.stage,
        seconds=job.seconds,
        message=failure.message if failure else None,
        problems=list(failure.problems) if failure and failure.input_error else [],
        run_id=job.run_id,
        note=job.note,
        page=f"/runs/{job.id}",
        result=f"/api/runs/{job.id}/result" if job.state == "done" else None,
    )


def prepared_request(request: Any, library: Library, settings: WebSettings) -> tuple[Any, Scenario]:
    """A request made ready for a worker: its scenario loaded (from the library, or checked
    whole), its caps checked, its draws run serially; refused (422) with the reason."""
    if isinstance(request, BacktestRequest) and request.outcomes is not None:
        raise Refused(
            422,
            "the web app takes no file names: attach a table of outcomes to the scenario"
            " (POST /api/scenarios/{id}/outcomes) and its backtests use it",
        )
    if request.scheduler is not None:
        raise Refused(422, "the web app runs its own workers: leave out the scheduler")
    for name in ("draws", "samples"):
        value = getattr(request, name, None)
        if value is not None and value > settings.max_draws:
            raise Refused(
                422,
                f"{value:,} {name} is more than this server allows ({settings.max_draws:,}):"
                " ask for fewer, or ask whoever runs the server to allow more",
            )
    for model in request.models or ():
        if model not in model_names():
            raise Refused(422, f"unknown model '{model}' (models: {', '.join(model_names())})")
    idle = sorted(set(request.options) - set(request.models or model_names()))
    if idle:
        raise Refused(422, f"options given for models not being run: {', '.join(idle)}")
    updates: dict[str, Any] = {"executor": "serial", "workers": None}
    if isinstance(request.scenario, str):
        try:
            scenario = library.load(request.scenario)
        except UnknownScenario as error:
            raise Refused(422, str(error.args[0])) from None
        except ScenarioError as error:
            raise Refused(422, "the scenario does not load", error.problems) from None
        if isinstance(request, BacktestRequest):
            outcomes = library.outcomes_file(request.scenario)
            updates["outcomes"] = str(outcomes) if outcomes is not None else None
    else:
        try:
            scenario = scenario_from_data(scenario_to_data(request.scenario))
        except ScenarioError as error:
            raise Refused(422, "the scenario has problems", error.problems) from None
    check_shocks(request, scenario)
    asked = work(request, scenario)
    if asked.model_runs > settings.max_model_runs:
        raise Refused(
            422,
            f"this asks for {asked.describe()}; this server's limit is"
            f" {settings.max_model_runs:,} model runs: lower the draws or samples, or split it"
            " into smaller runs",
        )
    updates["scenario"] = scenario
    return request.model_copy(update=updates), scenario


def check_shocks(request: Any, scenario: Scenario) -> None:
    """Refuse (422) the shocks of a request that do not apply to its scenario: an id it does
    not have, a shock given whole that names an actor, issue or input it does not have (checked
    as the scenario's own shocks are), or shocks that together leave an issue no one weighs."""
    shocks = getattr(request, "shocks", None) or ()
    lists = shocks if request.kind == "compare" else [shocks]
    given: list[Shock] = []
    for shock in (shock for listed in lists for shock in listed if isinstance(shock, Shock)):
        if shock not in given:
            given.append(shock)
    if given:
        try:
            scenario_from_data(scenario_to_data(scenario.model_copy(update={"shocks": given})))
        except ScenarioError as error:
            raise Refused(
                422, "a shock of the request does not fit the scenario", error.problems
            ) from None
    for listed in lists:
        try:
            apply_shocks(scenario, list(listed))
        except UnknownShockError as error:
            raise Refused(422, str(error)) from None
        except ScenarioError as error:
            raise Refused(422, "the shocks cannot apply together", error.problems) from None


def guarded(settings: WebSettings) -> dict[int | str, dict[str, Any]]:
    """The refusals of the guard in front of every route of the API (:mod:`.guard`, :mod:`.bodies`):
    a body that cannot be read or an address not the server's, a body over the cap, and, with a
    token, a request without it."""
    return refusals(400, 413, *((401,) if settings.token is not None else ()))


def build_router(settings: WebSettings, library: Library, jobs: Jobs) -> APIRouter:
    """The API's routes, bound to one server's settings, library and jobs."""
    api = APIRouter(prefix="/api", route_class=CheckedRoute, responses=guarded(settings))

    def known_job(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise Refused(
                404,
                f"no run '{job_id[:40]}' on this server (it may have been forgotten:"
                " see the run history)",
            )
        return job

    @api.get("/health", tags=["server"], responses=refusals(409))
    def health() -> Health:
        """Whether the server answers, and how busy its workers are."""
        known = jobs.jobs()
        return Health(
            status="ok",
            version=__version__,
            workers=settings.workers,
            waiting=sum(job.state == "queued" for job in known),
            running=sum(job.state == "running" for job in known),
        )

    @api.get("/models", tags=["server"])
    def models() -> list[ModelOut]:
        """The models a run can use."""
        return [
            ModelOut(name=name, label=get_model(name).label, summary=get_model(name).summary)
            for name in model_names()
        ]

    @api.get("/scenarios", tags=["scenarios"])
    def list_scenarios() -> ScenarioList:
        """The library: the bundled scenarios and the user's own."""
        entries, problems = library.entries()
        return ScenarioList(
            scenarios=entries,
            problems=[str(problem) for problem in problems],
        )

    def loaded(scenario_id: str) -> Scenario:
        try:
            return library.load(scenario_id)
        except UnknownScenario as error:
            raise Refused(404, str(error.args[0])) from None
        except ScenarioError as error:
            raise Refused(422, "the scenario's file does not load", error.problems) from None

    @api.get("/scenarios/{scenario_id}", tags=["scenarios"], responses=refusals(404, 422))
    def get_scenario(scenario_id: str) -> ScenarioOut:
        """One scenario, whole, as its YAML or JSON file holds it."""
        scenario = loaded(scenario_id)
        return ScenarioOut(
            summary=library.entry(scenario_id, scenario),
            scenario=scenario_to_data(scenario),
        )

    @api.get(
        "/scenarios/{scenario_id}/download",
        tags=["scenarios"],
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **refusals(404, 422)},
    )
    def download(
        scenario_id: str,
        format: Annotated[Literal["yaml", "json", "xlsx", "csv"], Query()] = "yaml",
    ) -> Response:
        """The scenario as a file: YAML, JSON, a workbook or a CSV table."""
        loaded(scenario_id)
        try:
            content, name, media_type = library.download(scenario_id, format)
        except ScenarioError as error:  # e.g. what a CSV table cannot hold
            raise Refused(422, f"cannot write it as {format}", error.problems) from None
        return Response(
            content,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @api.post("/scenarios/validate", tags=["scenarios"], responses=refusals(403, 422))
    def validate(scenario: dict[str, Any]) -> Validation:
        """Check a scenario's data (as the editor holds it): a scenario with problems is
        answered too (200, ``ok`` false), every problem placed by its path and named in words
        by the data's own labels (``place``, ``worded``: "North Korea, Denuclearization,
        salience: ...")."""
        try:
            scenario_from_data(scenario)
        except ScenarioError as error:
            return Validation(ok=False, problems=[problem_out(p, scenario) for p in error.problems])
        return Validation(ok=True, problems=[])

    def checked(data: dict[str, Any]) -> Scenario:
        try:
            return scenario_from_data(data)
        except ScenarioError as error:
            raise Refused(422, "the scenario has problems", placed(error.problems, data)) from None

    def kept(scenario_id: str, scenario: Scenario) -> Saved:
        """Save a checked scenario in the library, refused (422) if the library cannot keep it."""
        try:
            library.save(scenario_id, scenario)
        except ScenarioError as error:
            raise Refused(422, "the library cannot keep the scenario", error.problems) from None
        return Saved(id=scenario_id, title=scenario.title, page=f"/scenarios/{scenario_id}")

    @api.post("/scenarios", tags=["scenarios"], status_code=201, responses=refusals(403, 422))
    def create(body: SaveIn) -> Saved:
        """Save a new scenario in the user's library (its id made free if taken)."""
        scenario = checked(body.scenario)
        return kept(library.free_id(body.id or scenario.title), scenario)

    @api.put("/scenarios/{scenario_id}", tags=["scenarios"], responses=refusals(403, 404, 409, 422))
    def replace(scenario_id: str, scenario: dict[str, Any]) -> Saved:
        """Replace one of the user's scenarios (a bundled one cannot be changed: 409)."""
        if library.is_bundled(scenario_id):
            raise Refused(
                409, f"'{scenario_id}' is bundled with flashpoint: save your version as a new one"
            )
        try:
            library.check_id(scenario_id)
        except UnknownScenario as error:
            raise Refused(404, str(error.args[0])) from None
        return kept(scenario_id, checked(scenario))

    @api.delete(
        "/scenarios/{scenario_id}",
        tags=["scenarios"],
        status_code=204,
        responses=refusals(403, 404, 409, 422),
    )
    def delete(scenario_id: str) -> Response:
        """Delete one of the user's scenarios."""
        try:
            library.delete(scenario_id)
        except UnknownScenario as error:
            raise Refused(404, str(error.args[0])) from None
        except LibraryError as error:
            raise Refused(409, str(error)) from None
        return Response(status_code=204)

    async def read_upload(file: UploadFile) -> bytes:
        content = await file.read(settings.max_upload_bytes + 1)
        if len(content) > settings.max_upload_bytes:
            raise Refused(
                413,
                f"the file is larger than this server accepts ({settings.max_upload_mb:g} MB)",
            )
        return content

    @api.post(
        "/scenarios/upload", tags=["scenarios"], status_code=201, responses=refusals(403, 422)
    )
    async def upload(
        file: Annotated[UploadFile, File(description="A scenario file flashpoint reads.")],
        name: Annotated[str | None, Form(description="The new scenario's id.")] = None,
        format: Annotated[
            Literal["yaml", "json", "xlsx", "csv", "ktab", "ktab-xml", "decide"] | None,
            Form(description="The file's format (default: by its name and content)."),
        ] = None,
    ) -> Saved:
        """Add a scenario file (YAML, JSON, workbook, CSV table, KTAB or Decide) to the
        library; every problem of the file is named with its row and column."""
        content = await read_upload(file)
        try:  # in a thread: reading a large file takes a while, and the server answers meanwhile
            scenario_id, scenario = await run_in_threadpool(
                library.import_file, file.filename or "upload", content, format, name or None
            )
        except ScenarioError as error:
            count = len(error.problems)
            raise Refused(
                422,
                f"{count} problem{'s' if count != 1 else ''} in the file",
                error.problems,
            ) from None
        return Saved(id=scenario_id, title=scenario.title, page=f"/scenarios/{scenario_id}")

    @api.post(
        "/scenarios/{scenario_id}/outcomes",
        tags=["scenarios"],
        responses=refusals(403, 404, 409, 422),
    )
    async def attach_outcomes(
        scenario_id: str,
        file: Annotated[UploadFile, File(description="A CSV table of decided outcomes.")],
    ) -> OutcomesSaved:
        """Attach a table of decided outcomes to one of the user's scenarios, for backtests."""
        loaded(scenario_id)
        content = await read_upload(file)
        try:
            decided = await run_in_threadpool(
                library.attach_outcomes, scenario_id, file.filename or "outcomes.csv", content
            )
        except LibraryError as error:
            raise Refused(409, str(error)) from None
        except ScenarioError as error:
            raise Refused(422, "the table has problems", error.problems) from None
        return OutcomesSaved(id=scenario_id, decided_issues=decided)

    def submitted(request: Any) -> JobOut:
        """Give a request, made ready (:func:`prepared_request`), to a worker."""
        ready, scenario = prepared_request(request, library, settings)
        return job_out(jobs.submit(ready, f"{request.kind.capitalize()}: {scenario.title}"))

    @api.post("/runs", tags=["runs"], status_code=202, responses=refusals(403, 409, 422))
    def start(request: RunRequest) -> JobOut:
        """Start a run: a forecast, a comparison of shocks, a sensitivity analysis, a backtest
        or a levers search. Its ``scenario`` is a library id or a whole scenario."""
        return submitted(request)

    @api.get("/runs", tags=["runs"], responses=refusals(409))
    def list_jobs() -> JobList:
        """The runs of this server since it started, newest first."""
        return JobList(runs=[job_out(job) for job in jobs.jobs()])

    @api.get("/runs/{job_id}", tags=["runs"], responses=refusals(404, 409, 422))
    def status(job_id: str) -> JobOut:
        """Where a run stands: waiting, running (with its progress), done, failed or
        cancelled."""
        return job_out(known_job(job_id))

    @api.post("/runs/{job_id}/cancel", tags=["runs"], responses=refusals(403, 404, 409, 422))
    def cancel(job_id: str) -> JobOut:
        """Cancel a run: at once if it waits, after its current step if it runs."""
        known_job(job_id)
        return job_out(jobs.cancel(job_id))

    @api.get("/runs/{job_id}/result", tags=["runs"], responses=refusals(404, 409, 422))
    def result(job_id: str) -> dict[str, Any]:
        """A finished run's result: the same JSON document as the command line's --json."""
        job = known_job(job_id)
        if job.state != "done":
            raise Refused(
                409,
                f"the run is {job.state}" + (f": {job.failure.message}" if job.failure else ""),
            )
        return job.result.to_dict()

    def store() -> RunStore:
        if settings.store is None:
            raise Refused(409, "this server keeps no run history (it was started without one)")
        try:
            return RunStore(settings.store)
        except (StoreError, OSError) as error:
            raise Refused(409, f"the run history cannot be opened: {error}") from None

    def kept_run(runs: RunStore, run_id: int) -> StoredRun:
        try:
            return runs.get(run_id)
        except KeyError:
            raise Refused(404, f"no run {run_id} in the run history") from None

    @api.get("/history", tags=["history"], responses=refusals(409, 422))
    def history(
        chosen: Annotated[HistoryFilter, Depends(history_filter)],
        limit: Annotated[
            int, Query(ge=1, le=1000, description="At most this many runs, newest first.")
        ] = 100,
    ) -> HistoryOut:
        """The runs kept in the run store, newest first (the command line's too), each with
        what was run: its shocks, draws (or samples), seed, models and its scenario's hash.
        The filters (``kind``, ``scenario``, ``status``, ``shock``, ``q``) narrow the list;
        a value that is not one of a filter's is refused (422)."""
        if settings.store is None:
            return HistoryOut(runs=[], store=None)
        with store() as runs:
            stored = chosen.runs(runs, limit)
        return HistoryOut(runs=[run.summary() for run in stored], store=str(settings.store))

    @api.get("/history/{run_id}", tags=["history"], responses=refusals(404, 409, 422))
    def stored_run(run_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> dict[str, Any]:
        """One kept run as one JSON document (as ``flashpoint runs export`` writes it)."""
        with store() as runs:
            return kept_run(runs, run_id).to_dict()

    @api.post(
        "/history/{run_id}/rerun",
        tags=["history"],
        status_code=202,
        responses=refusals(403, 404, 409, 422),
    )
    def rerun(run_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> JobOut:
        """Run a kept run again (its request on its scenario: the same numbers)."""
        with store() as runs:
            stored = kept_run(runs, run_id)
        try:
            request = stored.rerun_request()
        except StoreError as error:  # its request does not pass this flashpoint's checks
            raise Refused(409, str(error)) from None
        if isinstance(request, BacktestRequest) and request.outcomes is not None:
            raise Refused(
                409,
                "this backtest read a table of outcomes from a file: run it again from the"
                f" command line (flashpoint runs rerun {run_id})",
            )
        if request.executor == "dask":
            request = request.model_copy(update={"scheduler": None})
        return submitted(request)

    return api
