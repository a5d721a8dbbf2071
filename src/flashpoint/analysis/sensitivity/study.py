"""What every sensitivity method shares: the prepared request, the target, and running models
towards it, with the work counted for the caller's progress (:mod:`flashpoint.analysis.progress`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flashpoint.analysis.backtest.recommend import Recommendation
from flashpoint.analysis.headline import HEADLINE, STATED_SAMPLES
from flashpoint.analysis.montecarlo import (
    Design,
    MonteCarlo,
    Results,
    agreed_of,
    agreement_of,
    run_variants,
)
from flashpoint.analysis.prepare import Prepared
from flashpoint.analysis.progress import Progress, Tally
from flashpoint.analysis.targets import Target
from flashpoint.engine.executors import run_blocks
from flashpoint.scenario.schema import Scenario, Shock

DESIGN_SAMPLES = 200  # the headline's errors at each design point (Morris, Sobol)


@dataclass(frozen=True)
class Study:
    """One analysis' prepared request, target and progress callback; with ``headline`` (the
    recommendation), the target is measured on the headline forecast, else on the models
    pooled with equal weights."""

    prepared: Prepared
    target: Target
    progress: Progress | None
    headline: Recommendation | None = None

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
            recommendation=self.headline,
        )

    def mean_targets(self, run: MonteCarlo, draws: int, tally: Tally) -> list[float]:
        """The target of each variant of a Monte Carlo run over ``draws`` draws, pooled over
        its models with equal weights."""
        per_variant = run_variants(
            run,
            draws,
            progress=tally.counter(len(run.models)),
            **self.prepared.request.execution(),
        )
        return [float(self.per_draw(results).mean()) for results in per_variant]

    def at_levels(self, levels: np.ndarray, tally: Tally) -> np.ndarray:
        """The target (pooled over the models) at each design point ``levels[point, source]``."""
        design = Design(
            self.scenario,
            tuple(self.options.items()),
            self.prepared.seed,
            levels,
            recommendation=self.headline,
            headline_samples=DESIGN_SAMPLES,
        )
        results: Results = run_blocks(
            design,
            design.sizes(),
            progress=tally.counter(len(self.options)),
            **self.prepared.request.execution(),
        )
        return self.per_draw(results)

    def per_draw(self, results: Results) -> np.ndarray:
        """The target on each draw or point of a run's ``results``: the headline's, or the
        mean over the models (equal weights)."""
        values, tests = agreement_of(results)
        names = [HEADLINE] if self.headline is not None else [m for m in values if m != HEADLINE]
        draws = next(v for m, v in values.items() if m != HEADLINE).shape[0]
        return np.mean(
            [
                self.target.per_draw(self.scenario, values[name], agreed_of(tests, name))
                .reshape(draws, -1)  # a design point's headline samples, averaged
                .mean(axis=1)
                for name in names
            ],
            axis=0,
        )

    def at_stated(self, tally: Tally) -> float:
        """The target on the stated values (one draw of each model)."""
        return self.mean_targets(self.monte_carlo(certain=True), self.stated_draws, tally)[0]

    @property
    def stated_draws(self) -> int:
        """The draws of the stated values: one, or the headline's error samples."""
        return STATED_SAMPLES if self.headline is not None else 1
