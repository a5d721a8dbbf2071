"""The scenario: what an analyst states about a negotiation.

A :class:`Scenario` holds the issues under negotiation (each a scale with labelled anchor points),
the actors (capability; per issue a position, a salience and optionally an issue-specific
capability; an actor may be absent from an issue), the uncertainty of any input, the named futures
(:class:`Outcome`: structured conditions over the issue results) and named shocks (changes to
inputs). The classes here check the *shape and type* of each record; checks across records
(positions inside their issue's scale, references to known issues and actors, ...) live in
:mod:`flashpoint.scenario.validate`, which reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from flashpoint.scenario.characters import check_id, check_label, check_note
from flashpoint.scenario.errors import UnknownShockError

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
Field_ = Literal["position", "salience", "capability", "no_deal_cost", "red_line"]
MAX_MAGNITUDE = 1e15
"""The largest value (in size) of a number on an issue's scale, a cost or a spread: far beyond
any real scale, and small enough that the models' sums of squares and products stay finite."""


def _number(value: Any) -> Any:
    """Refuse a truth value where a number is needed (``true`` would otherwise be read as 1)."""
    if isinstance(value, bool):
        raise ValueError(
            f"{str(value).lower()} is a truth value, not a number: write the number itself"
        )
    return value


Number = BeforeValidator(_number)
Probability = Annotated[float, Number, Field(ge=0, le=1, allow_inf_nan=False)]
Comparison = Literal[">=", "<=", ">", "<"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class _Labelled(_Record):
    """A record with an ``id`` and a ``label`` shown in reports; the label defaults to the id."""

    @model_validator(mode="after")
    def _default_label(self) -> _Labelled:
        if not self.label:  # type: ignore[attr-defined]
            object.__setattr__(self, "label", self.id)  # type: ignore[attr-defined]
        return self


NonEmpty = Annotated[str, Field(min_length=1)]
Id = Annotated[str, BeforeValidator(check_id), Field(pattern=ID_PATTERN)]
"""The id of an issue, future, shock or scenario: letters, digits, '_' or '-' (they are named in
the conditions of futures)."""
Name = Annotated[str, BeforeValidator(check_id), Field(min_length=1)]
"""The id of an actor, a source or a group of uncertain inputs, and any reference to an id: any
letters, but no whitespace or invisible characters (:func:`~.characters.check_id`)."""
Label = Annotated[str, BeforeValidator(check_label)]
"""A name shown in reports: any printable text."""
Note = Annotated[str, BeforeValidator(check_note)]
"""A description or note: printable text, tabs and line breaks."""
Finite = Annotated[float, Number, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
NonNegative = Annotated[float, Number, Field(ge=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
MAX_CAPABILITY = 1e12
Capability = Annotated[float, Number, Field(ge=0, le=MAX_CAPABILITY, allow_inf_nan=False)]
"""A capability: relative (only ratios between actors matter), so at most 10^12."""


def _listed(value: Any) -> Any:
    """A list of ids, or one text of ids separated by commas (as a table cell holds it)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Ids = Annotated[list[Name], BeforeValidator(_listed)]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
SEED_LIMIT = 2**64
Seed = Annotated[int, Field(ge=0, lt=SEED_LIMIT)]


class Source(_Record):
    """A source the scenario's numbers rest on; the ``*_source`` fields of the records cite it
    by ``id``."""

    id: Annotated[str, BeforeValidator(check_id)] = ""
    citation: Annotated[Label, Field(min_length=1)]
    url: Label = ""


class Issue(_Labelled):
    """One issue under negotiation: a one-dimensional scale from ``min`` to ``max``.

    ``anchors`` label points of the scale in plain words, e.g. ``{0: "no steps",
    100: "complete, verified"}``. ``actual`` is the outcome, once the issue has been decided
    (for backtests: ``flashpoint backtest``).

    ``reversion`` is the outcome if no agreement is reached (the status quo), and ``consent``
    the actors whose agreement an outcome needs (a veto): with both, a model's forecast stands
    only if every consenting actor prefers it to no deal (:mod:`flashpoint.analysis.agreement`).
    """

    id: Id
    label: Label = ""
    description: Note = ""
    min: Finite = 0.0
    max: Finite = 100.0
    anchors: dict[Finite, Annotated[Label, Field(min_length=1)]] = Field(default_factory=dict)
    actual: Finite | None = None
    reversion: Finite | None = None
    reversion_note: Note = ""
    reversion_source: Ids = Field(default_factory=list)
    consent: Ids = Field(default_factory=list)
    consent_note: Note = ""
    consent_source: Ids = Field(default_factory=list)

    def anchor_text(self, value: float) -> str:
        """The label of the anchor nearest to ``value`` ('' when the issue has none)."""
        if not self.anchors:
            return ""
        nearest = min(self.anchors, key=lambda point: (abs(point - value), point))
        return self.anchors[nearest]


class Stance(_Record):
    """An actor's stance on one issue: position, salience, optional issue-specific capability.

    The ``*_note`` fields say why a number is what it is (a quote, a dated fact), and the
    ``*_source`` fields name the scenario's :class:`Source` records it rests on, by id.
    ``no_deal_cost`` is how much worse than the issue's reversion point no agreement is to the
    actor, in points of the issue's scale (0: no deal is just the reversion point).
    ``red_line`` is the outcome beyond which the actor refuses any bargain, whatever it gains
    elsewhere: below it if it lies below the actor's position, above it if above (it binds only
    where the issue needs the actor's consent).
    """

    position: Finite
    salience: NonNegative
    capability: Capability | None = None
    no_deal_cost: NonNegative = 0.0
    red_line: Finite | None = None
    position_note: Note = ""
    position_source: Ids = Field(default_factory=list)
    salience_note: Note = ""
    salience_source: Ids = Field(default_factory=list)
    capability_note: Note = ""
    capability_source: Ids = Field(default_factory=list)
    no_deal_cost_note: Note = ""
    no_deal_cost_source: Ids = Field(default_factory=list)
    red_line_note: Note = ""
    red_line_source: Ids = Field(default_factory=list)


class Actor(_Labelled):
    """A party to the negotiation. ``issues`` maps issue ids to the actor's stance on each;
    ``colour`` (``#rrggbb``) is the actor's colour in every chart of a report (default: the
    report's palette, by the actor's place in the list)."""

    id: Name
    label: Label = ""
    description: Note = ""
    capability: Capability | None = None
    capability_note: Note = ""
    capability_source: Ids = Field(default_factory=list)
    colour: Colour | None = None
    issues: dict[Name, Stance] = Field(default_factory=dict)

    def capability_on(self, issue_id: str) -> float | None:
        """The capability the actor brings to an issue: its issue-specific one, else its own."""
        stance = self.issues.get(issue_id)
        if stance is not None and stance.capability is not None:
            return stance.capability
        return self.capability


class Uncertainty(_Record):
    """How uncertain one input is: a distribution around the stated value.

    ``field`` is ``position``, ``salience``, ``capability``, ``no_deal_cost`` or ``red_line`` of
    ``actor`` (on
    ``issue``; a capability without an issue is the actor's own capability). Parameters by
    distribution:

    - ``uniform``: ``low``, ``high``.
    - ``triangular``: ``low``, ``high``, ``mode`` (default: the stated value).
    - ``normal``: ``sd``, ``mean`` (default: the stated value), truncated to ``low``-``high``
      (default: the bounds of the input, e.g. the issue's scale).
    - ``beta``: ``sd``, ``mean`` (default: the stated value), on ``low``-``high`` (default: the
      bounds of the input; required for a capability).

    Inputs sharing a ``group`` move together: ``correlation`` (-1 to 1, default 1) is the
    correlation of the input with the group's common factor (e.g. one "sincerity" factor moving
    several of an actor's inputs at once).
    """

    actor: Name
    issue: Name | None = None
    field: Field_
    distribution: Literal["uniform", "triangular", "normal", "beta"]
    low: Finite | None = None
    high: Finite | None = None
    mode: Finite | None = None
    mean: Finite | None = None
    sd: Annotated[float, Number, Field(gt=0, le=MAX_MAGNITUDE, allow_inf_nan=False)] | None = None
    group: Name | None = None
    correlation: Annotated[float, Number, Field(ge=-1, le=1)] | None = None
    note: Note = ""
    source: Ids = Field(default_factory=list)

    @model_validator(mode="after")
    def _parameters_fit_distribution(self) -> Uncertainty:
        needed = {
            "uniform": ({"low", "high"}, set()),
            "triangular": ({"low", "high"}, {"mode"}),
            "normal": ({"sd"}, {"mean", "low", "high"}),
            "beta": ({"sd"}, {"mean", "low", "high"}),
        }[self.distribution]
        required, optional = needed
        given = {
            name
            for name in ("low", "high", "mode", "mean", "sd")
            if getattr(self, name) is not None
        }
        missing = sorted(required - given)
        extra = sorted(given - required - optional)
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {_and(missing)}")
        if extra:
            raise ValueError(
                f"a {self.distribution} distribution takes no {_and(extra)}"
                f" (it takes {_and(sorted(required | optional))})"
            )
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.correlation is not None and self.group is None:
            raise ValueError("a correlation needs a group: the factor the input is correlated with")
        return self

    @property
    def target(self) -> tuple[str, str | None, str]:
        return (self.actor, self.issue, self.field)


_CONDITION = re.compile(
    r"^\s*(?P<issue>[A-Za-z][A-Za-z0-9_\-]*)\s*(?P<op>>=|<=|>|<)\s*"
    r"(?P<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$"
)


class Condition(_Record):
    """``issue op value``: the predicted outcome on ``issue`` compared with a threshold.

    Written in files as a short string such as ``"denuclearization >= 70"``; never evaluated as
    code, only matched against ``<issue id> <op> <number>`` with op one of ``>= <= > <``.
    """

    issue: Id
    op: Comparison
    value: Finite

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            if data.strip().lower() == "otherwise":
                raise ValueError(
                    "'otherwise' stands alone: write 'when: otherwise' for the last future,"
                    " not inside all, any or not"
                )
            match = _CONDITION.match(data)
            if match is None:
                raise ValueError(
                    f"cannot read the condition '{data}': write it as '<issue> <op> <number>',"
                    " e.g. 'denuclearization >= 70', with op one of >=, <=, >, <"
                )
            return {"issue": match["issue"], "op": match["op"], "value": float(match["value"])}
        return data

    def __str__(self) -> str:
        return f"{self.issue} {self.op} {self.value:g}"


_AGREEMENT = re.compile(
    r"^\s*(?P<no>no\s+)?agreement(\s+on\s+(?P<issue>[A-Za-z][A-Za-z0-9_\-]*))?\s*$",
    re.IGNORECASE,
)


class Agreement(_Record):
    """``no agreement`` / ``agreement``, or ``no agreement on ISSUE``: whether the bargain
    failed the agreement test (:mod:`flashpoint.analysis.agreement`), which leaves every issue
    with a reversion point at it (or the one issue named). Written in files as that text."""

    agreed: bool
    issue: Id | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _AGREEMENT.match(data)
            if match is None:
                raise ValueError(
                    f"cannot read '{data}': write 'no agreement' or 'no agreement on <issue>'"
                )
            return {"agreed": match["no"] is None, "issue": match["issue"]}
        return data

    def __str__(self) -> str:
        text = "agreement" if self.agreed else "no agreement"
        return f"{text} on {self.issue}" if self.issue else text


class AllOf(_Record):
    all: Annotated[list[Rule], Field(min_length=1)]


class AnyOf(_Record):
    any: Annotated[list[Rule], Field(min_length=1)]


class Not(_Record):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Rule = Field(alias="not")


def _when_kind(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == "otherwise":
        return "<otherwise>"
    return _rule_kind(value)


def _rule_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return f"<{key}>"
        return "<agreement>" if "agreed" in value else "<condition>"
    if isinstance(value, (AllOf, AnyOf, Not, Agreement)):
        return {AllOf: "<all>", AnyOf: "<any>", Not: "<not>", Agreement: "<agreement>"}[type(value)]
    if isinstance(value, str) and _AGREEMENT.match(value):
        return "<agreement>"
    return "<condition>"


Rule = Annotated[
    Annotated[Condition, Tag("<condition>")]
    | Annotated[Agreement, Tag("<agreement>")]
    | Annotated[AllOf, Tag("<all>")]
    | Annotated[AnyOf, Tag("<any>")]
    | Annotated[Not, Tag("<not>")],
    Discriminator(_rule_kind),
]
Otherwise = Literal["otherwise"]
WhenRule = Annotated[
    Annotated[Condition, Tag("<condition>")]
    | Annotated[Agreement, Tag("<agreement>")]
    | Annotated[AllOf, Tag("<all>")]
    | Annotated[AnyOf, Tag("<any>")]
    | Annotated[Not, Tag("<not>")]
    | Annotated[Otherwise, Tag("<otherwise>")],
    Discriminator(_when_kind),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


class Outcome(_Labelled):
    """A named future: a condition over the predicted issue outcomes.

    Futures are tried in the order they are listed; a prediction falls in the first whose
    condition holds. ``when: otherwise`` (allowed once, last) catches every prediction that
    no other future claims, so the futures then cover every possible prediction.
    """

    id: Id
    label: Label = ""
    description: Note = ""
    when: WhenRule

    @field_validator("when", mode="before")
    @classmethod
    def _otherwise(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == "otherwise":
            return "otherwise"
        return value


class Change(_Record):
    """One change to the inputs: set or shift an actor's input, or drop the actor.

    - ``{actor, issue, field: position|salience|no_deal_cost, set: v}`` or ``shift: +/-d``;
    - ``{actor, field: capability, set|shift}`` changes the actor's own capability, with an
      ``issue`` its capability on that issue;
    - ``{actor, drop: true}`` removes the actor; with an ``issue``, from that issue only.

    A shifted value is clipped to the bounds of the input (the issue's scale, 0 to the salience
    scale, capability and cost of no deal 0 or more).
    """

    actor: Name
    issue: Name | None = None
    field: Field_ | None = None
    set: Finite | None = None
    shift: Finite | None = None
    drop: bool = False

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> Change:
        if self.drop:
            if self.field is not None or self.set is not None or self.shift is not None:
                raise ValueError("a change that drops an actor takes no field, set or shift")
            return self
        if self.field is None:
            raise ValueError(
                "say which input changes: field: position, salience, capability, no_deal_cost or"
                " red_line"
            )
        if (self.set is None) == (self.shift is None):
            raise ValueError("give exactly one of set (a new value) or shift (an amount to add)")
        if self.field != "capability" and self.issue is None:
            raise ValueError(f"a change of {self.field} needs an issue")
        return self


class Shock(_Labelled):
    """A named what-if: changes applied together, in order. Shocks compose.

    A shock may say how likely it is: ``probability`` is a value or a range ``[low, high]``
    (``probability_note`` says where it comes from, or why the shock states none;
    ``probability_source`` names its sources).
    A forecast can then mix the scenario as stated and its likely shocks into one scenario tree
    (``flashpoint forecast --tree``).
    """

    id: Id
    label: Label = ""
    description: Note = ""
    probability: tuple[Probability, Probability] | None = None
    probability_note: Note = ""
    probability_source: Ids = Field(default_factory=list)
    changes: Annotated[list[Change], Field(min_length=1)]

    @field_validator("probability", mode="before")
    @classmethod
    def _range(cls, value: Any) -> Any:
        """A probability as a range: one value stands for itself; ``"0.1-0.3"`` (as a table
        cell holds it) is a range."""
        if isinstance(value, str) and "-" in value.strip()[1:]:
            low, _, high = value.strip().partition("-")
            return [low.strip(), high.strip()]
        if isinstance(value, int | float | str):
            return [value, value]
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Shock:
        if self.probability is not None and self.probability[0] > self.probability[1]:
            raise ValueError(
                f"the probability's range runs from {self.probability[0]:g} up to"
                f" {self.probability[1]:g}: write the low end first"
            )
        return self


class Scenario(_Record):
    """A negotiation as an analyst states it. Build it with :func:`flashpoint.load_scenario` or
    :func:`flashpoint.scenario.validate.build_scenario`, which check it as a whole.

    ``seed`` is the seed of a run's random streams when the caller gives none. ``model_options``
    holds, per model name, option values that a run of that model starts from (the caller's
    options override them one by one); they are checked when the model runs, not here.
    ``agreement`` says whether each issue is agreed on its own (``issue``) or all issues as one
    package (``package``), where one refusal reverts every issue. ``horizon`` is the date the
    futures are read by ("by 20 January 2021"), with a note saying why and its sources; a
    forecast ledger entry resolves on it unless told otherwise. ``legislative`` says that the
    decision is a legislative one, like the EU decisions the headline forecast's errors were
    measured on (otherwise the headline says that they are borrowed).
    """

    id: Id = "scenario"
    title: Annotated[Label, Field(min_length=1)]
    description: Note = ""
    as_of: dt.date | None = None
    horizon: dt.date | None = None
    horizon_note: Note = ""
    horizon_source: Ids = Field(default_factory=list)
    legislative: bool = False
    sources: list[Source] = Field(default_factory=list)
    provenance: Note = ""
    salience_scale: Annotated[float, Number, Field(gt=0, le=MAX_MAGNITUDE, allow_inf_nan=False)] = (
        100.0
    )
    seed: Seed | None = None
    agreement: Literal["issue", "package"] = "issue"
    issues: list[Issue] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    uncertainty: list[Uncertainty] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)
    model_options: dict[NonEmpty, dict[NonEmpty, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _horizon_after_the_date(self) -> Scenario:
        if self.horizon is not None and self.as_of is not None and self.horizon <= self.as_of:
            raise ValueError(
                f"the horizon {self.horizon.isoformat()} is not after the date of the"
                f" information ({self.as_of.isoformat()}): futures are read by a later date"
            )
        return self

    @field_validator("seed", mode="before")
    @classmethod
    def _seed_is_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"the seed must be a whole number, not {str(value).lower()}")
        return value

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(f"no issue '{issue_id}' in scenario {self.id}")

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(f"no actor '{actor_id}' in scenario {self.id}")

    def only(self, issue_ids: Iterable[str]) -> Scenario:
        """The scenario cut down to some of its issues: those issues, the actors taking part in
        them (with only those stances) and their uncertainty; no futures or shocks, which may
        name other issues."""
        kept = set(issue_ids)
        actors = [
            actor.model_copy(
                update={"issues": {k: v for k, v in actor.issues.items() if k in kept}}
            )
            for actor in self.actors
            if kept & set(actor.issues)
        ]
        present = {actor.id for actor in actors}
        return self.model_copy(
            update={
                "issues": [issue for issue in self.issues if issue.id in kept],
                "actors": actors,
                "uncertainty": [
                    entry
                    for entry in self.uncertainty
                    if entry.actor in present and (entry.issue is None or entry.issue in kept)
                ],
                "outcomes": [],
                "shocks": [],
            }
        )

    def find_actor(self, name: str) -> int | None:
        """The index of the actor called ``name`` (its id or its label, in any case), or None."""
        wanted = name.strip().casefold()
        return next(
            (
                k
                for k, a in enumerate(self.actors)
                if wanted in (a.id.casefold(), a.label.casefold())
            ),
            None,
        )

    def shock(self, shock_id: str) -> Shock:
        for shock in self.shocks:
            if shock.id == shock_id:
                return shock
        known = ", ".join(s.id for s in self.shocks) or "none"
        raise UnknownShockError(f"no shock '{shock_id}' in scenario {self.id} (shocks: {known})")


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
