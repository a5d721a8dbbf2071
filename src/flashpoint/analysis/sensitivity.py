"""Which inputs and model choices drive a forecast: tornado, Morris and Sobol indices, and a
factorial over categorical model options.

The inputs studied are the scenario's uncertainty entries, each over its range
(:func:`flashpoint.engine.sampling.entry_range`: a uniform or triangular entry's support, a
normal or beta entry's central 90%). The target (:mod:`.targets`) is a future's probability or
an issue's expected outcome, pooled over the models with equal weights.

- **tornado**: one input at a time set to the low and then the high end of its range while
  every other input is drawn as usual, on common random numbers (each setting is a shock of the
  Monte Carlo run, :mod:`flashpoint.engine.montecarlo`); inputs sorted by the swing
  ``|target(high) - target(low)|``.
- **morris**: elementary effects on a grid over the inputs' ranges, every other input at its
  stated value (Morris 1991; ``μ*`` from Campolongo, Cariboni & Saltelli 2007), via SALib.
- **sobol**: first-order and total indices from Saltelli's sampling scheme (Saltelli et al.
  2010, *Computer Physics Communications* 181: 259-270), via SALib.

  Morris and Sobol vary the independent sources of the uncertainty
  (:func:`flashpoint.engine.sampling.sources`): inputs of one correlation group move together
  through their common factor (and their own noise), so they are studied as one group with
  one index, the joint effect of the group's inputs (Jacques, Lavergne & Devictor 2006,
  *Reliability Engineering & System Safety* 91: 1126-1134; SALib's groups).
- **factorial**: every combination of the levels of the chosen categorical model options
  (e.g. ``eum.preset`` x ``exchange.policy``), each on the same draws; with each level's main
  effect (the mean target over the cells at that level).
"""

from __future__ import annotations

import itertools
import time
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from flashpoint.analysis.forecast import document_head, resolve_options, resolve_seed, source_name
from flashpoint.analysis.targets import Target, UnknownChoice, parse_target
from flashpoint.engine.executors import Executor, run_blocks
from flashpoint.engine.montecarlo import BLOCK_SIZE, MonteCarlo, joined, run_draws
from flashpoint.engine.sampling import entry_range, place_levels, sources, stated_value
from flashpoint.engine.seeding import named_stream
from flashpoint.extras import require
from flashpoint.models.registry import get_model
from flashpoint.scenario.load import DEFAULT_SCENARIO, load_scenario
from flashpoint.scenario.schema import Change, Scenario, Shock, Uncertainty

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.sensitivity/1"
Method = Literal["tornado", "morris", "sobol", "factorial"]
METHODS: tuple[str, ...] = typing.get_args(Method)
DEFAULT_FACTORS = ("eum.preset", "exchange.policy")


@dataclass(frozen=True)
class Input:
    """An uncertain input, named for people: the actor, issue and field it is, its stated
    value and its range."""

    name: str
    actor: str
    issue: str | None
    field: str
    stated: float
    low: float
    high: float


@dataclass(frozen=True)
class InputGroup:
    """The inputs of a correlation group, studied together (Morris, Sobol)."""

    name: str
    group: str
    inputs: tuple[Input, ...]


@dataclass(frozen=True)
class TornadoBar:
    """The target with one input at the low and at the high end of its range."""

    input: Input
    at_low: float
    at_high: float

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class Index:
    """An input's or a group's sensitivity indices: Morris ``mu_star`` (with its 95% bootstrap
    interval's half-width), ``mu`` and ``sigma`` (None where SALib leaves it undefined: for a
    group with several sources); or Sobol ``S1`` and ``ST`` with their half-widths."""

    input: Input | InputGroup
    values: dict[str, float | None]


