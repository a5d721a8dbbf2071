"""The spatial model's inner loops, compiled with numba: votes, utilities, probabilistic
Condorcet elections, challenge evaluation and bargain elections (``docs/specs/ktab.md`` §4.2-4.7).

Options arrive as integer codes, their index in the tuples of :mod:`.options`. Nothing here
allocates per voter or per third party; the O(n³) loops of a turn (the election over every
actor's position and every initiator's evaluation of every target) run here.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from flashpoint.models.borrowing import borrowing

compiled = njit(cache=True, nogil=True, error_model="numpy")
# The steps of a turn's challenge evaluations, called for every actor and target, borrow their
# caller's arrays and write into them (:mod:`flashpoint.models.borrowing`).
borrower = borrowing(error_model="numpy")

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

COALITION_FLOOR = 1e-8  # docs/specs/ktab.md §4.4: every coalition starts at 1e-8
CHALLENGE_FLOOR = 1e-10  # §4.6: both sides of a challenge start at 1e-10
MARKOV_LIMIT = 1000  # §4.4: KTAB gives up on a Markov PCE after 1000 iterations


@compiled
def vote(weight: float, a: float, b: float, rule: int) -> float:
    """The vote of a voter of ``weight`` for an option worth ``a`` over one worth ``b``
    (``docs/specs/ktab.md`` §4.3)."""
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
    (``docs/specs/ktab.md`` §4.2)."""
    return (1.0 - distance) * (1.0 + risk * min(distance, 1.0))


