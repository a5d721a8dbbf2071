"""What every model shares: the call shape, the result (:class:`Trajectory`), the description.

A model is a pure function ``run(arrays, options, rng, events) -> Trajectory``: it reads a
:class:`~flashpoint.engine.ScenarioArrays` batch, works on all draws at once, takes any
randomness from ``rng`` and never prints, plots or touches files. With ``events`` false only
the forecast is needed: a model may leave out its log and every round but the last (a Monte
Carlo draw needs its forecast, and its positions round by round only when paths are asked for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from flashpoint.engine.arrays import ScenarioArrays


class NoOptions(BaseModel):
    """Options of a model that has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NonFiniteForecast(ValueError):
    """A model's forecast is not a finite number: its inputs are too extreme to compute with."""


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A model run: positions ``[round, draw, actor, issue]`` and the predicted outcome
    ``[round, draw, issue]`` after each round (round 0 is the input for iterative models; a
    one-shot model has a single round). ``events`` holds the model's log when it keeps one;
    ``final`` the prediction ``[draw, issue]`` when it is not the last round's outcome (say, a
    mean over a cycle).
    """

    positions: np.ndarray
    outcome: np.ndarray
    events: Any = None
    final: np.ndarray | None = None

    @property
    def rounds(self) -> int:
        return self.outcome.shape[0]

    @property
    def forecast(self) -> np.ndarray:
        """The predicted outcome of the run, ``[draw, issue]``: ``final``, or the last round's."""
        return self.outcome[-1] if self.final is None else self.final


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its name, what it computes, its options and its sources.

    ``utility`` is the shape of an actor's utility in the distance ``d`` from its position
    (as a share of the issue's scale) that the model assumes: ``linear`` (``-d``: the spatial
    utility of the compromise and median models) or ``quadratic`` (``-d**2``: Nash's). The
    agreement test weighs a package by it (:mod:`flashpoint.analysis.agreement`).

    ``compile_seconds`` is about how long numba takes to compile the model's code the first
    time on a machine (measured alone on the 2-core development machine; 0: nothing is
    compiled); :mod:`flashpoint.analysis.warmup` shares that work between two processes."""

    name: str
    label: str
    summary: str
    run: Callable[[ScenarioArrays, Any, np.random.Generator, bool], Trajectory]
    options: type[BaseModel] = NoOptions
    iterative: bool = False
    stochastic: bool = False
    joint_issues: bool = False
    utility: Literal["linear", "quadratic"] = "linear"
    compile_seconds: float = 0.0
    references: tuple[str, ...] = field(default_factory=tuple)

    def __call__(
        self,
        arrays: ScenarioArrays,
        options: BaseModel | dict[str, Any] | None,
        rng: np.random.Generator,
        *,
        events: bool = True,
    ) -> Trajectory:
        """Run the model; ``options`` may be a dict of option values (None: the defaults);
        without ``events`` the trajectory may hold no log (``events`` None) and the last round
        only.

        ``rng`` is required, for deterministic models too, so that no run depends on a seed
        made up on the caller's behalf: raises :class:`TypeError` if it is None.
        """
        if rng is None:
            raise TypeError(
                f"model '{self.name}' needs a random generator: pass one, e.g."
                " np.random.default_rng(seed)"
            )
        if not isinstance(options, self.options):
            options = self.options.model_validate(options or {})
        trajectory = self.run(arrays, options, rng, events)
        forecast = trajectory.forecast
        if not np.isfinite(forecast).all():
            draws = int((~np.isfinite(forecast)).any(axis=1).sum())
            raise NonFiniteForecast(
                f"the {self.label} model could not compute a forecast on {draws} of"
                f" {forecast.shape[0]} draws (a number overflowed or every weight on an issue"
                " was 0): the inputs are too extreme to compute with. Capabilities that differ"
                " by more than about 10^12, or a jitter that spreads inputs past their range,"
                " do this."
            )
        return trajectory