@dataclass(frozen=True)
class Cell:
    """One combination of model options and the target under it."""

    levels: dict[str, Any]
    value: float


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """A sensitivity analysis' result; ``rows`` holds :class:`TornadoBar` (sorted by swing),
    :class:`Index` (sorted by ``mu_star`` or ``ST``) or :class:`Cell` by method."""

    scenario: Scenario
    source: str
    method: str
    target: Target
    baseline: float
    seed: int
    draws: int
    samples: int
    options: dict[str, dict[str, Any]]
    rows: list[Any]
    main_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def models(self) -> list[str]:
        return list(self.options)

    @property
    def ranking(self) -> list[str]:
        """The inputs (or cells) from the most to the least influential."""
        if self.method == "factorial":
            return [", ".join(f"{k}={v}" for k, v in row.levels.items()) for row in self.rows]
        return [row.input.name for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON (``docs/json-output.md``, the sensitivity document)."""
        return {
            **document_head(SCHEMA, self.scenario, self.source),
            "method": self.method,
            "target": {"text": self.target.text, "label": self.target.label},
            "baseline": self.baseline,
            "seed": self.seed,
            "draws": self.draws,
            "samples": self.samples,
            "models": {name: {"options": options} for name, options in self.options.items()},
            "rows": [self._row(row) for row in self.rows],
            "main_effects": self.main_effects,
            "timings": dict(self.timings),
        }

    def to_frame(self) -> pandas.DataFrame:
        """One row per input (tornado, morris, sobol) or per cell (factorial)."""
        import pandas

        return pandas.DataFrame([self._row(row) for row in self.rows])

    def _row(self, row: Any) -> dict[str, Any]:
        if isinstance(row, TornadoBar):
            return {
                **asdict(row.input),
                "at_low": row.at_low,
                "at_high": row.at_high,
                "swing": row.swing,
            }
        if isinstance(row, Index) and isinstance(row.input, InputGroup):
            return {
                "name": row.input.name,
                "group": row.input.group,
                "inputs": [member.name for member in row.input.inputs],
                **row.values,
            }
        if isinstance(row, Index):
            return {**asdict(row.input), **row.values}
        return {**row.levels, "value": row.value}

    def __repr__(self) -> str:
        lines = [f"Sensitivity ({self.method}) of {self.target.label} in '{self.scenario.title}'"]
        for row in self.rows[:10]:
            if isinstance(row, TornadoBar):
                lines.append(f"  {row.input.name}: {row.at_low:.3g} to {row.at_high:.3g}")
            elif isinstance(row, Index):
                shown = ", ".join(f"{k} {v:.3g}" for k, v in row.values.items() if v is not None)
                lines.append(f"  {row.input.name}: {shown}")
            else:
                lines.append(f"  {self._row(row)}")
        return "\n".join(lines)


def inputs(scenario: Scenario) -> list[Input]:
    """The scenario's uncertain inputs, in the order of its uncertainty entries."""
    actors = {actor.id: actor for actor in scenario.actors}
    issues = {issue.id: issue for issue in scenario.issues}
    found = []
    for entry in scenario.uncertainty:
        actor = actors[entry.actor]
        low, high = entry_range(scenario, entry)
        where = f" on {issues[entry.issue].label}" if entry.issue is not None else ""
        found.append(
            Input(
                name=f"{actor.label}: {entry.field}{where}",
                actor=entry.actor,
                issue=entry.issue,
                field=entry.field,
                stated=stated_value(scenario, entry),
                low=low,
                high=high,
            )
        )
    return found


def _problem(scenario: Scenario) -> tuple[dict[str, Any], list[Input | InputGroup]]:
    """SALib's problem over the scenario's independent sources of uncertainty (each in [0, 1];
    :func:`~flashpoint.engine.sampling.place_levels`), with the inputs or groups its indices
    are of, in SALib's order (the first appearance of each)."""
    found = inputs(scenario)
    entries = scenario.uncertainty
    groups = {
        group: InputGroup(
            name=f"group {group}: " + "; ".join(item.name for item in members),
            group=group,
            inputs=members,
        )
        for group in sorted({entry.group for entry in entries if entry.group is not None})
        for members in [
            tuple(item for item, entry in zip(found, entries, strict=True) if entry.group == group)
        ]
    }
    names: list[str] = []
    of: list[Input | InputGroup] = []  # what each source's effect counts towards
    for source in sources(scenario):
        if source.group is not None:
            names.append(f"{source.group}: common factor")
            of.append(groups[source.group])
        else:
            item, group = found[source.entry], entries[source.entry].group
            names.append(item.name)
            of.append(item if group is None else groups[group])
    problem: dict[str, Any] = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
    }
    if groups:
        problem["groups"] = [subject.name for subject in of]
    return problem, list(dict.fromkeys(of))


def _number(value: float) -> float | None:
    """A SALib index as a float, or None where SALib leaves it undefined (NaN)."""
    number = float(value)
    return number if np.isfinite(number) else None