@borrower
def perceived_risk(estimator: int, actor: int, risk: np.ndarray, adjust: int) -> float:
    """The risk attitude ``estimator`` ascribes to ``actor`` (BigRAdjust, ``docs/specs/ktab.md``
    §4.5): its own, the true one, or a mix; everyone knows its own."""
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
    """``C[o, o']``: the strength of the coalition for option ``o`` over ``o'``
    (``docs/specs/ktab.md`` §4.4): 1e-8 plus each voter's positive vote; the negative ones go to
    ``C[o', o]``. ``values[a, o]`` is option ``o``'s utility to voter ``a``."""
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
    """``pv[o, o']``, the probability that ``o`` beats ``o'`` (VictoryProbModel,
    ``docs/specs/ktab.md`` §4.4); 1/2 on the diagonal."""
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
    """The probabilistic Condorcet election over the options (``docs/specs/ktab.md`` §4.4): the
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
def commit_weights(commit: int) -> tuple[float, float, float, float]:
    """ThirdPartyCommit (``docs/specs/ktab.md`` §4.6) as the weights of a third party's utility of
    the winner's position and of its own in the value of an outcome: a third party that is not
    committed keeps its position (2 and 1), one that is moves to the winner's (3 and 0). Returned
    for: siding with the winner, and siding with the loser."""
    if commit == NO_COMMIT:
        return 2.0, 1.0, 2.0, 1.0
    if commit == SEMI_COMMIT:  # only the losing side's third parties are committed
        return 2.0, 1.0, 3.0, 0.0
    return 3.0, 0.0, 3.0, 0.0


@borrower
def challenges(
    i: int,
    targets: np.ndarray,
    to_initiator: np.ndarray,
    to_target: np.ndarray,
    own: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    rule: int,
    commit: int,
    phi: np.ndarray,
    gain: np.ndarray,
    room: np.ndarray,
) -> None:
    """One estimator's view of ``i`` challenging each of ``targets`` (``docs/specs/ktab.md`` §4.6):
    fills ``phi[c]``, the probability that ``i`` wins, and ``gain[c]``, the expected gain to
    ``i`` (``room``: four rows of at least ``len(targets)`` numbers to work in).

    As the estimator sees it, ``to_initiator[a]`` is actor ``a``'s utility of ``i``'s position,
    ``to_target[a, c]`` of the position of ``targets[c]`` and ``own[a]`` of its own; ``weight``
    is capability x total salience. Both sides start at 1e-10 plus the principals' votes; each
    third party, independently of the others, judges the chance ``p`` that ``i`` wins from the
    principals' strength and its own inclination, and adds its vote on the expected values of
    joining either side. The loop runs over targets innermost, so that each target's sums are
    taken in the same order as one by one.
    """
    count = targets.shape[0]
    base_i, base_j, side_i, side_j = room[0], room[1], room[2], room[3]
    for c in range(count):
        j = targets[c]
        v = vote(weight[i], own[i], to_target[i, c], rule)
        w = vote(weight[j], to_initiator[j], own[j], rule)
        base_i[c] = CHALLENGE_FLOOR + max(v, 0.0) + max(w, 0.0)
        base_j[c] = CHALLENGE_FLOOR + max(-v, 0.0) + max(-w, 0.0)
    for c in range(count):
        side_i[c], side_j[c] = base_i[c], base_j[c]
    winner, winner_own, loser, loser_own = commit_weights(commit)
    for t in range(weight.shape[0]):
        if t == i:
            continue
        u_i, u_t, w_t = to_initiator[t], own[t], weight[t]
        joins_i_wins = winner * u_i + winner_own * u_t  # t joined i, i wins
        joins_j_loses = loser * u_i + loser_own * u_t  # t joined the target, i wins
        for c in range(count):
            u_j = to_target[t, c]
            little = vote(w_t, u_i, u_j, rule)
            for_i = base_i[c] + max(little, 0.0)
            p = for_i / (for_i + base_j[c] + max(-little, 0.0))
            expect_i = p * joins_i_wins + (1.0 - p) * (loser * u_j + loser_own * u_t)
            expect_j = p * joins_j_loses + (1.0 - p) * (winner * u_j + winner_own * u_t)
            third = vote(w_t, expect_i, expect_j, rule)
            counts = 0.0 if targets[c] == t else 1.0  # a principal is no third party
            side_i[c] += counts * max(third, 0.0)
            side_j[c] += counts * max(-third, 0.0)
    win = 2.0 * own[i]  # i wins: j moves to i
    for c in range(count):
        phi[c] = side_i[c] / (side_i[c] + side_j[c])
        resist = total_salience[targets[c]]  # a target resists with probability S_j
        lose = 2.0 * to_target[i, c]  # i loses: i moves to j
        contest = phi[c] * win + (1.0 - phi[c]) * lose
        gain[c] = (1.0 - resist) * win + resist * contest - (own[i] + to_target[i, c])


@borrower
def estimator_view(
    h: int,
    columns: np.ndarray,
    distance: np.ndarray,
    risk: np.ndarray,
    adjust: int,
    view: np.ndarray,
) -> None:
    """Fills ``view[a, c]``: actor ``a``'s utility of the position of actor ``columns[c]`` as
    ``h`` sees it (``h`` ascribes ``a`` the risk attitude of BigRAdjust); ``distance[a, b]`` is
    from ``a``'s ideal to ``b``'s position."""
    for a in range(distance.shape[0]):
        r = perceived_risk(h, a, risk, adjust)
        for c in range(columns.shape[0]):
            view[a, c] = utility(distance[a, columns[c]], r)


@borrower
def own_positions(
    h: int, distance: np.ndarray, risk: np.ndarray, adjust: int, own: np.ndarray
) -> None:
    """Fills ``own[a]``: actor ``a``'s utility of its own position as ``h`` sees it."""
    for a in range(distance.shape[0]):
        own[a] = utility(distance[a, a], perceived_risk(h, a, risk, adjust))


