"""The factorial over categorical model options: every combination of the levels of the chosen
options (e.g. ``eum.preset`` x ``exchange.policy``), each cell on the same draws; with each
level's main effect, the mean target over the cells at that level.

A cell's options are worked out as a forecast's are (:func:`~flashpoint.analysis.prepare.
resolve_options`): the scenario's, then the request's, then the cell's level, so a level that
sets other options (a preset) sets them in its cell."""

from __future__ import annotations

import itertools
import typing
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from flashpoint.analysis.prepare import resolve_options
from flashpoint.analysis.request import SensitivityRequest
from flashpoint.analysis.sensitivity.result import Cell, Findings
from flashpoint.analysis.sensitivity.study import Study
from flashpoint.analysis.targets import UnknownChoice
from flashpoint.models.registry import MODELS, get_model

DEFAULT_FACTORS = ("eum.preset", "exchange.policy")


def factorial(study: Study, request: SensitivityRequest) -> Findings:
    """Each cell's target over ``request.draws`` draws, highest first; the baseline is the cell
    of the options as the request states them."""
    models = list(study.options)
    chosen = factors(request.factors, models)
    settings = [
        dict(zip(chosen, levels, strict=True)) for levels in itertools.product(*chosen.values())
    ]
    tally = study.tally(len(settings) * len(models) * request.draws)
    cells = []
    for setting in settings:
        given = {model: dict(values) for model, values in request.options.items()}
        for key, level in setting.items():
            model, option = key.split(".", 1)
            given.setdefault(model, {})[option] = level
        options = resolve_options(study.scenario, models, given)
        run = study.monte_carlo(
            options={name: option.model_dump(mode="json") for name, option in options.items()}
        )
        cells.append(Cell(setting, study.mean_targets(run, request.draws, tally)[0]))
    effects = {
        key: {
            str(level): float(np.mean([c.value for c in cells if c.levels[key] == level]))
            for level in levels
        }
        for key, levels in chosen.items()
    }
    current = {key: _current(study.options, key) for key in chosen}
    baseline = next(c.value for c in cells if c.levels == current)
    return Findings(baseline, sorted(cells, key=lambda c: -c.value), effects)


def _current(options: dict[str, dict[str, Any]], key: str) -> Any:
    model, option = key.split(".", 1)
    return options[model][option]


def factors(given: Sequence[str] | None, models: list[str]) -> dict[str, tuple[Any, ...]]:
    """The factorial's factors with their levels (default: those of ``DEFAULT_FACTORS`` whose
    model runs); an :class:`UnknownChoice` names the choices, or the model to add."""
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
    elsewhere = [key for key in given if key.split(".", 1)[0] in set(MODELS) - set(models)]
    if elsewhere:
        missing = ", ".join(dict.fromkeys(key.split(".", 1)[0] for key in elsewhere))
        raise UnknownChoice(
            f"factor {', '.join(elsewhere)}: {missing} is not among the models run"
            f" ({', '.join(models)}); add it to the models",
            "factor",
        )
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
