"""Monte Carlo runs of models over draws of a scenario's uncertain inputs, in blocks that give
the same numbers whatever runs them.

The draws are cut into blocks of ``block_size`` (the last may be shorter). Block ``k`` has its
own random streams (:func:`~flashpoint.engine.seeding.named_stream` with place ``k``) for the
inputs (``"inputs"``) and for each model (its name), so a block's draws and each model's results on
them depend only on the seed, the block and the block size: not on which process or machine
runs it, nor on how blocks are grouped into chunks (:mod:`flashpoint.engine.executors`).
:class:`MonteCarlo` runs the models on draws of the uncertain inputs, :class:`Design` on points
a sensitivity method chose; both run a block's models through :func:`run_models`.
A short last block runs the first draws of a full block, so a run of more draws extends one of
fewer (for models that, like every model here, draw their random numbers draw after draw).

A run may hold *variants*: the scenario under lists of shocks. Every variant of a block gets
the same random numbers (common random numbers): the normal scores are drawn once for the
scenario and placed on each variant (:func:`~flashpoint.engine.sampling.place_scores`), and
each model's stream is the same. So a shock's effect is measured draw by draw, and a shock
that changes nothing changes no number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from flashpoint.analysis.agreement import Terms, settle, zone_of_agreement
from flashpoint.analysis.backtest.recommend import Recommendation
from flashpoint.analysis.headline import HEADLINE, headline_outcomes
from flashpoint.analysis.uncertainty import with_rounds
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.executors import AUTO_PROCESS_BLOCKS, Executor, cores, run_blocks
from flashpoint.engine.sampling import draw_scores, place_levels, place_scores
from flashpoint.engine.seeding import named_stream
from flashpoint.models.registry import get_model
from flashpoint.scenario.schema import Scenario, Shock
from flashpoint.scenario.shocks import apply_shocks

BLOCK_SIZE = 250
STREAMED_ABOVE = 100_000  # a forecast of more draws sums them up block by block (.streaming)
Results = dict[str, np.ndarray]  # model name -> forecasts [draw, issue]
# the keys of a recorded agreement test (run_models)
AGREED, REFUSED, CROSSED = "agreed:", "refused:", "red line:"
ZONE = ("zone:low", "zone:high", "zone:low_by", "zone:high_by")  # the zone of agreement's keys
PATH = "path:"  # the key of a model's recorded positions round by round (run_models)


@dataclass(frozen=True)
class MonteCarlo:
    """What every block of a run needs: the scenario, the models with their options, the seed,
    the input jitter, the block size and the variants (lists of shocks applied to the
    scenario; by default one, the scenario itself); with a ``recommendation``, the results hold
    the headline forecast too (:mod:`flashpoint.analysis.headline`; ``headline_models``: the
    models it needs that ``models`` leave out, run for it only), with ``paths`` each
    iterative model's positions round by round (:func:`paths_of`). It is sent as is to worker
    processes."""

    scenario: Scenario
    models: tuple[tuple[str, dict[str, Any]], ...]
    seed: int = 0
    jitter: float = 0.0
    block_size: int = BLOCK_SIZE
    shocks: tuple[tuple[str | Shock, ...], ...] = ((),)
    recommendation: Recommendation | None = None
    headline_models: tuple[tuple[str, dict[str, Any]], ...] = ()
    paths: bool = False
    variants: tuple[Scenario, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.block_size < 1:
            raise ValueError(f"block_size must be 1 or more, not {self.block_size}")
        if not self.shocks:
            raise ValueError("a run needs at least one variant")
        variants = tuple(apply_shocks(self.scenario, shocks) for shocks in self.shocks)
        object.__setattr__(self, "variants", variants)

    def sizes(self, draws: int) -> list[int]:
        """The number of draws in each block of a run of ``draws`` draws."""
        return block_sizes(draws, self.block_size)

    def run_block(self, block: int, size: int) -> list[Results]:
        """Block ``block``: per variant, each model's forecast on its draws, ``[draw, issue]``."""
        # a short last block takes the first draws of a full one, so more draws extend a run
        scores = draw_scores(
            self.scenario,
            self.block_size,
            named_stream(self.seed, "inputs", block),
            jitter=self.jitter,
        )
        results = []
        for variant in self.variants:
            full = place_scores(variant, scores)
            arrays = full if size == self.block_size else full.select(slice(size))
            terms = Terms.of(variant, arrays)
            found = run_models(
                self.models,
                arrays,
                self.seed,
                block,
                terms=terms,
                recommendation=self.recommendation,
                headline_models=self.headline_models,
                paths=self.paths,
            )
            if terms.needed:
                found |= dict(zip(ZONE, zone_of_agreement(terms, arrays), strict=True))
            results.append(found)
        return results

    def merge(self, parts: Sequence[list[Results]]) -> list[Results]:
        """The results of consecutive blocks as one: per variant, each model's draws in order."""
        return [joined([part[v] for part in parts]) for v in range(len(self.variants))]