@borrower
def position_view(
    h: int, b: int, distance: np.ndarray, risk: np.ndarray, adjust: int, view: np.ndarray
) -> None:
    """Fills ``view[a]``: actor ``a``'s utility of ``b``'s position as ``h`` sees it."""
    for a in range(distance.shape[0]):
        view[a] = utility(distance[a, b], perceived_risk(h, a, risk, adjust))


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
    """Each actor's best target (``docs/specs/ktab.md`` §4.7 step 1): ``j`` with the largest
    expected gain from ``i``'s own view, if above ``minimum_gain`` (ties: the lowest ``j``), else
    -1; with the probability of winning and the gain."""
    n = distance.shape[0]
    target = np.full(n, -1)
    success = np.full(n, np.nan)
    gain = np.full(n, np.nan)
    own, to_initiator = np.empty(n), np.empty(n)
    others = np.empty(n - 1, dtype=np.int64)
    view = np.empty((n, n - 1))
    phi, delta, room = np.empty(n - 1), np.empty(n - 1), np.empty((4, n - 1))
    for i in range(n):
        for c in range(n - 1):
            others[c] = c if c < i else c + 1
        estimator_view(i, others, distance, risk, adjust, view)
        own_positions(i, distance, risk, adjust, own)
        position_view(i, i, distance, risk, adjust, to_initiator)
        challenges(
            i, others, to_initiator, view, own, weight, total_salience, rule, commit, phi, delta,
            room,
        )  # fmt: skip
        best = minimum_gain
        for c in range(others.shape[0]):
            if delta[c] > best:
                best, target[i], success[i], gain[i] = delta[c], others[c], phi[c], delta[c]
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
    """Each actor's election over its queue of options (``docs/specs/ktab.md`` §4.7 step 3).

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
        columns = np.empty((values.shape[0], options.shape[0]))
        for a in range(values.shape[0]):
            for q in range(options.shape[0]):
                columns[a, q] = values[a, options[q]]
        shares, _ = condorcet(columns, weight, rule, model, pce)
        for q in range(options.shape[0]):
            probability[start + q] = shares[q]
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
    (``docs/specs/ktab.md`` §4.7 step 2, the "j-view"; KTAB itself passes the receiver's estimate
    of the expected gain here, see ``docs/models.md``)."""
    n = distance.shape[0]
    phi = np.empty(initiator.shape[0])
    own, to_initiator, to_target = np.empty(n), np.empty(n), np.empty((n, 1))
    targets = np.empty(1, dtype=np.int64)
    estimate, gain, room = np.empty(1), np.empty(1), np.empty((4, 1))
    for b in range(initiator.shape[0]):
        i, j = initiator[b], receiver[b]
        targets[0] = j
        position_view(j, i, distance, risk, adjust, to_initiator)
        for a in range(n):
            to_target[a, 0] = utility(distance[a, j], perceived_risk(j, a, risk, adjust))
        own_positions(j, distance, risk, adjust, own)
        challenges(
            i, targets, to_initiator, to_target, own, weight, total_salience, rule, commit,
            estimate, gain, room,
        )  # fmt: skip
        phi[b] = estimate[0]
    return phi


@compiled
def _apart(position: np.ndarray, a: int, b: int, tolerance: float) -> bool:
    total = 0.0
    for k in range(position.shape[1]):
        gap = position[a, k] - position[b, k]
        total += gap * gap
    return np.sqrt(total) >= tolerance


@compiled
def greedy_distinct(position: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's distinct positions (``docs/specs/ktab.md`` §4.1, C1): in row order, a position closer
    than ``tolerance`` to no earlier distinct one is distinct. Returns their rows and, per row, the
    last distinct position (by its place in that list) within ``tolerance`` of it."""
    n = position.shape[0]
    distinct = np.empty(n, dtype=np.int64)
    count = 0
    for a in range(n):
        alone = True
        for r in range(count):
            if not _apart(position, a, distinct[r], tolerance):
                alone = False
                break
        if alone:
            distinct[count] = a
            count += 1
    reported = np.empty(n, dtype=np.int64)
    for a in range(n):
        for r in range(count - 1, -1, -1):
            if not _apart(position, a, distinct[r], tolerance):
                reported[a] = r
                break
    return distinct[:count], reported


@compiled
def linked_groups(position: np.ndarray, tolerance: float) -> np.ndarray:
    """Per row, its group: rows linked by steps shorter than ``tolerance`` form one, numbered
    in the order of their first row."""
    n = position.shape[0]
    group = np.full(n, -1)
    count = 0
    stack = np.empty(n, dtype=np.int64)
    for start in range(n):
        if group[start] >= 0:
            continue
        group[start], stack[0], size = count, start, 1
        while size:
            size -= 1
            a = stack[size]
            for b in range(n):
                if group[b] < 0 and not _apart(position, a, b, tolerance):
                    group[b] = count
                    stack[size] = b
                    size += 1
        count += 1
    return group
