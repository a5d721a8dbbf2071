"""What if, over the API (issue #38): ``POST /api/whatif`` moves inputs of a scenario by hand and
answers at once with the headline forecast moved, beside the headline as saved
(:func:`flashpoint.what_if`); ``POST /api/whatif/save`` keeps the moved scenario in the library.

The forecast runs in the server's own process, in a thread (the server answers other requests
meanwhile), not on a worker: a worker may be busy with a long run, and a what-if is answered
while the analyst moves a slider. The saved headline of a scenario, draws and seed is kept
(:class:`SavedHeadlines`), so that each move runs one forecast. With ``detail``, a forecast of
the moved scenario by every model is started on a worker as any run is, and its job returned.

A what-if's edits also live in its page's address (:func:`edits_from_query`): each edit a query
parameter named by its path, e.g. ``?actors.united_states.issues.sanctions_relief.position=40
&shocks.us_maximum_pressure=on``.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from flashpoint import (
    Edit,
    Forecast,
    ForecastRequest,
    Location,
    Problem,
    Scenario,
    ScenarioError,
    WhatIf,
    apply_edits,
    scenario_from_data,
    scenario_to_data,
    what_if,
)
from flashpoint.web.api import JobOut, Saved, guarded, job_out, prepared_request
from flashpoint.web.bodies import CheckedRoute
from flashpoint.web.errors import Refused, refusals
from flashpoint.web.jobs import Jobs
from flashpoint.web.library import Library, UnknownScenario
from flashpoint.web.pages import error_page, render_page
from flashpoint.web.settings import WebSettings

MAX_EDITS = 200  # edits of one what-if (far more than a page's inputs one moves by hand)
KEPT_HEADLINES = 16  # saved headlines kept (scenario, draws, seed)
DRAWS = 1000  # a what-if's draws unless asked otherwise: enough for a probability within ±3 points
SWITCH_WORDS = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}


class WhatIfIn(BaseModel):
    scenario: str | dict[str, Any] = Field(
        description="A library scenario's id, or a whole scenario.", examples=["korea-2018"]
    )
    edits: Annotated[list[Edit], Field(max_length=MAX_EDITS)] = Field(
        default_factory=list, description="The inputs moved, each by its path of ids."
    )
    draws: int = Field(DRAWS, ge=2, description="Monte Carlo draws of each headline.")
    seed: int | None = Field(
        None, ge=0, le=2**64 - 1, description="The draws' seed (default: the scenario's, else 0)."
    )
    detail: bool = Field(
        False,
        description="Also start a forecast of the moved scenario by every model on a worker"
        " (its job is in the answer's detail).",
    )


class EditOut(BaseModel):
    path: str
    value: bool | int | float
    words: str = Field(description="The edit in words, with the value it replaces.")


class FutureChange(BaseModel):
    id: str
    label: str
    saved: float = Field(description="Its headline probability as saved.")
    probability: float = Field(description="Its headline probability with the edits.")
    difference: float = Field(description="probability - saved.")
    points: int = Field(description="The percentage points it moves, as its percentages print.")


class Leading(BaseModel):
    id: str
    label: str
    probability: float


class WhatIfOut(BaseModel):
    schema_: str = Field(alias="schema")
    scenario: dict[str, str]
    edits: list[EditOut]
    draws: int
    seed: int
    recommended: dict[str, Any] | None = Field(
        description="The headline with the edits: the `recommended` part of forecast --json."
    )
    saved: dict[str, Any] | None = Field(description="The headline of the scenario as saved.")
    futures: list[FutureChange]
    leading: Leading | None
    saved_leading: Leading | None
    sentence: str = Field(description="What changed, in one sentence.")
    detail: JobOut | None = Field(None, description="The forecast by every model, when asked.")


class SaveWhatIfIn(BaseModel):
    scenario: str | dict[str, Any] = Field(description="A library scenario's id, or a whole one.")
    edits: Annotated[list[Edit], Field(min_length=1, max_length=MAX_EDITS)]
    id: str | None = Field(None, description="The new scenario's id (default: from its title).")
    title: str | None = Field(
        None, max_length=200, description="Its title (default: the old one, moved)."
    )


class SavedHeadlines:
    """The headlines of scenarios as saved, by scenario, draws and seed (the last
    ``KEPT_HEADLINES``), so that a what-if runs one forecast, not two."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, Forecast] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, scenario: Scenario, draws: int, seed: int | None) -> Forecast:
        key = json.dumps([scenario_to_data(scenario), draws, seed], sort_keys=True, default=str)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        forecast = what_if(scenario, [], draws, seed).saved
        with self._lock:
            self._kept[key] = forecast
            while len(self._kept) > KEPT_HEADLINES:
                self._kept.popitem(last=False)
        return forecast


