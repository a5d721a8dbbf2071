"""What every analysis does first with its request: load the scenario, check and complete the
models' options, and fill in the seed (:class:`Prepared`); and the head of every analysis'
JSON document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ValidationError

from flashpoint._version import __version__
from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.cost import START, check, estimate
from flashpoint.analysis.montecarlo import BLOCK_SIZE
from flashpoint.analysis.request import RunSettings
from flashpoint.analysis.warmup import load_models
from flashpoint.engine.executors import processes
from flashpoint.models.base import ModelSpec
from flashpoint.models.registry import get_model, model_names
from flashpoint.scenario.load import load_scenario
from flashpoint.scenario.schema import Scenario


@dataclass(frozen=True)
class Prepared:
    """A request ready to run: ``request`` with its seed and models filled in (what results
    record), the ``scenario`` it names (before any shock), where it came from (``source``) and
    each model's checked options."""

    request: Any  # the request's own class, with seed and models filled in
    scenario: Scenario
    source: str
    options: dict[str, BaseModel]

    @property
    def seed(self) -> int:
        return self.request.seed

    @property
    def option_values(self) -> dict[str, dict[str, Any]]:
        """Each model's options as plain values (what JSON documents and worker processes get)."""
        return {name: option.model_dump(mode="json") for name, option in self.options.items()}

    @property
    def model_runs(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The models with their option values, as Monte Carlo runs take them."""
        return tuple(self.option_values.items())

    def headline_runs(self, models: Sequence[str]) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The models the headline forecast needs (``models``) that the request does not run,
        with their options (the scenario's, overridden by the request's), as Monte Carlo runs
        take them: the headline is the same whichever models a request shows."""
        missing = [model for model in models if model not in self.options]
        if not missing:
            return ()
        given = {m: o for m, o in self.request.options.items() if m in missing}
        options = resolve_options(self.scenario, missing, given)
        load_models(options)
        return tuple((name, option.model_dump(mode="json")) for name, option in options.items())


class RequestedRun:
    """What a result reads from the request it carries (``self.request``): the seed, the draws
    and the jitter it ran with."""

    request: Any

    @property
    def seed(self) -> int:
        return self.request.seed  # filled in by prepare

    @property
    def draws(self) -> int:
        return self.request.draws

    @property
    def jitter(self) -> float:
        return self.request.jitter


def prepare(request: RunSettings, cost: bool = True) -> Prepared:
    """Load the request's scenario and resolve its models, options and seed; refuse a run that
    cannot fit in memory and announce a long one (:mod:`flashpoint.analysis.cost`; ``cost``
    False: the caller does, knowing how the run cuts the scenario up); load the compiled
    models, compiling them two at a time the first time (:mod:`.warmup`)."""
    loaded = load_scenario(request.scenario)
    options = resolve_options(loaded, request.models, request.options)
    if cost:
        draws = _draws(request, loaded)
        blocks = -(-draws // BLOCK_SIZE)
        shared = processes(request.executor, request.workers, blocks)
        check(
            estimate(
                len(loaded.actors),
                len(loaded.issues),
                draws,
                list(options),
                processes=shared,
                start=START,
                needed=shipped().models,  # the headline runs them whichever are asked for
            )
        )
    load_models(options)
    seed = request.seed
    if seed is None:
        seed = loaded.seed if loaded.seed is not None else 0
    return Prepared(
        request=request.model_copy(update={"seed": seed, "models": tuple(options)}),
        scenario=loaded,
        source=source_name(request.scenario),
        options=options,
    )


def _draws(request: RunSettings, scenario: Scenario) -> int:
    """How many draws a request runs its models on, as far as its kind says (a comparison's
    variants each run them; other analyses run at least their draws)."""
    draws = int(getattr(request, "draws", 1))
    if request.kind == "compare":
        shocks = getattr(request, "shocks", None)
        variants = 1 + (len(scenario.shocks) if shocks is None else len(shocks))
        return draws * variants
    return draws


def source_name(scenario: Scenario | str | Path) -> str:
    """How a run names where its scenario came from: the file or bundled name, or the id."""
    return scenario.id if isinstance(scenario, Scenario) else str(scenario)


def document_head(
    schema: str, scenario: Scenario, source: str, request: RunSettings
) -> dict[str, Any]:
    """What every analysis' JSON document starts with: its schema, flashpoint's version, the
    scenario it ran on and the request that reruns it (``docs/json-output.md``)."""
    return {
        "schema": schema,
        "flashpoint_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.title, "source": source},
        "request": request.model_dump(mode="json"),
    }


def resolve_options(
    scenario: Scenario,
    models: Sequence[str] | None,
    options: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, BaseModel]:
    """The models of a run (default: every registered one) with their checked options: the
    scenario's, overridden one by one by those given (see :func:`flashpoint.forecast`)."""
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
