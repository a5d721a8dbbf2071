"""What every sensitivity method shares: the prepared request, the target, and running models
towards it, with the work counted for the caller's progress (:mod:`flashpoint.analysis.progress`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flashpoint.analysis.montecarlo import Design, MonteCarlo, run_draws
from flashpoint.analysis.prepare import Prepared
from flashpoint.analysis.progress import Progress, Tally
from flashpoint.analysis.targets import Target
from flashpoint.engine.executors import run_blocks
from flashpoint.scenario.schema import Scenario, Shock


@dataclass(frozen=True)
class Study:
    """One analysis' prepared request, target and progress callback."""

    prepared: Prepared
    target: Target
    progress: Progress | None

    @property
    def scenario(self) -> Scenario:
        return self.prepared.scenario

    @property
    def options(self) -> dict[str, dict[str, Any]]:
        return self.prepared.option_values

    def tally(self, runs: int) -> Tally:
        """Start counting a method's ``runs`` model runs (each model on each draw or point)."""
        return Tally(self.progress, runs)

    def monte_carlo(
        self,
        shocks: tuple[tuple[Shock, ...], ...] = ((),),
        options: dict[str, dict[str, Any]] | None = None,
        *,
        certain: bool = False,
    ) -> MonteCarlo:
        """A Monte Carlo run of the study's models (or with ``options``) under each list of
        ``shocks``; ``certain``: on the stated values, the uncertainty left out."""
        scenario = (
            self.scenario.model_copy(update={"uncertainty": []}) if certain else self.scenario
        )
        request = self.prepared.request
        return MonteCarlo(
            scenario,
            tuple((options or self.options).items()),
            self.prepared.seed,
            0.0 if certain else request.jitter,
            shocks=shocks,
        )

    def mean_targets(self, run: MonteCarlo, draws: int, tally: Tally) -> list[float]:
        """The target of each variant of a Monte Carlo run over ``draws`` draws, pooled over
        its models with equal weights."""
        per_variant = run_draws(
            run,
            draws,
            progress=tally.counter(len(run.variants) * len(run.models)),
            **self.prepared.request.execution(),
        )
        return [
            float(
                np.mean(
                    [self.target.per_draw(self.scenario, values).mean() for values in v.values()]
                )
            )
            for v in per_variant
        ]

    def at_levels(self, levels: np.ndarray, tally: Tally) -> np.ndarray:
        """The target (pooled over the models) at each design point ``levels[point, source]``."""
        design = Design(self.scenario, tuple(self.options.items()), self.prepared.seed, levels)
        values: dict[str, np.ndarray] = run_blocks(
            design,
            design.sizes(),
            progress=tally.counter(len(self.options)),
            **self.prepared.request.execution(),
        )
        return np.mean([self.target.per_draw(self.scenario, v) for v in values.values()], axis=0)

    def at_stated(self, tally: Tally) -> float:
        """The target on the stated values (one draw of each model)."""
        return self.mean_targets(self.monte_carlo(certain=True), 1, tally)[0]