def edits_from_query(pairs: Iterable[tuple[str, str]]) -> tuple[list[Edit], list[Problem]]:
    """The edits a page's address holds (each ``path=value``; a shock's value ``on`` or
    ``off``), and a problem for each parameter that is not one; other parameters (those not
    starting with ``actors.``, ``issues.`` or ``shocks.``) are the page's own."""
    edits: list[Edit] = []
    problems: list[Problem] = []
    for path, text in pairs:
        if not path.startswith(("actors.", "issues.", "shocks.")):
            continue
        if path.startswith("shocks."):
            value: bool | float | None = SWITCH_WORDS.get(text.strip().lower())
        else:
            try:
                value = float(text)
            except ValueError:
                value = None
            if value is not None and not math.isfinite(value):  # nan, inf
                value = None
        if value is None or len(path) > 300:
            problems.append(Problem(Location(path=path[:80]), f"'{text[:40]}' is not a value here"))
            continue
        edits.append(Edit(path=path, value=value))
    return edits, problems


def build_whatif(settings: WebSettings, library: Library, jobs: Jobs) -> APIRouter:
    """The what-if routes of one server."""
    api = APIRouter(
        prefix="/api", route_class=CheckedRoute, tags=["what if"], responses=guarded(settings)
    )
    headlines = SavedHeadlines()

    def scenario_of(given: str | dict[str, Any]) -> Scenario:
        try:
            return library.load(given) if isinstance(given, str) else scenario_from_data(given)
        except UnknownScenario as error:
            raise Refused(404, str(error.args[0])) from None
        except ScenarioError as error:
            raise Refused(422, "the scenario has problems", error.problems) from None

    def checked_draws(draws: int) -> None:
        if draws > settings.max_draws or 2 * draws > settings.max_model_runs:
            most = min(settings.max_draws, settings.max_model_runs // 2)
            raise Refused(422, f"{draws:,} draws is more than this server allows here ({most:,})")

    def answered(body: WhatIfIn) -> WhatIf:
        scenario = scenario_of(body.scenario)
        try:
            apply_edits(scenario, body.edits)
        except ScenarioError as error:
            raise Refused(422, "an edit does not fit the scenario", error.problems) from None
        saved = headlines.get(scenario, body.draws, body.seed)
        return what_if(scenario, body.edits, body.draws, body.seed, saved=saved)

    @api.post("/whatif", responses=refusals(403, 404, 422))
    async def whatif(body: WhatIfIn) -> WhatIfOut:
        """Move inputs of a scenario by hand (each edit by its path of ids) and get the headline
        forecast at once, beside the headline as saved, on the same draws and seed: only the
        edits differ. With ``detail``, a forecast by every model starts on a worker."""
        checked_draws(body.draws)
        result = await run_in_threadpool(answered, body)
        detail = None
        if body.detail:
            request = ForecastRequest(
                scenario=result.edited_scenario, draws=body.draws, seed=result.seed
            )
            ready, _ = prepared_request(request, library, settings)
            title = f"What if: {result.scenario.title}"
            detail = job_out(jobs.submit(ready, title))
        return WhatIfOut(**result.to_dict(), detail=detail)

    @api.post("/whatif/save", status_code=201, responses=refusals(403, 404, 422))
    def save(body: SaveWhatIfIn) -> Saved:
        """Keep a scenario with a what-if's edits as a new scenario of the library (each moved
        input's note says it was moved in a what-if)."""
        scenario = scenario_of(body.scenario)
        try:
            edited = apply_edits(scenario, body.edits)
        except ScenarioError as error:
            raise Refused(422, "an edit does not fit the scenario", error.problems) from None
        title = body.title or f"{scenario.title} (what if)"
        try:
            edited = scenario_from_data({**scenario_to_data(edited), "title": title})
            scenario_id = library.free_id(body.id or title)
            library.save(scenario_id, edited)
        except ScenarioError as error:
            raise Refused(422, "the library cannot keep the scenario", error.problems) from None
        return Saved(id=scenario_id, title=edited.title, page=f"/scenarios/{scenario_id}")

    return api


def build_whatif_page(library: Library, settings: WebSettings) -> APIRouter:
    """The what-if page of a scenario: ``/scenarios/ID/whatif``, its edits in the address."""
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/scenarios/{scenario_id}/whatif")
    def whatif_page(scenario_id: str, request: Request) -> HTMLResponse:
        try:
            scenario = library.load(scenario_id)
        except UnknownScenario as error:
            return error_page(404, "No such scenario", str(error.args[0]))
        except ScenarioError as error:
            return error_page(422, "This scenario's file does not load", str(error))
        edits, problems = edits_from_query(request.query_params.multi_items())
        try:
            apply_edits(scenario, edits)
        except ScenarioError as error:
            wrong = {problem.location.path for problem in error.problems}
            edits = [edit for edit in edits if edit.path not in wrong]
            problems += [problem for problem in error.problems if problem.location.path]
        return render_page(
            "whatif.html.j2",
            entry=library.entry(scenario_id, scenario),
            scenario=scenario,
            data=scenario_to_data(scenario),
            edits=[edit.model_dump() for edit in edits],
            problems=[str(problem) for problem in problems],
            draws=min(DRAWS, settings.max_draws),
        )

    return pages
