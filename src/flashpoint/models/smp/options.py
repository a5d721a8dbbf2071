"""Options of the spatial model of politics: KTAB's nine model parameters, with KTAB's defaults
(``docs/specs/ktab.md`` §4.10), the turn limit (``rounds``, as for the other models), and the
ideal-point accommodation pairs (§4.1).

Each option also answers to its KTAB name (``VictoryProbModel``, ``BigRAdjust``, ...), so that
``-o BigRAdjust=Half`` and ``-o risk_adjust=Half`` mean the same. Values are KTAB's enum names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

VICTORY = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE = ("Conditional", "MarkovIncentive", "MarkovUniform")
TRANSITIONS = ("Deterministic", "Stochastic")
VOTING = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
RISK_ADJUST = ("None", "OneThird", "Half", "TwoThirds", "Full")
RISK_RANGE = ("Min", "Mid", "Max")
COMMIT = ("NoCommit", "SemiCommit", "FullCommit")
INTERPOLATION = ("S1P1", "S2P2", "S2PMax")
BARGAIN = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")


def _ktab(name: str, snake: str) -> AliasChoices:
    return AliasChoices(snake, name)


class Accommodation(BaseModel):
    """One entry of the accommodation matrix: after each turn, ``actor``'s ideal point moves by
    ``rate`` towards ``towards``'s position (KTAB's ``iaPair``; ``docs/specs/ktab.md`` §4.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: str
    towards: str
    rate: float = Field(ge=0.0, le=1.0)


class SMPOptions(BaseModel):
    """Options of the spatial model of politics (KTAB's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    victory_probability: Literal[VICTORY] = Field(  # type: ignore[valid-type]
        "Linear",
        validation_alias=_ktab("VictoryProbModel", "victory_probability"),
        description="Victory probability from coalition strengths C, C': C/(C+C') (Linear), "
        "or of C^2, C^4, C^8; Binary: certain for a 10% advantage.",
    )
    pce: Literal[PCE] = Field(  # type: ignore[valid-type]
        "Conditional",
        validation_alias=_ktab("PCEModel", "pce"),
        description="Probabilistic Condorcet election: P(o) proportional to the chance o beats "
        "every other option (Conditional), or a Markov chain of challenges.",
    )
    transitions: Literal[TRANSITIONS] = Field(  # type: ignore[valid-type]
        "Deterministic",
        validation_alias=_ktab("StateTransitions", "transitions"),
        description="Each actor takes its most likely bargain (Deterministic) or draws one "
        "from the run's seeded stream (Stochastic).",
    )
    voting_rule: Literal[VOTING] = Field(  # type: ignore[valid-type]
        "Prop",
        validation_alias=_ktab("VotingRule", "voting_rule"),
        description="A vote as a function of the utility difference: proportional (Prop), "
        "all-or-nothing (Binary), cubic, or with losses weighing more (ASymProsp).",
    )
    risk_adjust: Literal[RISK_ADJUST] = Field(  # type: ignore[valid-type]
        "OneThird",
        validation_alias=_ktab("BigRAdjust", "risk_adjust"),
        description="How far an actor sees others' true risk attitude instead of its own: "
        "None, OneThird, Half, TwoThirds, Full.",
    )
    risk_range: Literal[RISK_RANGE] = Field(  # type: ignore[valid-type]
        "Mid",
        validation_alias=_ktab("BigRRange", "risk_range"),
        description="Range of the risk attitudes inferred from win probabilities: "
        "[0, 1] (Min), [-1/2, 1] (Mid), [-1, 1] (Max).",
    )
    third_party_commit: Literal[COMMIT] = Field(  # type: ignore[valid-type]
        "SemiCommit",
        validation_alias=_ktab("ThirdPartyCommit", "third_party_commit"),
        description="Whether a third party that joins the losing side of a challenge must "
        "move with it: NoCommit, SemiCommit (the loser's allies), FullCommit (everyone).",
    )
    bargain_interpolation: Literal[INTERPOLATION] = Field(  # type: ignore[valid-type]
        "S2P2",
        validation_alias=_ktab("InterVecBrgn", "bargain_interpolation"),
        description="How a bargain's position is interpolated: weights salience x probability "
        "(S1P1) or their squares (S2P2); S2PMax moves only the weaker side.",
    )
    bargain_model: Literal[BARGAIN] = Field(  # type: ignore[valid-type]
        "InitOnlyInterp",
        validation_alias=_ktab("BargnModel", "bargain_model"),
        description="Whose estimate of the challenge shapes the bargain: the initiator's "
        "(InitOnlyInterp), both views offered (InitRcvrInterp), or their weighted compromise "
        "(PWCompInterp).",
    )
    rounds: int = Field(100, ge=1, le=1000, description="Maximum number of turns (KTAB: 100).")
    accommodation: tuple[Accommodation, ...] = Field(
        (),
        description="Ideal-point accommodation pairs (KTAB XML IdealAdjustment); none: each "
        "actor's ideal is its current position.",
    )

    @model_validator(mode="after")
    def _rows_at_most_one(self) -> SMPOptions:
        """Each row of the matrix (listed pairs, and 1 on the diagonal unless the actor's own
        pair is listed) must add up to at most 1, as in KTAB."""
        totals: dict[str, float] = {}
        own: set[str] = set()
        for pair in self.accommodation:
            totals[pair.actor] = totals.get(pair.actor, 0.0) + pair.rate
            if pair.towards == pair.actor:
                own.add(pair.actor)
        over = [
            f"{actor} ({total + (0.0 if actor in own else 1.0):g})"
            for actor, total in totals.items()
            if total + (0.0 if actor in own else 1.0) > 1 + 1e-12
        ]
        if over:
            raise ValueError(
                "each actor's accommodation rates, with its own pair (1 unless listed), may add"
                " up to at most 1; list the actor's pair towards itself with the share its ideal"
                " keeps following its own position: " + ", ".join(over)
            )
        return self
