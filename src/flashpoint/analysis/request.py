"""The run request: one value that says what a run is.

A request names the scenario (a bundled name, a file, or the scenario itself), the models and
their options, the analysis (``kind``: forecast, compare, sensitivity, backtest or levers) with its own
settings,
the draws, the seed, the input jitter and where the draws run. It is immutable and validated,
and it turns into JSON and back unchanged (:meth:`RunRequest.model_dump` with
``mode="json"``, :func:`read_request`), so the same value can be stored, sent to a web API,
printed with a result and run again: :func:`flashpoint.run` runs it, and every result carries
the request it ran, with its seed and models filled in.

Where the draws run (``executor``, ``workers``, ``scheduler``) is part of the request but
changes no number (:mod:`flashpoint.engine.executors`).
"""

from __future__ import annotations

import operator
import os
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from flashpoint.engine.executors import Executor
from flashpoint.scenario.load import DEFAULT_SCENARIO
from flashpoint.scenario.schema import SEED_LIMIT, Scenario, Shock

Method = Literal["tornado", "morris", "sobol", "factorial"]


class RunSettings(BaseModel):
    """What every kind of run states: the scenario, models and options, seed, jitter and
    executor. ``options`` are given per model and override, option by option, those the
    scenario states (``scenario.model_options``); ``seed`` None means the scenario's seed,
    else 0 (the result's request has it filled in)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    progress_unit: ClassVar[str] = "Monte Carlo draws"
    largest_seed: ClassVar[int] = SEED_LIMIT - 1  # seeds go from 0 to 2^64 - 1

    kind: str  # each kind of request names itself
    scenario: str | Scenario = DEFAULT_SCENARIO
    models: tuple[str, ...] | None = None
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    seed: int | None = None
    jitter: float = Field(0.0, ge=0, le=0.5)
    executor: Executor = "auto"
    workers: int | None = Field(None, ge=1)
    scheduler: str | None = None

    @field_validator("options", mode="before")
    @classmethod
    def _no_options(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("scenario", mode="before")
    @classmethod
    def _file_name(cls, value: Any) -> Any:
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @field_validator("models", mode="before")
    @classmethod
    def _no_empty_models(cls, value: Any) -> Any:
        return value or None

    @staticmethod
    def is_seed(value: Any) -> bool:
        """Whether ``value`` is a seed: a whole number from 0 to :attr:`largest_seed` (not a
        truth value); the command line checks ``--seed`` by it before any work."""
        try:
            seed = operator.index(value)
        except TypeError:
            return False
        return not isinstance(value, bool) and 0 <= seed <= RunSettings.largest_seed

    @field_validator("seed", mode="before")
    @classmethod
    def _whole_seed(cls, value: Any) -> Any:
        if value is None:
            return None
        if cls.is_seed(value):
            return operator.index(value)
        raise ValueError(
            f"the seed must be a whole number of 0 or more, at most {cls.largest_seed}"
            f" (2^64 - 1), not {value!r}"
        )

    @model_validator(mode="after")
    def _scheduler_is_for_dask(self) -> RunSettings:
        if self.scheduler is not None and self.executor != "dask":
            raise ValueError("a scheduler address is for the dask executor (--executor dask)")
        return self

    @classmethod
    def of_arguments(cls, arguments: Mapping[str, Any]) -> Any:
        """The request of a keyword function's arguments (its ``locals()``), which are named
        as the request's fields; its ``progress`` callback is not part of the request."""
        return cls(**{name: value for name, value in arguments.items() if name != "progress"})

    def execution(self) -> dict[str, Any]:
        """Where the draws run, as the keyword arguments of
        :func:`flashpoint.engine.executors.run_blocks`."""
        return {"executor": self.executor, "workers": self.workers, "scheduler": self.scheduler}


class ForecastRequest(RunSettings):
    """A forecast (:func:`flashpoint.forecast`): each model on the stated values after
    ``shocks``, and with ``draws`` above 1 on that many Monte Carlo draws too; with ``tree``,
    the draws follow the scenario tree of the scenario's likely shocks
    (:mod:`flashpoint.analysis.tree`); with ``paths``, the draws keep each iterative model's
    positions round by round (fan bands); with ``brief``, the forecast carries its bottom line
    and the signposts it is written from (:mod:`flashpoint.analysis.brief`, about a second
    more)."""

    kind: Literal["forecast"] = "forecast"
    shocks: tuple[str, ...] = ()
    draws: int = Field(1, ge=1)
    tree: bool = False
    paths: bool = False
    brief: bool = False

    @model_validator(mode="after")
    def _a_tree_is_drawn(self) -> ForecastRequest:
        if self.tree and (self.draws < 2 or self.shocks):
            raise ValueError(
                "a scenario tree mixes the scenario and its likely shocks over Monte Carlo draws:"
                " it needs 2 draws or more and no shocks applied first"
            )
        return self


class CompareRequest(RunSettings):
    """A comparison (:func:`flashpoint.compare`): the baseline against each item of ``shocks``
    (a list of shocks applied together; default: each of the scenario's shocks alone) on the
    same ``draws`` draws."""

    kind: Literal["compare"] = "compare"
    shocks: tuple[tuple[str | Shock, ...], ...] | None = None
    draws: int = 1000

    @field_validator("shocks", mode="before")
    @classmethod
    def _shock_lists(cls, value: Any) -> Any:
        """A single shock (its id or a Shock) stands for the list of it alone."""
        if not isinstance(value, list | tuple):
            return value  # None, or what pydantic refuses with a message
        return [[item] if isinstance(item, str | Shock | Mapping) else item for item in value]

    @field_validator("draws")
    @classmethod
    def _two_draws(cls, value: int) -> int:
        if value < 2:
            raise ValueError(f"a comparison needs 2 draws or more, not {value}")
        return value