@dataclass(frozen=True)
class Design:
    """Models run at designed points (``levels[point, source]``, each source of uncertainty in
    [0, 1]; :func:`~flashpoint.engine.sampling.place_levels`), in blocks like Monte Carlo draws.
    Each block's models draw from their own streams (named ``design:MODEL``), so the results do
    not depend on the executor."""

    scenario: Scenario
    models: tuple[tuple[str, dict[str, Any]], ...]
    seed: int
    levels: np.ndarray
    block_size: int = BLOCK_SIZE
    recommendation: Recommendation | None = None
    headline_samples: int = 1

    def sizes(self) -> list[int]:
        """The number of points in each block."""
        return block_sizes(self.levels.shape[0], self.block_size)

    def run_block(self, block: int, size: int) -> Results:
        start = block * self.block_size
        arrays = place_levels(self.scenario, self.levels[start : start + size])
        terms = Terms.of(self.scenario, arrays)
        return run_models(
            self.models,
            arrays,
            self.seed,
            block,
            stream="design:",
            terms=terms,
            recommendation=self.recommendation,
            headline_samples=self.headline_samples,
        )

    def merge(self, parts: Sequence[Results]) -> Results:
        """The results of consecutive blocks as one: each model's forecasts in point order."""
        return joined(parts)


def run_models(
    models: Sequence[tuple[str, dict[str, Any]]],
    arrays: ScenarioArrays,
    seed: int,
    block: int,
    stream: str = "",
    terms: Terms | None = None,
    recommendation: Recommendation | None = None,
    paths: bool = False,
    headline_samples: int = 1,
    headline_models: Sequence[tuple[str, dict[str, Any]]] = (),
) -> Results:
    """Each model's forecast ``[draw, issue]`` on a block's arrays, with the random stream named
    ``stream`` + the model's name at place ``block``, after the agreement test of ``terms``
    (:mod:`flashpoint.analysis.agreement`: a refused issue is at its reversion point). Where an
    outcome needs consent, each model's test is kept too: whether each issue was agreed
    ``[draw, issue]`` and whether each actor refused ``[draw, actor]`` (:func:`agreement_of`
    reads them back). With a ``recommendation`` (and ``terms``), the headline forecast
    (:func:`~flashpoint.analysis.headline.headline_outcomes`, from the stream ``stream`` +
    ``recommended``) with its test, under :data:`~flashpoint.analysis.headline.HEADLINE`:
    ``headline_samples`` errors for each draw, ``[draw x sample, issue]`` (a draw's samples
    together), where a design point's target is the headline's expectation over its errors;
    ``headline_models`` run for the headline only (from their own streams, as if asked for).
    With ``paths``, each model that runs more than one round keeps its positions
    ``[draw, round, actor, issue]`` (:func:`paths_of`); without, the models are asked for their
    forecasts only (``events=False``: no log, no round but the last)."""
    trajectories = {
        name: get_model(name)(
            arrays, options, named_stream(seed, stream + name, block), events=paths
        )
        for name, options in models
    }
    found = {name: trajectory.forecast for name, trajectory in trajectories.items()}
    kept: Results = {
        PATH + name: trajectory.positions.transpose(1, 0, 2, 3)
        for name, trajectory in trajectories.items()
        if paths and trajectory.rounds > 1
    }
    if terms is None:
        return found | kept
    verdicts = {
        name: settle(terms, arrays, bargain, get_model(name).utility)
        for name, bargain in found.items()
    }
    if recommendation is not None:
        for name, options in headline_models:
            found[name] = get_model(name)(
                arrays, options, named_stream(seed, stream + name, block), events=False
            ).forecast
        rng = named_stream(seed, stream + HEADLINE, block)
        each = np.repeat(np.arange(arrays.n_draws), headline_samples)
        repeated = {name: bargain[each] for name, bargain in found.items()}
        on = arrays if headline_samples == 1 else arrays.select(each)
        headline = headline_outcomes(recommendation, repeated, on, terms, rng)
        if headline is not None:
            verdicts[HEADLINE] = headline
    results: Results = dict(kept)
    for name, verdict in verdicts.items():
        results[name] = verdict.outcome
        if terms.needed:
            results[AGREED + name] = verdict.agreed
            results[REFUSED + name] = verdict.blocked.any(axis=2)
            results[CROSSED + name] = verdict.crossed.any(axis=2)
    return results


Tests = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # name -> agreed, refused, crossed


def agreement_of(results: Results) -> tuple[Results, Tests]:
    """Each model's forecasts (and the headline's, if it ran), and its recorded agreement test
    (agreed ``[draw, issue]``, refused ``[draw, actor]``, red line crossed ``[draw, actor]``)
    if :func:`run_models` recorded one."""
    keys = (AGREED, REFUSED, CROSSED, PATH, *ZONE)
    forecasts = {name: v for name, v in results.items() if not name.startswith(keys)}
    tests = {
        name: (results[AGREED + name], results[REFUSED + name], results[CROSSED + name])
        for name in forecasts
        if AGREED + name in results
    }
    return forecasts, tests


