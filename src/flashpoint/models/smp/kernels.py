"""The spatial model's inner loops, compiled with numba: votes, utilities, probabilistic
Condorcet elections, challenge evaluation and bargain elections (``ktab.md`` §4.2-4.7).

Options arrive as integer codes, their index in the tuples of :mod:`.options`. Nothing here
allocates per voter or per third party; the O(n³) loops of a turn (the election over every
actor's position and every initiator's evaluation of every target) run here.
"""

from __future__ import annotations

import numpy as np
from numba import njit

compiled = njit(cache=True, nogil=True)

# VotingRule codes (options.VOTING)
BINARY, PROP_BIN, PROP, PROP_CBC, CUBIC, ASYM_PROSP = range(6)
# VictoryProbModel codes (options.VICTORY)
LINEAR, SQUARE, QUARTIC, OCTIC, BINARY_VICTORY = range(5)
# PCEModel codes (options.PCE)
CONDITIONAL, MARKOV_INCENTIVE, MARKOV_UNIFORM = range(3)
# BigRAdjust codes (options.RISK_ADJUST)
ADJUST_NONE, ONE_THIRD, HALF, TWO_THIRDS, FULL = range(5)
# ThirdPartyCommit codes (options.COMMIT)
NO_COMMIT, SEMI_COMMIT, FULL_COMMIT = range(3)

COALITION_FLOOR = 1e-8  # ktab.md §4.4: every coalition starts at 1e-8
CHALLENGE_FLOOR = 1e-10  # §4.6: both sides of a challenge start at 1e-10
MARKOV_LIMIT = 1000  # §4.4: KTAB gives up on a Markov PCE after 1000 iterations


@compiled
def vote(weight: float, a: float, b: float, rule: int) -> float:
    """The vote of a voter of ``weight`` for an option worth ``a`` over one worth ``b``
    (``ktab.md`` §4.3)."""
    delta = a - b
    if rule == PROP:
        return weight * delta
    binary = min(1.0, max(-1.0, delta / 1e-8))
    if rule == BINARY:
        return weight * binary
    if rule == PROP_BIN:
        return weight * (0.8 * delta + 0.2 * binary)
    if rule == PROP_CBC:
        return weight * (0.5 * delta + 0.5 * delta * delta * delta)
    if rule == CUBIC:
        return weight * delta * delta * delta
    # ASYM_PROSP: a loss weighs fully, a gain two thirds
    return weight * delta if delta < 0.0 else weight * delta * 2.0 / 3.0


@compiled
def utility(distance: float, risk: float) -> float:
    """``u(d; R) = (1 - d)(1 + R d)``, with ``d`` capped at 1 in the second factor
    (``ktab.md`` §4.2)."""
    return (1.0 - distance) * (1.0 + risk * min(distance, 1.0))


@compiled
def perceived_risk(estimator: int, actor: int, risk: np.ndarray, adjust: int) -> float:
    """The risk attitude ``estimator`` ascribes to ``actor`` (BigRAdjust, ``ktab.md`` §4.5):
    its own, the true one, or a mix; everyone knows its own."""
    own, true = risk[estimator], risk[actor]
    if estimator == actor or adjust == FULL:
        return true
    if adjust == ADJUST_NONE:
        return own
    if adjust == ONE_THIRD:
        return (2.0 * own + true) / 3.0
    if adjust == HALF:
        return (own + true) / 2.0
    return (own + 2.0 * true) / 3.0


@compiled
def coalitions(values: np.ndarray, weight: np.ndarray, rule: int) -> np.ndarray:
    """``C[o, o']``: the strength of the coalition for option ``o`` over ``o'`` (``ktab.md``
    §4.4): 1e-8 plus each voter's positive vote; the negative ones go to ``C[o', o]``.
    ``values[a, o]`` is option ``o``'s utility to voter ``a``."""
    voters, options = values.shape
    strength = np.full((options, options), COALITION_FLOOR)
    for o in range(options):
        for p in range(o + 1, options):
            over, under = 0.0, 0.0
            for a in range(voters):
                v = vote(weight[a], values[a, o], values[a, p], rule)
                if v > 0.0:
                    over += v
                else:
                    under -= v
            strength[o, p] += over
            strength[p, o] += under
    return strength