class HeadlineTarget(RunSettings):
    """A run whose target is measured on the headline forecast
    (:mod:`flashpoint.analysis.headline`) or on the models named: ``headline`` None (the
    default) means the headline unless ``models`` are named; running, it becomes True or False
    (:meth:`resolved`), so that a rerun measures the same."""

    headline: bool | None = None

    def resolved(self, headline_models: Sequence[str]) -> Self:
        """The request with ``headline`` decided; the headline runs only ``headline_models``,
        the models its combination needs."""
        if self.headline is False or (self.headline is None and self.models is not None):
            return self.model_copy(update={"headline": False})
        return self.model_copy(update={"headline": True, "models": tuple(headline_models)})


class SensitivityRequest(HeadlineTarget):
    """A sensitivity analysis (:func:`flashpoint.sensitivity`) of ``target`` by ``method``;
    ``draws`` for tornado and factorial, ``samples`` for Morris and Sobol, ``factors`` for the
    factorial (``MODEL.OPTION``); the target is the headline forecast's unless ``models`` are
    named (:class:`HeadlineTarget`), then the models' pooled with equal weights."""

    progress_unit: ClassVar[str] = "Model runs"

    kind: Literal["sensitivity"] = "sensitivity"
    target: str | None = None
    method: Method = "tornado"
    factors: tuple[str, ...] | None = None
    draws: int = Field(500, ge=1)
    samples: int | None = Field(None, ge=2)

    @field_validator("factors", mode="before")
    @classmethod
    def _no_empty_factors(cls, value: Any) -> Any:
        return value or None


class BacktestRequest(RunSettings):
    """A backtest (:func:`flashpoint.backtest`): every model, and the recommended forecast out of
    fold, on the decided issues of ``scenario`` whose outcomes the table ``outcomes`` gives
    (without one: the issues' own ``actual`` outcomes), each on the stated values and ``draws``
    draws (the inputs spread by ``jitter`` where the scenario states no uncertainty); ``folds``
    for the cross-validation. With ``eu_rules``, the agreement test runs with the EU's decision
    rules (:mod:`flashpoint.analysis.backtest.rules`). With ``recommendation`` (``shipped``, or a
    file that ``--save-recommendation`` wrote), that recommendation is scored as it is, not
    fitted again: the out-of-sample test of a recommendation on new decisions."""

    progress_unit: ClassVar[str] = "Issues"

    kind: Literal["backtest"] = "backtest"
    outcomes: str | None = None
    draws: int = Field(100, ge=1)
    jitter: float = Field(0.05, ge=0, le=0.5)
    folds: int = Field(10, ge=2)
    eu_rules: bool = False
    recommendation: str | None = None

    @field_validator("outcomes", "recommendation", mode="before")
    @classmethod
    def _a_file(cls, value: Any) -> Any:
        return os.fspath(value) if isinstance(value, os.PathLike) else value


class LeversRequest(HeadlineTarget):
    """A levers search (:func:`flashpoint.levers`): ``actor``'s offer on ``issues`` (default:
    every issue it takes part in; with ``saliences``, its saliences too) that maximises (or,
    with ``direction`` ``minimise``, minimises) ``target`` (the headline forecast's unless
    ``models`` are named: :class:`HeadlineTarget`), within ``budget`` (total move in points of
    each input's range) or, with ``threshold``, the smallest offer that reaches it; every
    candidate on the same ``draws`` draws, for at most ``generations`` generations
    (:mod:`flashpoint.analysis.levers`)."""

    progress_unit: ClassVar[str] = "Offers tried"

    kind: Literal["levers"] = "levers"
    actor: str = Field(min_length=1)
    target: str | None = None
    issues: tuple[str, ...] | None = None
    budget: float | None = Field(None, gt=0, allow_inf_nan=False)
    threshold: float | None = Field(None, allow_inf_nan=False)
    direction: Literal["maximise", "minimise"] = "maximise"
    saliences: bool = False
    draws: int = Field(200, ge=2)
    generations: int = Field(15, ge=1, le=1000)
    executor: Executor = "serial"

    @field_validator("issues", mode="before")
    @classmethod
    def _no_empty_issues(cls, value: Any) -> Any:
        return value or None


AnyRequest = ForecastRequest | CompareRequest | SensitivityRequest | BacktestRequest | LeversRequest
RunRequest = Annotated[AnyRequest, Field(discriminator="kind")]
_REQUEST: TypeAdapter[AnyRequest] = TypeAdapter(RunRequest)


def read_request(data: Mapping[str, Any] | str | bytes) -> AnyRequest:
    """A request from its JSON (text, or the parsed document, e.g. the ``request`` of a
    result's ``--json`` output); its ``kind`` says which. A pydantic ValidationError (a
    ValueError) names every bad field."""
    if isinstance(data, str | bytes):
        return _REQUEST.validate_json(data)
    return _REQUEST.validate_python(data)
