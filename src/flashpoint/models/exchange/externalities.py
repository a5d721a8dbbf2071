"""Externalities of the exchanges of a round (``docs/specs/exchange.md`` §4.6).

An exchange on issues ``p`` and ``q`` moves both outcomes, which matters to every actor present
on both: ``X_k = s_kp (|O_p^0 - x_kp| - |O_p^1 - x_kp|) + s_kq (|O_q^0 - x_kq| - |O_q^1 - x_kq|)``
with ``O^0`` and ``O^1`` the outcomes before and after the exchange's move on each issue, as
the exchange computed them, and ``x`` the round-start positions. Positive: the outcome moved
towards ``k``. It is "inner" when ``k`` sits in one of the exchanging pair's two quadrants of
the issue pair, "outer" otherwise; the two exchangers get their gain as "own" (the gain before
the outcome caps, as the reference credits it).
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.exchange.records import RoundResult, RoundStart

KINDS = ("own", "inner_pos", "inner_neg", "outer_pos", "outer_neg")


def externalities(start: RoundStart, result: RoundResult) -> np.ndarray:
    """``[actor, kind]``: each actor's summed effects of the round's exchanges (:data:`KINDS`)."""
    table = np.zeros((start.position.shape[0], len(KINDS)))
    right, present, x, s = start.right, start.present, start.position, start.salience
    for executed in result.executed:
        a, b = executed.a, executed.b
        p, q = b.supply, a.supply
        moved = {
            p: (b.outcome_before, b.outcome_after),
            q: (a.outcome_before, a.outcome_after),
        }
        quadrants = {(right[a.actor, p], right[a.actor, q]), (right[b.actor, p], right[b.actor, q])}
        table[a.actor, 0] += executed.reported_gain
        table[b.actor, 0] += executed.reported_gain
        for k in np.flatnonzero(present[:, p] & present[:, q]):
            if k in (a.actor, b.actor):
                continue
            effect = sum(
                s[k, d] * (abs(before - x[k, d]) - abs(after - x[k, d]))
                for d, (before, after) in moved.items()
            )
            inner = (right[k, p], right[k, q]) in quadrants
            table[k, (1 if inner else 3) + (effect < 0)] += effect
    return table