@compiled
def victory(strength: np.ndarray, model: int) -> np.ndarray:
    """``pv[o, o']``, the probability that ``o`` beats ``o'`` (VictoryProbModel, ``ktab.md``
    §4.4); 1/2 on the diagonal."""
    options = strength.shape[0]
    win = np.full((options, options), 0.5)
    power = 1 if model == LINEAR else 2 if model == SQUARE else 4 if model == QUARTIC else 8
    for o in range(options):
        for p in range(options):
            if o == p:
                continue
            mine, theirs = strength[o, p], strength[p, o]
            if model == BINARY_VICTORY:
                if mine >= 1.1 * theirs:
                    win[o, p] = 1.0 / (1.0 + 1e-6)
                elif theirs >= 1.1 * mine:
                    win[o, p] = 1e-6 / (1.0 + 1e-6)
                else:
                    win[o, p] = (2.1 * mine / (mine + theirs) - 1.0) / 0.1
            else:
                a, b = mine**power, theirs**power
                win[o, p] = a / (a + b)
    return win


@compiled
def condorcet(values: np.ndarray, weight: np.ndarray, rule: int, model: int, pce: int):
    """The probabilistic Condorcet election over the options (``ktab.md`` §4.4): the
    probability of each option, and the number of iterations a Markov variant took (0 for
    Conditional)."""
    strength = coalitions(values, weight, rule)
    win = victory(strength, model)
    options = win.shape[0]
    if pce == CONDITIONAL:
        # P(o) proportional to the product of pv(o > o'), summed in logs so that no product
        # of many small numbers underflows
        log_p = np.zeros(options)
        for o in range(options):
            for p in range(options):
                log_p[o] += np.log(win[o, p])
        probability = np.exp(log_p - log_p.max())
        return probability / probability.sum(), 0
    probability = np.full(options, 1.0 / options)
    challenge = np.empty((options, options))
    if pce == MARKOV_INCENTIVE:
        # who challenges the current favourite o': in proportion to n(o -> o') = C(o,o') pv(o>o')
        for p in range(options):
            total = 0.0
            for o in range(options):
                incentive = strength[o, p] * win[o, p] + (1e-10 if o == p else 0.0)
                challenge[o, p] = incentive
                total += incentive
            for o in range(options):
                challenge[o, p] /= total
    tolerance = 1e-8 if pce == MARKOV_INCENTIVE else 1e-6
    iterations = 0
    while True:
        iterations += 1
        step = np.zeros(options)
        for o in range(options):
            for p in range(options):
                if pce == MARKOV_UNIFORM:
                    step[o] += win[o, p] * (probability[o] + probability[p]) / options
                else:
                    step[o] += win[o, p] * (
                        probability[o] * challenge[p, o] + probability[p] * challenge[o, p]
                    )
        change = np.abs(step - probability).max()
        probability = (probability + step) / 2.0
        if change <= tolerance or iterations >= MARKOV_LIMIT:
            return probability, iterations


@compiled
def challenge(
    i: int,
    j: int,
    k: int,
    to_i: np.ndarray,
    to_j: np.ndarray,
    own: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    rule: int,
    commit: int,
) -> tuple[float, float]:
    """One estimator's view of ``i`` challenging ``j`` (``ktab.md`` §4.6): the probability that
    ``i`` wins and the expected gain to ``k``. ``to_i[a]``, ``to_j[a]`` and ``own[a]`` are, as
    the estimator sees them, actor ``a``'s utility of ``i``'s position, of ``j``'s and of its own;
    ``weight`` is capability x total salience."""
    v = vote(weight[i], own[i], to_j[i], rule)
    w = vote(weight[j], to_i[j], own[j], rule)
    side_i = CHALLENGE_FLOOR + max(v, 0.0) + max(w, 0.0)
    side_j = CHALLENGE_FLOOR + max(-v, 0.0) + max(-w, 0.0)
    principals_i, principals_j = side_i, side_j
    for t in range(weight.shape[0]):
        if t == i or t == j:
            continue
        u_i, u_j, u_t = to_i[t], to_j[t], own[t]
        little = vote(weight[t], u_i, u_j, rule)
        for_i = principals_i + max(little, 0.0)
        p = for_i / (for_i + principals_j + max(-little, 0.0))
        if commit == NO_COMMIT:
            join_i_wins, join_i_loses = 2.0 * u_i + u_t, 2.0 * u_j + u_t
            join_j_loses, join_j_wins = 2.0 * u_i + u_t, 2.0 * u_j + u_t
        elif commit == SEMI_COMMIT:
            join_i_wins, join_i_loses = 2.0 * u_i + u_t, 3.0 * u_j
            join_j_loses, join_j_wins = 3.0 * u_i, 2.0 * u_j + u_t
        else:
            join_i_wins, join_i_loses = 3.0 * u_i, 3.0 * u_j
            join_j_loses, join_j_wins = 3.0 * u_i, 3.0 * u_j
        expect_i = p * join_i_wins + (1.0 - p) * join_i_loses
        expect_j = p * join_j_loses + (1.0 - p) * join_j_wins
        third = vote(weight[t], expect_i, expect_j, rule)
        side_i += max(third, 0.0)
        side_j += max(-third, 0.0)
    phi = side_i / (side_i + side_j)
    # k's values: i wins (j moves to i), i loses (i moves to j), status quo
    win, lose, status_quo = 2.0 * to_i[k], 2.0 * to_j[k], to_i[k] + to_j[k]
    contest = phi * win + (1.0 - phi) * lose
    resist = total_salience[j]  # the target resists with probability S_j
    return phi, (1.0 - resist) * win + resist * contest - status_quo


