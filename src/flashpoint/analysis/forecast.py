"""The forecast: run models on a scenario and say which named future each prediction is in.

``forecast()`` runs each requested model once on the scenario's stated values and classifies
its predicted outcome into the scenario's named futures. The result, :class:`Forecast`, turns
into the documented JSON document (``docs/json-output.md``) with :meth:`Forecast.to_dict`.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import AliasChoices, BaseModel, ValidationError

from flashpoint import __version__
from flashpoint.analysis.outcomes import UNCLASSIFIED, classify, future_label
from flashpoint.analysis.uncertainty import Spread, spread, spread_dict
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.executors import Executor
from flashpoint.engine.montecarlo import MonteCarlo, run_draws
from flashpoint.engine.seeding import named_stream
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.registry import get_model, model_names
from flashpoint.scenario.load import DEFAULT_SCENARIO, load_scenario
from flashpoint.scenario.schema import Scenario
from flashpoint.scenario.shocks import apply_shocks

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.forecast/1"


@dataclass(frozen=True, eq=False)
class ModelResult:
    """One model's forecast: the predicted outcome per issue and the future it falls in."""

    model: str
    label: str
    options: dict[str, Any]
    outcome: dict[str, float]
    future: str | None
    trajectory: Trajectory = field(repr=False)
    spread: Spread | None = field(default=None, repr=False)

    @property
    def rounds(self) -> int:
        return self.trajectory.rounds


@dataclass(frozen=True, eq=False)
class Forecast:
    """Forecasts of several models for one scenario (after any shocks)."""

    scenario: Scenario
    source: str
    shocks: tuple[str, ...]
    seed: int
    results: dict[str, ModelResult]
    timings: dict[str, float]
    draws: int = 1
    jitter: float = 0.0
    ensemble: Spread | None = None

    def __getitem__(self, model: str) -> ModelResult:
        return self.results[model]

    @property
    def models(self) -> list[str]:
        return list(self.results)

    def future_label(self, future: str | None) -> str:
        return future_label(self.scenario.outcomes, future)

    def to_dict(self) -> dict[str, Any]:
        """The forecast as the JSON document described in ``docs/json-output.md``."""
        scenario = self.scenario
        return {
            "schema": SCHEMA,
            "flashpoint_version": __version__,
            "scenario": {
                "id": scenario.id,
                "title": scenario.title,
                "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                "source": self.source,
                "issues": [
                    {"id": i.id, "label": i.label, "min": i.min, "max": i.max}
                    for i in scenario.issues
                ],
                "futures": [{"id": o.id, "label": o.label} for o in scenario.outcomes],
            },
            "shocks": list(self.shocks),
            "seed": self.seed,
            "models": {
                name: {
                    "label": result.label,
                    "options": result.options,
                    "rounds": result.rounds,
                    "outcome": {
                        issue.id: {
                            "value": result.outcome[issue.id],
                            "anchor": issue.anchor_text(result.outcome[issue.id]),
                        }
                        for issue in scenario.issues
                    },
                    "future": None
                    if result.future is None
                    else {"id": result.future, "label": self.future_label(result.future)},
                    **spread_dict(result.spread, self.future_label),
                }
                for name, result in self.results.items()
            },
            "draws": self.draws,
            "jitter": self.jitter,
            "ensemble": None
            if self.ensemble is None
            else spread_dict(self.ensemble, self.future_label),
            "timings": dict(self.timings),
        }

    def to_frame(self) -> pandas.DataFrame:
        """The forecast as a table, one row per model (and ``ensemble``) and quantity:
        ``kind`` is ``outcome`` (the prediction on the stated values, per issue), ``median``
        (over the draws, per issue, ``low``-``high`` its 90% interval) or ``probability`` (of
        each future over the draws, ``low``-``high`` its 95% Wilson interval)."""
        import pandas

        rows = []
        for name, result in self.results.items():
            for issue, value in result.outcome.items():
                rows.append(_frame_row(name, "outcome", issue, value, (math.nan, math.nan)))
        summaries = [(name, result.spread) for name, result in self.results.items()]
        for name, summary in [*summaries, ("ensemble", self.ensemble)]:
            if summary is None:
                continue
            for issue, d in summary.distribution.items():
                rows.append(_frame_row(name, "median", issue, d.median, d.interval_90))
            for future, p in summary.futures.items():
                rows.append(_frame_row(name, "probability", future, p.probability, p.interval_95))
        return pandas.DataFrame(rows, columns=["model", "kind", "name", "value", "low", "high"])

    def __repr__(self) -> str:
        lines = [
            f"Forecast of '{self.scenario.title}'"
            + (f" with shocks {', '.join(self.shocks)}" if self.shocks else "")
        ]
        for name, result in self.results.items():
            values = ", ".join(f"{key} {value:.1f}" for key, value in result.outcome.items())
            lines.append(f"  {name}: {values} -> {self.future_label(result.future)}")
        return "\n".join(lines)


