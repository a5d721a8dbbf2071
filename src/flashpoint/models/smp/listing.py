"""The order actors are run in: sorted by what they are, not where they are listed.

KTAB breaks ties by actor order (the lowest-listed target; a queue's bargains as its threads add
them) and sums votes in actor order. flashpoint runs every draw with the actors sorted by their
inputs (capability, saliences, position), so that listing distinct actors in another order changes
nothing, not even the rounding of a sum; actors alike in everything keep their listed order, and
swapping them changes nothing either. Results are put back in the listed order. Only KTAB's reported
probabilities depend on the listing by definition (``docs/specs/ktab.md`` §4.11 C1); they are
worked out in the listed order.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.smp.records import Bargains, StateRecord, Turn


def canonical_order(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray
) -> np.ndarray:
    """``order[..., c]``: the listed actor run as the ``c``-th, per draw (positions and
    saliences ``[..., actor, dimension]``, capabilities ``[..., actor]``)."""
    position, salience = np.moveaxis(position, -1, 0), np.moveaxis(salience, -1, 0)
    return np.lexsort((*position[::-1], *salience[::-1], capability), axis=-1)


def listed_state(state: StateRecord, listed: np.ndarray) -> StateRecord:
    """A state worked out in canonical order, with its actors back in the listed order
    (``listed[k]``: the canonical row of the ``k``-th listed actor)."""
    return StateRecord(
        position=state.position[listed],
        ideal=state.ideal[listed],
        risk=state.risk[listed],
        win_probability=state.win_probability[listed],
        outcome=state.outcome,
    )


def listed_turn(turn: Turn, order: np.ndarray, listed: np.ndarray) -> Turn:
    """A turn worked out in canonical order, with its actors back in the listed order and its
    bargains sorted by their initiator as listed."""
    bargains = turn.bargains
    initiator, receiver = order[bargains.initiator], order[bargains.receiver]
    by_initiator = np.lexsort((bargains.view, initiator))
    renumber = np.full(by_initiator.size + 1, -1)  # the last entry keeps -1 (no bargain) as is
    renumber[by_initiator] = np.arange(by_initiator.size)
    return Turn(
        target=np.append(order, -1)[turn.target[listed]],
        success=turn.success[listed],
        gain=turn.gain[listed],
        bargains=Bargains(
            initiator=initiator[by_initiator],
            receiver=receiver[by_initiator],
            initiator_position=bargains.initiator_position[by_initiator],
            receiver_position=bargains.receiver_position[by_initiator],
            view=bargains.view[by_initiator],
        ),
        chosen=renumber[turn.chosen[listed]],
        chosen_probability=turn.chosen_probability[listed],
        position=turn.position[listed],
    )
