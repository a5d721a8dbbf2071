"""Options of the expected utility model: every switch between the replication of Scholz et al.
(2011) and the printed equations (``docs/specs/eum.md`` §10), and the two presets that set them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PRESETS: dict[str, dict[str, Any]] = {
    "scholz": {
        "status_quo_probability": 1.0,
        "median_term": False,
        "probability": "all_pairs",
        "votes": "voter_risk",
        "point_of_view": "receiver",
        "beta_salience": "receiver",
        "compromise_position": "scaled_step",
        "compromise_pick": "lowest_average",
        "capitulation": False,
        "zero_tolerance": 0.0,
        "probability_cutoff": 0.0,
        "colocated_offers": False,
        "equal_danger_risk": 1.0,
    },
    "literal": {
        "status_quo_probability": 0.5,
        "median_term": True,
        "probability": "contested_pair",
        "votes": "linear",
        "point_of_view": "each_side",
        "beta_salience": "proposer",
        "compromise_position": "weighted_average",
        "compromise_pick": "shortest_move",
        "capitulation": True,
        "zero_tolerance": 1e-4,
        "probability_cutoff": 1e-4,
        "colocated_offers": True,
        "equal_danger_risk": 0.0,
    },
}


class EUMOptions(BaseModel):
    """Options of the expected utility model; ``preset`` fills every option not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    preset: Literal["scholz", "literal"] = Field(
        "scholz", description="scholz: the replication of Scholz et al.; literal: the equations."
    )
    rounds: int = Field(10, ge=0, le=1000, description="Maximum number of rounds.")
    stop_at_repeat: bool = Field(
        True, description="Stop a run once its positions repeat (a fixed point or a cycle)."
    )
    tie_break: Literal["lowest_position", "first_listed"] = Field(
        "lowest_position",
        description="Equally good offers: the lowest destination, or the proposer listed first.",
    )
    forecast: Literal["last_round", "cycle_mean"] = Field(
        "last_round",
        description="The weighted median at the last round, or its mean over a detected cycle.",
    )
    status_quo_probability: float = Field(
        ge=0, le=1, description="Q: the probability that the status quo holds."
    )
    median_term: bool = Field(description="Include -(1-Q)(T U_b + (1-T) U_w) in expected utility.")
    probability: Literal["all_pairs", "contested_pair"] = Field(
        description="Denominator of P: every vote on every pair, or the contested pair's."
    )
    votes: Literal["voter_risk", "linear"] = Field(
        description="Votes on distances raised to each voter's risk exponent, or linear."
    )
    point_of_view: Literal["receiver", "each_side"] = Field(
        description="beta as the receiver estimates it, or as the proposer sees it."
    )
    beta_salience: Literal["receiver", "proposer"] = Field(
        description="Whose salience is the chance of resisting in beta."
    )
    compromise_position: Literal["scaled_step", "weighted_average"] = Field(
        description="Where a compromise moves: x_i + (x_j - x_i)|a|/b, or the weighted average."
    )
    compromise_pick: Literal["lowest_average", "shortest_move"] = Field(
        description="Which compromise is taken: lowest weighted average, or shortest move."
    )
    capitulation: bool = Field(description="Whether capitulation offers are made.")
    zero_tolerance: float = Field(ge=0, description="|alpha|, |beta| below this count as 0.")
    probability_cutoff: float = Field(
        ge=0, description="P = 0 for positions closer than this (0: only equal positions)."
    )
    colocated_offers: bool = Field(description="Actors at the same position make offers.")
    equal_danger_risk: float = Field(
        ge=0, description="Risk exponent of every actor when all are in equal danger."
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        preset = data.get("preset", "scholz")
        if preset not in PRESETS:
            return data  # the field check reports the unknown preset
        given = {key: value for key, value in data.items() if value is not None}
        return {**PRESETS[preset], **given}