def _frame_row(
    model: str, kind: str, name: str | None, value: float, interval: tuple[float, float]
) -> dict[str, Any]:
    return {
        "model": model,
        "kind": kind,
        "name": name,
        "value": value,
        "low": interval[0],
        "high": interval[1],
    }


def forecast(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    models: Sequence[str] | None = None,
    *,
    shocks: Sequence[str] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    draws: int = 1,
    jitter: float = 0.0,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Forecast:
    """Run models on a scenario and classify each prediction into the named futures.

    Parameters
    ----------
    scenario:
        A :class:`Scenario`, a file, or a bundled scenario's name (default ``korea-2018``).
    models:
        Names of registered models (default: every one, see ``flashpoint models``).
    shocks:
        Names of the scenario's shocks to apply first, in order.
    options:
        Per model, its options, e.g. ``{"eum": {"rounds": 10}}``. They override, option by
        option, the ones the scenario states for the model (``scenario.model_options``).
    seed:
        Root of every random stream; each model gets its own stream derived from the seed and
        its name, so the models run and their order do not change one another's numbers.
        Default: the scenario's seed, else 0. :attr:`Forecast.seed` is the seed used.
    draws:
        With more than 1, the models also run on that many Monte Carlo draws of the scenario's
        uncertain inputs (:mod:`flashpoint.engine.sampling`), and each result gets a
        :class:`~flashpoint.analysis.uncertainty.Spread`: every issue's distribution and every
        future's probability; :attr:`Forecast.ensemble` pools the models with equal weights.
        The stated values' forecast stays each result's ``outcome`` and ``future``.
    jitter:
        Spread every input without an uncertainty entry of its own by this share of its range.
    executor, workers, scheduler, progress:
        How the draws run (:func:`flashpoint.engine.executors.run_blocks`); the numbers are the
        same on every executor. The draws are those of the scenario before the shocks, so a
        shocked forecast and :func:`flashpoint.compare` see the same random numbers.
    """
    if draws < 1:
        raise ValueError(f"draws must be 1 or more, not {draws}")
    source = source_name(scenario)
    loaded = load_scenario(scenario)
    chosen_options = resolve_options(loaded, models, options)
    seed = resolve_seed(seed, loaded)
    shocked = apply_shocks(loaded, shocks)
    arrays = ScenarioArrays.from_scenario(shocked)
    results: dict[str, ModelResult] = {}
    timings: dict[str, float] = {}
    for name, chosen in chosen_options.items():
        spec = get_model(name)
        started = time.perf_counter()
        trajectory = spec(arrays, chosen, model_rng(seed, spec.name))
        timings[spec.name] = time.perf_counter() - started
        predicted = trajectory.forecast[0]
        future = classify(shocked.outcomes, trajectory.forecast, arrays.issues)[0]
        results[spec.name] = ModelResult(
            model=spec.name,
            label=spec.label,
            options=chosen.model_dump(mode="json"),
            outcome={
                issue: float(value) for issue, value in zip(arrays.issues, predicted, strict=True)
            },
            future=None if future == UNCLASSIFIED else shocked.outcomes[future].id,
            trajectory=trajectory,
        )
    ensemble = None
    if draws > 1:
        started = time.perf_counter()
        run = MonteCarlo(
            loaded,
            tuple((name, result.options) for name, result in results.items()),
            seed,
            jitter,
            shocks=(tuple(shocks),),
        )
        (values,) = run_draws(
            run,
            draws,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        timings["monte_carlo"] = time.perf_counter() - started
        outcomes, issues = shocked.outcomes, arrays.issues
        results = {
            name: replace(result, spread=spread(values[name], outcomes, issues))
            for name, result in results.items()
        }
        ensemble = spread(np.concatenate(list(values.values())), outcomes, issues)
    return Forecast(
        scenario=shocked,
        source=source,
        shocks=tuple(shocks),
        seed=seed,
        results=results,
        timings=timings,
        draws=draws,
        jitter=jitter,
        ensemble=ensemble,
    )


def source_name(scenario: Scenario | str | Path) -> str:
    """How a run names where its scenario came from: the file or bundled name, or the id."""
    return scenario.id if isinstance(scenario, Scenario) else str(scenario)


def document_head(schema: str, scenario: Scenario, source: str) -> dict[str, Any]:
    """What every analysis' JSON document starts with: its schema, flashpoint's version and
    the scenario it ran on (``docs/json-output.md``)."""
    return {
        "schema": schema,
        "flashpoint_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.title, "source": source},
    }


def resolve_options(
    scenario: Scenario,
    models: Sequence[str] | None,
    options: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, BaseModel]:
    """The models of a run (default: every registered one) with their checked options: the
    scenario's, overridden one by one by those given (see :func:`forecast`)."""
    names = list(models) if models else model_names()
    specs = [get_model(name) for name in names]
    unknown = set(options or {}) - set(names)
    if unknown:
        raise KeyError(f"options given for models not being run: {', '.join(sorted(unknown))}")
    return {
        spec.name: _options(
            spec, scenario.model_options.get(spec.name, {}), (options or {}).get(spec.name, {})
        )
        for spec in specs
    }


def resolve_seed(given: int | None, scenario: Scenario) -> int:
    """The seed of a run: the one given, else the scenario's, else 0."""
    if given is None:
        return scenario.seed if scenario.seed is not None else 0
    try:
        seed = operator.index(given)
    except TypeError:
        seed = -1
    if isinstance(given, bool) or seed < 0:
        raise ValueError(f"the seed must be a whole number of 0 or more, not {given!r}")
    return seed


def _options(spec: ModelSpec, stated: Mapping[str, Any], given: Mapping[str, Any]) -> BaseModel:
    """A model's options: those the scenario states, overridden one by one by those given.

    An option may be named by any of its names (a field's aliases, e.g. the SMP model's KTAB
    names), so a given option replaces a stated one whatever name either uses. A ValueError
    names each bad option in plain words, and says which ones came from the scenario.
    """
    canonical = _option_names(spec.options)
    written: dict[str, tuple[str, Any]] = {}  # option -> (the name it was given by, value)
    for key, value in stated.items():
        written[canonical.get(key, key)] = (key, value)
    from_scenario = set(written)
    for key, value in given.items():
        written[canonical.get(key, key)] = (key, value)
        from_scenario.discard(canonical.get(key, key))
    merged = dict(written.values())
    try:
        return spec.options.model_validate(merged)
    except ValidationError as error:
        known = ", ".join(spec.options.model_fields) or "none"
        details = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            + (
                " (stated in the scenario's model_options)"
                if item["loc"]
                and canonical.get(str(item["loc"][0]), str(item["loc"][0])) in from_scenario
                else ""
            )
            for item in error.errors()
        )
        raise ValueError(f"options of model '{spec.name}' (it takes: {known}): {details}") from None


def _option_names(options: type[BaseModel]) -> dict[str, str]:
    """Every name an option answers to (its field name, alias and validation aliases) mapped
    to its field name."""
    names: dict[str, str] = {}
    for option, info in options.model_fields.items():
        names[option] = option
        if info.alias:
            names[info.alias] = option
        alias = info.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        for choice in choices:
            if isinstance(choice, str):
                names[choice] = option
    return names


def model_rng(seed: int, model: str) -> np.random.Generator:
    """The random stream of one model in a run: from the run's seed and the model's name."""
    return named_stream(seed, model)