@compiled
def estimator_view(
    h: int, columns: np.ndarray, distance: np.ndarray, risk: np.ndarray, adjust: int
) -> np.ndarray:
    """``view[c, a]``: actor ``a``'s utility of the position of actor ``columns[c]`` as ``h``
    sees it (``h`` ascribes ``a`` the risk attitude of BigRAdjust); ``distance[a, b]`` is from
    ``a``'s ideal to ``b``'s position."""
    n = distance.shape[0]
    view = np.empty((columns.shape[0], n))
    for a in range(n):
        r = perceived_risk(h, a, risk, adjust)
        for c in range(columns.shape[0]):
            view[c, a] = utility(distance[a, columns[c]], r)
    return view


@compiled
def choose_targets(
    distance: np.ndarray,
    risk: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    adjust: int,
    rule: int,
    commit: int,
    minimum_gain: float,
):
    """Each actor's best target (``ktab.md`` §4.7 step 1): ``j`` with the largest expected gain
    from ``i``'s own view, if above ``minimum_gain`` (ties: the lowest ``j``), else -1; with the
    probability of winning and the gain."""
    n = distance.shape[0]
    target = np.full(n, -1)
    success = np.full(n, np.nan)
    gain = np.full(n, np.nan)
    everyone = np.arange(n)
    own = np.empty(n)
    for i in range(n):
        view = estimator_view(i, everyone, distance, risk, adjust)
        for a in range(n):
            own[a] = view[a, a]
        best = minimum_gain
        for j in range(n):
            if j == i:
                continue
            phi, delta = challenge(
                i, j, i, view[i], view[j], own, weight, total_salience, rule, commit
            )
            if delta > best:
                best, target[i], success[i], gain[i] = delta, j, phi, delta
    return target, success, gain


@compiled
def resolve_bargains(
    values: np.ndarray,
    weight: np.ndarray,
    queue_start: np.ndarray,
    queue: np.ndarray,
    draws: np.ndarray,
    rule: int,
    model: int,
    pce: int,
    stochastic: bool,
):
    """Each actor's election over its queue of options (``ktab.md`` §4.7 step 3).

    ``values[a, q]`` is option ``q``'s value to voter ``a``; actor ``k``'s options are
    ``queue[queue_start[k]:queue_start[k + 1]]``. Returns, per actor, the position in its queue
    of the option it takes (the most likely, the first of equals; or, when ``stochastic``, the
    one ``draws[k]`` picks from the election's distribution) and each option's probability.
    """
    n = queue_start.shape[0] - 1
    chosen = np.empty(n, dtype=np.int64)
    probability = np.empty(queue.shape[0])
    for k in range(n):
        start, stop = queue_start[k], queue_start[k + 1]
        options = queue[start:stop]
        shares, _ = condorcet(values[:, options], weight, rule, model, pce)
        probability[start:stop] = shares
        if stochastic:
            pick, running = options.shape[0] - 1, 0.0
            for q in range(options.shape[0]):
                running += shares[q]
                if draws[k] < running:
                    pick = q
                    break
            chosen[k] = pick
        else:
            chosen[k] = np.argmax(shares)
    return chosen, probability


@compiled
def receiver_success(
    initiator: np.ndarray,
    receiver: np.ndarray,
    distance: np.ndarray,
    risk: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    adjust: int,
    rule: int,
    commit: int,
) -> np.ndarray:
    """For each challenge, the receiver's estimate of the probability that the initiator wins
    (``ktab.md`` §4.7 step 2, the "j-view"; KTAB itself passes the receiver's estimate of the
    expected gain here, see ``docs/models.md``)."""
    n = distance.shape[0]
    phi = np.empty(initiator.shape[0])
    own = np.empty(n)
    pair = np.empty(2, dtype=np.int64)
    for b in range(initiator.shape[0]):
        i, j = initiator[b], receiver[b]
        pair[0], pair[1] = i, j
        view = estimator_view(j, pair, distance, risk, adjust)
        for a in range(n):
            own[a] = utility(distance[a, a], perceived_risk(j, a, risk, adjust))
        phi[b], _ = challenge(i, j, i, view[0], view[1], own, weight, total_salience, rule, commit)
    return phi