def sensitivity(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    target: str | None = None,
    method: Method = "tornado",
    models: Sequence[str] | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    factors: Sequence[str] | None = None,
    seed: int | None = None,
    draws: int = 500,
    samples: int | None = None,
    jitter: float = 0.0,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """What drives ``target`` (``"P(future)"`` or an issue; default the first future's
    probability): see the module docstring for the methods.

    ``draws`` is the Monte Carlo draws of each tornado setting, factorial cell and of the
    baseline; ``samples`` the Morris trajectories (default 20) or Sobol base samples (a power
    of 2, default 256). ``factors`` are ``MODEL.OPTION`` names for the factorial (default:
    those of ``eum.preset`` and ``exchange.policy`` whose model runs). The rest is as for
    :func:`flashpoint.forecast`. ``progress`` counts model runs on draws or design points.
    """
    if method not in METHODS:
        raise UnknownChoice(f"unknown method '{method}' (methods: {', '.join(METHODS)})", "method")
    if draws < 1:
        raise ValueError(f"draws must be 1 or more, not {draws}")
    source = source_name(scenario)
    loaded = load_scenario(scenario)
    chosen = {
        name: option.model_dump(mode="json")
        for name, option in resolve_options(loaded, models, options).items()
    }
    seed = resolve_seed(seed, loaded)
    goal = parse_target(target, loaded)
    study = Study(loaded, chosen, goal, seed, jitter, executor, workers, scheduler, progress)
    started = time.perf_counter()
    if method == "factorial":
        baseline, rows, effects = study.factorial(factors, draws)
        samples = 0
    else:
        if not loaded.uncertainty:
            raise ValueError(
                f"'{loaded.title}' states no uncertainty: a {method} analysis varies the inputs"
                " of its uncertainty entries (docs/scenario-format.md, Uncertainty)"
            )
        effects = {}
        if method == "tornado":
            baseline, rows = study.tornado(draws)
            samples = 0
        else:
            samples = samples or (20 if method == "morris" else 256)
            baseline, rows = study.indices(method, samples)
    return Sensitivity(
        scenario=loaded,
        source=source,
        method=method,
        target=goal,
        baseline=baseline,
        seed=seed,
        draws=draws if method in ("tornado", "factorial") else 0,
        samples=samples,
        options=chosen,
        rows=rows,
        main_effects=effects,
        timings={"total": time.perf_counter() - started},
    )


@dataclass(frozen=True)
class Study:
    """One analysis' settings, shared by the methods."""

    scenario: Scenario
    options: dict[str, dict[str, Any]]
    target: Target
    seed: int
    jitter: float
    executor: Executor
    workers: int | None
    scheduler: str | None
    progress: Callable[[int], None] | None

    def _draws(self, run: MonteCarlo, draws: int) -> list[float]:
        """The target of each variant of a Monte Carlo run, pooled over its models."""
        per_variant = run_draws(
            run,
            draws,
            executor=self.executor,
            workers=self.workers,
            scheduler=self.scheduler,
            progress=self._scaled(len(run.variants) * len(run.models)),
        )
        return [
            float(
                np.mean(
                    [self.target.per_draw(self.scenario, values).mean() for values in v.values()]
                )
            )
            for v in per_variant
        ]

    def _scaled(self, factor: int) -> Callable[[int], None] | None:
        progress = self.progress
        return None if progress is None else (lambda done: progress(done * factor))

    def tornado(self, draws: int) -> tuple[float, list[TornadoBar]]:
        found = inputs(self.scenario)
        settings: list[tuple[Shock, ...]] = [()]
        for k, (entry, item) in enumerate(zip(self.scenario.uncertainty, found, strict=True)):
            settings.append((_setting(entry, item.low, f"input-{k}-low"),))
            settings.append((_setting(entry, item.high, f"input-{k}-high"),))
        run = MonteCarlo(
            self.scenario,
            tuple(self.options.items()),
            self.seed,
            self.jitter,
            shocks=tuple(settings),
        )
        values = self._draws(run, draws)
        bars = [
            TornadoBar(item, values[1 + 2 * k], values[2 + 2 * k]) for k, item in enumerate(found)
        ]
        return values[0], sorted(bars, key=lambda bar: -bar.swing)

    def indices(self, method: str, samples: int) -> tuple[float, list[Index]]:
        """Morris or Sobol indices over the inputs' ranges via SALib (the module docstring)."""
        sample = require(f"SALib.sample.{method}", "sensitivity", f"the {method} method")
        analyze = require(f"SALib.analyze.{method}", "sensitivity", f"the {method} method")
        problem, subjects = _problem(self.scenario)
        sample_seed = int(named_stream(self.seed, method).integers(2**31))
        if method == "morris":
            levels = sample.sample(problem, samples, num_levels=4, seed=sample_seed)
        else:
            levels = sample.sample(problem, samples, calc_second_order=False, seed=sample_seed)
        values = self._at_levels(np.asarray(levels, dtype=float))
        if method == "morris":
            found_indices = analyze.analyze(
                problem, levels, values, num_levels=4, seed=sample_seed, print_to_console=False
            )
            keys = {
                "mu_star": "mu_star",
                "mu_star_conf": "mu_star_conf",
                "mu": "mu",
                "sigma": "sigma",
            }
            order = "mu_star"
        else:
            found_indices = analyze.analyze(
                problem, values, calc_second_order=False, seed=sample_seed, print_to_console=False
            )
            keys = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
            order = "ST"
        rows = [
            Index(subject, {name: _number(found_indices[key][k]) for name, key in keys.items()})
            for k, subject in enumerate(subjects)
        ]
        baseline = self._at_stated()
        return baseline, sorted(rows, key=lambda row: -(row.values[order] or 0.0))

    def _at_levels(self, levels: np.ndarray) -> np.ndarray:
        """The target (pooled over the models) at each design point."""
        design = Design(self.scenario, tuple(self.options.items()), self.seed, levels)
        values: dict[str, np.ndarray] = run_blocks(
            design,
            design.sizes(),
            executor=self.executor,
            workers=self.workers,
            scheduler=self.scheduler,
            progress=self._scaled(len(self.options)),
        )
        return np.mean([self.target.per_draw(self.scenario, v) for v in values.values()], axis=0)

    def _at_stated(self) -> float:
        """The target on the stated values."""
        run = MonteCarlo(
            self.scenario.model_copy(update={"uncertainty": []}),
            tuple(self.options.items()),
            self.seed,
        )
        return self._draws(run, 1)[0]

    def factorial(
        self, factors: Sequence[str] | None, draws: int
    ) -> tuple[float, list[Cell], dict[str, dict[str, float]]]:
        chosen = _factors(factors, list(self.options))
        cells = []
        for levels in itertools.product(*chosen.values()):
            setting = dict(zip(chosen, levels, strict=True))
            options = {name: dict(values) for name, values in self.options.items()}
            for key, level in setting.items():
                model, option = key.split(".", 1)
                options[model][option] = level
            run = MonteCarlo(
                self.scenario,
                tuple(options.items()),
                self.seed,
                self.jitter,
            )
            cells.append(Cell(setting, self._draws(run, draws)[0]))
        effects = {
            key: {
                str(level): float(np.mean([c.value for c in cells if c.levels[key] == level]))
                for level in levels
            }
            for key, levels in chosen.items()
        }
        current = {key: _current(self.options, key) for key in chosen}
        baseline = next(c.value for c in cells if c.levels == current)
        return baseline, sorted(cells, key=lambda c: -c.value), effects


def _current(options: dict[str, dict[str, Any]], key: str) -> Any:
    model, option = key.split(".", 1)
    return options[model][option]


def _factors(given: Sequence[str] | None, models: list[str]) -> dict[str, tuple[Any, ...]]:
    """The factorial's factors with their levels; a ValueError names the choices."""
    available = categorical_options(models)
    if given is None:
        defaults = [key for key in DEFAULT_FACTORS if key in available]
        if not defaults:
            raise UnknownChoice(
                "name the model options to vary (factors: "
                + (", ".join(available) or "none among the models run")
                + ")",
                "factor",
            )
        given = defaults
    unknown = [key for key in given if key not in available]
    if unknown:
        raise UnknownChoice(
            f"unknown factor {', '.join(unknown)}: a factor is MODEL.OPTION, a categorical option"
            f" of a model being run (factors: {', '.join(available) or 'none'})",
            "factor",
        )
    return {key: available[key] for key in dict.fromkeys(given)}


def categorical_options(models: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Every categorical option (a choice among names, or yes/no) of the models, as
    ``MODEL.OPTION`` with its levels."""
    found: dict[str, tuple[Any, ...]] = {}
    for model in models:
        for name, info in get_model(model).options.model_fields.items():
            annotation = info.annotation
            if typing.get_origin(annotation) is Literal:
                found[f"{model}.{name}"] = typing.get_args(annotation)
            elif annotation is bool or annotation == bool | None:
                found[f"{model}.{name}"] = (False, True)
    return found


def _setting(entry: Uncertainty, value: float, name: str) -> Shock:
    """A shock that sets the input an uncertainty entry draws to ``value`` (making it certain)."""
    return Shock(
        id=name,
        changes=[Change(actor=entry.actor, issue=entry.issue, field=entry.field, set=value)],
    )


@dataclass(frozen=True)
class Design:
    """Models run at designed points (``levels[point, input]``), in blocks like Monte Carlo
    draws (:func:`flashpoint.engine.executors.run_blocks`); each block's models draw from
    their own stream, so the results do not depend on the executor."""

    scenario: Scenario
    models: tuple[tuple[str, dict[str, Any]], ...]
    seed: int
    levels: np.ndarray
    block_size: int = BLOCK_SIZE

    def sizes(self) -> list[int]:
        full, rest = divmod(self.levels.shape[0], self.block_size)
        return [self.block_size] * full + ([rest] if rest else [])

    def run_block(self, block: int, size: int) -> dict[str, np.ndarray]:
        start = block * self.block_size
        arrays = place_levels(self.scenario, self.levels[start : start + size])
        return {
            name: get_model(name)(
                arrays, options, named_stream(self.seed, f"design:{name}", block)
            ).forecast
            for name, options in self.models
        }

    def merge(self, parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
        """The results of consecutive blocks as one: each model's forecasts in point order."""
        return joined(parts)
