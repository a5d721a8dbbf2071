"""The layout of a round's candidate table (:class:`~.candidates.CandidateTable`): which column of
its three arrays, ``numbers``, ``values`` and ``flags``, holds what. The compiled code that fills
the table (:mod:`.table`), solves its candidates (:mod:`.solve`, :mod:`.randomized`) and plays
the round (:mod:`.round`, :mod:`.replay`, :mod:`.runner`) reads and writes the arrays by these
numbers; so does the table itself when it gives its rows as records. Nothing here computes, and
nothing here loads numba.
"""

# An outcome this close to a position counts as that position (§4.2 sides; §4.11 C2).
BOUNDARY = 1e-9

# Each side has its block: side ``a`` starts at column 0 and side ``b`` at ``SIDE_NUMBERS`` of
# ``numbers``, ``SIDE_VALUES`` of ``values`` and ``SIDE_FLAGS`` of ``flags``.
# numbers (int64): the supplier, its supply issue and its demand issue; then p, q and the group.
ACTOR, SUPPLY, DEMAND = 0, 1, 2
SIDE_NUMBERS = 3
P, Q, GROUP = 6, 7, 8
# values (float64): fixed for the round ...
TARGET = 0  # the partner's round-start position on the supply issue
START = 1  # the supplier's round-start position on the supply issue
SUPPLY_SALIENCE, DEMAND_SALIENCE = 2, 3
WEIGHT = 4  # the supplier's weight on the supply issue
TOTAL = 5  # D of the supply issue
# ... and the working state:
POSITION = 6  # the supplier's current voting position on the supply issue
SEEN_SUM = 7  # Σ w x on the supply issue as this candidate sees it (§4.5 updates)
MOVE = 8
OUTCOME_BEFORE, OUTCOME_AFTER = 9, 10
HISTORY_SUM = 11  # the sum of the move history (C3) before its last entry (which is MOVE)
SIDE_VALUES = 12
GAIN = 24
REPORTED_GAIN = 25  # the gain before the outcome caps, as the reference credits it
A, B = 0, SIDE_VALUES  # where each side's values start
# flags (bool): every earlier entry of the move history > 0, < 0; then the boundary mark (C2).
HISTORY_UP, HISTORY_DOWN = 0, 1
SIDE_FLAGS = 2
AT_BOUNDARY = 4
