"""Score flashpoint's shipped recommendation on the non-EU cases with coded outcomes, case by
case and pooled over every issue.

The shipped recommendation (``src/flashpoint/data/recommended.json``) is the compromise model
spread by its cross-validated errors on 171 EU legislative issues (DEU III, 1998-2002), each
error scaled by how far the six models' forecasts of the issue lie apart. Here it is scored *as
it is*, not refitted, on the cases of ``tests/data/cases/`` (its ``README.md`` says what each
outcome rests on and who coded it):

- ``copenhagen-2009`` (3 issues) and ``cop21-paris-2015`` (11 issues): bundled scenarios;
- ``iran-election-2013`` (1 issue): the EUM example file ``tests/data/eum/iran_election.input.csv``
  given its 1-10 scale (``iran-election-2013.yaml``; see README).

For each case it calls the public API, ``flashpoint.backtest(actors, outcomes, draws=1,
recommendation="shipped")``, the same as ``flashpoint backtest ... --recommendation shipped
--draws 1``, and takes the forecaster ``fixed``: its point forecast and samples (the point minus
each of the 171 shipped errors times its size and the issue's range, kept on the scale). From
those it computes, pooled over all issues:

- MAE and bias (points of each issue's 0-100 range), CRPS (same units);
- coverage of the central 50 / 80 / 90% intervals (numpy linear quantiles, ends included, as
  flashpoint's ``scores.py``), and the shares below / above the 80% interval;
- the 95% Clopper-Pearson interval of the pooled 80% coverage, and how likely the observed
  coverage would be if the spread fitted (binomial; issues of one negotiation are not
  independent, so this overstates the evidence);
- the same with the errors multiplied by a widening factor w (1, 1.25, 1.5, 2; and 0.5, 0.75 for
  context): reported, not chosen;
- two checks of the coding: coverage with every outcome at the low / high end of its plausible
  range (``coding.csv``), and where the candidate readings of the issues left out would fall.

Every per-case number is checked against flashpoint's own scores of the same run.

Run from the repository root: ``python bench/cases.py`` (``--json FILE`` also writes the
numbers). About a minute, one process (every model runs on every case).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from scipy.stats import beta, binom, mannwhitneyu

import flashpoint
from flashpoint.analysis.backtest.recommend import shipped

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "data" / "cases"
SCENARIOS = ROOT / "src" / "flashpoint" / "data" / "scenarios"
LEVELS = (0.5, 0.8, 0.9)
WIDENING = (1.0, 1.25, 1.5, 2.0)
NARROWING = (0.5, 0.75)  # context only: the brief asks for w >= 1

# case id, actors file, kind of decision
CASES = (
    ("copenhagen-2009", SCENARIOS / "copenhagen-2009.yaml", "climate negotiation"),
    ("cop21-paris-2015", SCENARIOS / "cop21-paris-2015.yaml", "climate negotiation"),
    ("iran-election-2013", HERE / "iran-election-2013.yaml", "election"),
)


def spread(point, errors, lower, upper, sizes, w=1.0):
    """Samples ``[error, issue]``: point - w * error * size * range, kept on the scale."""
    return np.clip(point[None, :] - w * errors[:, None] * sizes * (upper - lower), lower, upper)


def metrics(point, samples, actual, span) -> dict[str, float]:
    """flashpoint's definitions (``analysis/backtest/scores.py``), recomputed."""
    error = 100.0 * (point - actual) / span
    out = {"issues": len(actual), "mae": float(np.abs(error).mean()), "bias": float(error.mean())}
    for level in LEVELS:
        low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
        out[f"coverage{round(level * 100)}"] = float(((low <= actual) & (actual <= high)).mean())
        if level == 0.8:
            out["below80"] = float((actual < low).mean())
            out["above80"] = float((actual > high).mean())
    ordered = np.sort(samples, axis=0)
    n = ordered.shape[0]
    weights = (2.0 * np.arange(1, n + 1) - n - 1)[:, None]
    crps = np.abs(samples - actual).mean(axis=0) - (weights * ordered).sum(axis=0) / n**2
    out["crps"] = float(np.mean(crps * 100.0 / span))
    return out


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = (1 - level) / 2
    low = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return low, high


