"""The headline's modelling choice on Korea (issue #33): the error applied to the bargain before
the agreement test (what flashpoint does) or only to bargains that stand (the other choice).

Run on demand:  python bench/headline_choice.py [--draws 1000] [--seed 0]

For the scenario as stated and under each shock, both headlines on the same Monte Carlo draws
and the same errors: how likely each future is, and how often the bargain stands. The numbers
of ``docs/validity.md`` ("The headline forecast") come from here.
"""

from __future__ import annotations

import argparse

import numpy as np

import flashpoint
from flashpoint.analysis.agreement import Terms
from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.headline import headline_outcomes
from flashpoint.analysis.outcomes import classify, reversion_of
from flashpoint.engine.sampling import draw_scores, place_scores
from flashpoint.engine.seeding import named_stream
from flashpoint.models.registry import get_model
from flashpoint.scenario.shocks import apply_shocks


def both_choices(scenario, shocks, draws: int, seed: int) -> dict[str, dict[str, float]]:
    """Each choice's share of draws in each future, and of draws whose bargain stands."""
    recommendation = shipped()
    variant = apply_shocks(scenario, shocks)
    scores = draw_scores(scenario, draws, named_stream(seed, "inputs", 0))
    arrays = place_scores(variant, scores)
    terms = Terms.of(variant, arrays)
    bargains = {
        name: get_model(name)(arrays, {}, named_stream(seed, name, 0), events=False).forecast
        for name in recommendation.models
    }
    issues = [issue.id for issue in variant.issues]
    found = {}
    for label, first in (("error, then the test", True), ("test, then the error", False)):
        rng = named_stream(seed, "recommended", 0)  # the same errors for both
        verdict = headline_outcomes(recommendation, bargains, arrays, terms, rng, error_first=first)
        futures = classify(
            variant.outcomes, verdict.outcome, issues, reversion_of(variant), verdict.agreed
        )
        shares = {o.id: float(np.mean(futures == k)) for k, o in enumerate(variant.outcomes)}
        found[label] = shares | {"stands": float(verdict.agreed.all(axis=1).mean())}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    korea = flashpoint.load_scenario("korea-2018")
    futures = [o.id for o in korea.outcomes]
    print(f"| variant | headline | {' | '.join(futures)} | bargain stands |")
    print("|---|---|" + "---|" * (len(futures) + 1))
    for shocks in [(), *((s.id,) for s in korea.shocks)]:
        for label, shares in both_choices(korea, shocks, arguments.draws, arguments.seed).items():
            cells = " | ".join(f"{shares[f]:.0%}" for f in futures)
            name = "+".join(shocks) or "as stated"
            print(f"| {name} | {label} | {cells} | {shares['stands']:.0%} |")


if __name__ == "__main__":
    main()