def zones_of(results: Results) -> tuple[np.ndarray, ...] | None:
    """The zone of agreement recorded on a run's draws (:func:`~flashpoint.analysis.agreement.
    zone_of_agreement`), or None where no outcome needs consent."""
    return tuple(results[key] for key in ZONE) if ZONE[0] in results else None


def agreed_of(tests: Tests, name: str) -> np.ndarray | None:
    """A forecast's recorded agreement ``[draw, issue]`` (None: nothing needed consent)."""
    return tests[name][0] if name in tests else None


def paths_of(results: Results) -> Results:
    """Each model's recorded positions round by round, ``[draw, round, actor, issue]``, for the
    models :func:`run_models` kept them for."""
    return {name[len(PATH) :]: v for name, v in results.items() if name.startswith(PATH)}


def block_sizes(total: int, block_size: int) -> list[int]:
    """The sizes of the blocks ``total`` draws or points are cut into: full ones, then the rest."""
    if total < 1:
        raise ValueError(f"draws must be 1 or more, not {total}")
    full, rest = divmod(total, block_size)
    return [block_size] * full + ([rest] if rest else [])


def joined(parts: Sequence[Results]) -> Results:
    """Consecutive blocks' forecasts of the same models as one, each model's in draw order."""
    return {
        name: np.concatenate(_aligned(name, [part[name] for part in parts])) for name in parts[0]
    }


def _aligned(name: str, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Consecutive blocks' arrays of one result, ready to join: a model's positions round by
    round (:data:`PATH`) each over as many rounds as the block that ran the most
    (:func:`~flashpoint.analysis.uncertainty.with_rounds`), since blocks whose inputs are
    spread stop after different rounds."""
    if not name.startswith(PATH):
        return arrays
    most = max(array.shape[1] for array in arrays)
    return [with_rounds(array, most) for array in arrays]


def run_draws(
    run: MonteCarlo,
    draws: int,
    *,
    executor: Executor = "auto",
    workers: int | None = None,
    chunk_blocks: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Results]:
    """Per variant, each model's forecast on every draw, ``[draw, issue]`` in draw order.

    The blocks run on ``executor`` (:func:`flashpoint.engine.executors.run_blocks`, which
    explains ``workers``, ``chunk_blocks``, ``scheduler`` and ``progress``); the numbers do
    not depend on any of them.
    """
    return run_blocks(
        run,
        run.sizes(draws),
        executor=executor,
        workers=workers,
        chunk_blocks=chunk_blocks,
        scheduler=scheduler,
        progress=progress,
    )


@dataclass(frozen=True)
class VariantGroups:
    """A run of many variants and few draws cut into groups of variants instead of blocks of
    draws, each group a unit of work for the executors: ``run_block(group, work)`` runs all
    the draws of its variants (``work``: its variants times the draws, what progress counts).
    The numbers are the run's own: a variant's draws come from the same streams whichever
    group, process or machine runs it."""

    run: MonteCarlo
    groups: tuple[tuple[int, ...], ...]

    def run_block(self, group: int, work: int) -> list[Results]:
        variants = self.groups[group]
        shocks = tuple(self.run.shocks[v] for v in variants)
        draws = max(1, work // len(variants))
        return run_draws(replace(self.run, shocks=shocks), draws, executor="serial")

    def merge(self, parts: Sequence[list[Results]]) -> list[Results]:
        return [results for part in parts for results in part]


def run_variants(
    run: MonteCarlo,
    draws: int,
    *,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Results]:
    """Per variant, each model's forecast on every draw, as :func:`run_draws` gives them; a run
    whose draws fit in one or two blocks but has several variants (a search's candidates, a
    tornado's settings) runs its variants in groups on ``executor`` (:class:`VariantGroups`:
    about :data:`~flashpoint.engine.executors.AUTO_PROCESS_BLOCKS` groups per worker), where
    blocks of draws would leave workers idle. ``progress`` is called with the draws of each
    finished piece of work times its variants."""
    variants = len(run.shocks)
    workers = workers or cores()
    count = min(variants, AUTO_PROCESS_BLOCKS * workers)
    if len(run.sizes(draws)) >= count or executor == "serial":
        counted = None if progress is None else (lambda done: progress(done * variants))
        return run_draws(
            run, draws, executor=executor, workers=workers, scheduler=scheduler, progress=counted
        )
    groups = tuple(tuple(int(v) for v in part) for part in np.array_split(range(variants), count))
    return run_blocks(
        VariantGroups(run, groups),
        [draws * len(group) for group in groups],
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