def read_coding() -> list[dict[str, str]]:
    with open(HERE / "coding.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_case(case: str, actors: Path, errors: np.ndarray) -> dict:
    outcomes = HERE / f"{case}.outcomes.csv"
    result = flashpoint.backtest(
        str(actors), str(outcomes), draws=1, recommendation="shipped", executor="serial"
    )
    fixed = result.forecasters["fixed"]
    scales = {issue.id: (issue.min, issue.max) for issue in result.scenario.issues}
    lower = np.array([scales[i][0] for i in result.issues])
    upper = np.array([scales[i][1] for i in result.issues])
    points = {name: f.point for name, f in result.forecasters.items()}
    sizes = shipped().error_sizes(points, lower, upper)
    mine = spread(fixed.point, errors, lower, upper, sizes)
    assert np.allclose(mine, fixed.samples), f"{case}: samples differ from flashpoint's"
    own = metrics(fixed.point, fixed.samples, result.actual, upper - lower)
    theirs = fixed.scores.to_dict()
    for key, value in own.items():
        assert np.isclose(value, theirs[key]), f"{case}: {key} {value} != {theirs[key]}"
    return {
        "case": case,
        "issues": list(result.issues),
        "actual": result.actual,
        "point": fixed.point,
        "lower": lower,
        "upper": upper,
        "sizes": sizes,
        "scores": theirs,
        "scenario": result.scenario,
    }


def left_out_readings(runs: list[dict], coding: list[dict[str, str]], errors: np.ndarray):
    """For each issue left out with candidate readings: the shipped 80% interval and whether each
    reading would fall inside (a check of what leaving it out did, not an outcome)."""
    rows = []
    by_case = {run["case"]: run for run in runs}
    for row in coding:
        if row["status"] != "left out":
            continue
        run = by_case[row["case"]]
        forecast = flashpoint.forecast(run["scenario"])
        point = forecast["compromise"].outcome[row["issue"]]
        # the same point the backtest uses, checked on the coded issues of the case
        for issue, p in zip(run["issues"], run["point"], strict=True):
            assert np.isclose(forecast["compromise"].outcome[issue], p)
        scale = next(i for i in run["scenario"].issues if i.id == row["issue"])
        lower, upper = np.array([scale.min]), np.array([scale.max])
        points = {name: np.array([r.outcome[row["issue"]]]) for name, r in forecast.results.items()}
        sizes = shipped().error_sizes(points, lower, upper)
        samples = spread(np.array([point]), errors, lower, upper, sizes)[:, 0]
        low, high = np.quantile(samples, [0.1, 0.9])
        readings = [float(x) for x in row["readings"].split(";") if x.strip()]
        rows.append(
            {
                "case": row["case"],
                "issue": row["issue"],
                "point": float(point),
                "low80": float(low),
                "high80": float(high),
                "readings": {r: bool(low <= r <= high) for r in readings},
            }
        )
    return rows


def fmt(m: dict) -> str:
    return (
        f"| {m['issues']} | {m['mae']:.1f} | {m['bias']:+.1f} | {m['crps']:.1f} | "
        f"{m['coverage50']:.2f} / {m['coverage80']:.2f} / {m['coverage90']:.2f} | "
        f"{m['below80']:.2f} / {m['above80']:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    errors = shipped().errors
    coding = read_coding()
    runs = [run_case(case, actors, errors) for case, actors, _ in CASES]
    kinds = {case: kind for case, _, kind in CASES}

    def pooled(selected, w=1.0, outcome=None):
        point = np.concatenate([r["point"] for r in selected])
        lower = np.concatenate([r["lower"] for r in selected])
        upper = np.concatenate([r["upper"] for r in selected])
        sizes = np.concatenate([r["sizes"] for r in selected])
        actual = np.concatenate([r["actual"] for r in selected]) if outcome is None else outcome
        return metrics(point, spread(point, errors, lower, upper, sizes, w), actual, upper - lower)

    head = "| case | issues | MAE | bias | CRPS | coverage 50 / 80 / 90 | below / above 80 |"
    rule = "|---|---|---|---|---|---|---|"
    print("## Shipped recommendation ('fixed'), per case and pooled\n")
    print(head)
    print(rule)
    report: dict = {"cases": {}, "pooled": {}, "widening": {}, "coding_checks": {}}
    for run in runs:
        m = metrics(
            run["point"],
            spread(run["point"], errors, run["lower"], run["upper"], run["sizes"]),
            run["actual"],
            run["upper"] - run["lower"],
        )
        report["cases"][run["case"]] = m
        print(f"| {run['case']} ({kinds[run['case']]}) " + fmt(m))
    climate = [r for r in runs if kinds[r["case"]] == "climate negotiation"]
    for name, selected in (("all cases", runs), ("climate negotiations only", climate)):
        m = pooled(selected)
        k = round(m["coverage80"] * m["issues"])
        m["coverage80_ci95"] = clopper_pearson(k, m["issues"])
        report["pooled"][name] = m
        print(f"| **pooled: {name}** " + fmt(m))
    print()
    for name, m in report["pooled"].items():
        low, high = m["coverage80_ci95"]
        k = round(m["coverage80"] * m["issues"])
        print(
            f"- {name}: 80% interval held {k}/{m['issues']};"
            f" 95% Clopper-Pearson interval {low:.2f} to {high:.2f}"
        )

    print("\n## How surprising, if the spread fitted\n")
    for name, m in report["pooled"].items():
        n = m["issues"]
        k80, k50 = round(m["coverage80"] * n), round(m["coverage50"] * n)
        tests = {
            "p_at_least_k80_if_calibrated": float(binom.sf(k80 - 1, n, 0.8)),
            "coverage50_ci95": clopper_pearson(k50, n),
            "p_at_least_k50_if_calibrated": float(binom.sf(k50 - 1, n, 0.5)),
        }
        m.update(tests)
        low50, high50 = tests["coverage50_ci95"]
        print(
            f"- {name}: P(at least {k80}/{n} inside the 80% interval | calibrated) ="
            f" {tests['p_at_least_k80_if_calibrated']:.3f}; 50% interval held {k50}/{n}"
            f" (95% CI {low50:.2f} to {high50:.2f}), P(at least that many | calibrated) ="
            f" {tests['p_at_least_k50_if_calibrated']:.3f}"
        )
    absolute = np.concatenate(
        [np.abs(r["point"] - r["actual"]) / (r["upper"] - r["lower"]) / r["sizes"] for r in runs]
    )
    test = mannwhitneyu(absolute, np.abs(errors))
    report["absolute_errors"] = {
        "median_here": float(np.median(absolute)),
        "median_deu": float(np.median(np.abs(errors))),
        "mann_whitney_p": float(test.pvalue),
    }
    print(
        f"- absolute errors over their sizes: median {np.median(absolute):.3f} here,"
        f" {np.median(np.abs(errors)):.3f} in the shipped DEU errors; Mann-Whitney p ="
        f" {test.pvalue:.2f}. Issues of one negotiation are not independent: these p-values"
        " and intervals overstate the evidence."
    )

    print("\n## Per issue\n")
    print("| case | issue | outcome | point | 80% interval | in 50 / 80 / 90 |")
    print("|---|---|---|---|---|---|")
    per_issue = []
    for run in runs:
        samples = spread(run["point"], errors, run["lower"], run["upper"], run["sizes"])
        bounds = {lv: np.quantile(samples, [(1 - lv) / 2, (1 + lv) / 2], axis=0) for lv in LEVELS}
        for j, issue in enumerate(run["issues"]):
            y = run["actual"][j]
            inside = ["yes" if bounds[lv][0][j] <= y <= bounds[lv][1][j] else "no" for lv in LEVELS]
            per_issue.append(
                {
                    "case": run["case"],
                    "issue": issue,
                    "outcome": float(y),
                    "point": float(run["point"][j]),
                    "low80": float(bounds[0.8][0][j]),
                    "high80": float(bounds[0.8][1][j]),
                    "inside50_80_90": inside,
                }
            )
            print(
                f"| {run['case']} | {issue} | {y:g} | {run['point'][j]:.1f} | "
                f"{bounds[0.8][0][j]:.1f} to {bounds[0.8][1][j]:.1f} | {' / '.join(inside)} |"
            )
    report["per_issue"] = per_issue

    print("\n## Widening: errors multiplied by w (all cases pooled)\n")
    print("| w | issues | MAE | bias | CRPS | coverage 50 / 80 / 90 | below / above 80 |")
    print("|---|---|---|---|---|---|---|")
    for w in WIDENING + NARROWING:
        m = pooled(runs, w)
        report["widening"][str(w)] = m
        note = " (context, not asked)" if w in NARROWING else ""
        print(f"| {w:g}{note} " + fmt(m))

    print("\n## Coding checks\n")
    ranges = {(r["case"], r["issue"]): r for r in coding if r["status"] == "coded"}
    for end in ("low", "high"):
        outcome = np.concatenate(
            [[float(ranges[(r["case"], i)][end]) for i in r["issues"]] for r in runs]
        )
        m = pooled(runs, 1.0, outcome)
        report["coding_checks"][f"all outcomes at the {end} end"] = m
        print(
            f"- every coded outcome at the {end} end of its plausible range: coverage 50 / 80 /"
            f" 90 = {m['coverage50']:.2f} / {m['coverage80']:.2f} / {m['coverage90']:.2f},"
            f" below / above 80 = {m['below80']:.2f} / {m['above80']:.2f}"
        )
    readings = left_out_readings(runs, coding, errors)
    report["coding_checks"]["left_out"] = readings
    print("\nIssues left out, and where their candidate readings would fall (not outcomes):\n")
    print("| case | issue | point | 80% interval | candidate readings: inside? |")
    print("|---|---|---|---|---|")
    for row in readings:
        shown = ", ".join(f"{r:g}: {'yes' if v else 'no'}" for r, v in row["readings"].items())
        print(
            f"| {row['case']} | {row['issue']} | {row['point']:.1f} | {row['low80']:.1f} to"
            f" {row['high80']:.1f} | {shown or '(no reading: see README)'} |"
        )

    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
