"""What a sensitivity analysis returns: the inputs it studied, its rows (tornado bars, indices or
factorial cells) and :class:`Sensitivity`, which turns into the JSON document."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from flashpoint.analysis.prepare import document_head
from flashpoint.analysis.request import SensitivityRequest
from flashpoint.analysis.targets import Target
from flashpoint.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.sensitivity/1"


@dataclass(frozen=True)
class Input:
    """An uncertain input, named for people: the actor, issue and field it is, its stated
    value and its range."""

    name: str
    actor: str
    issue: str | None
    field: str
    stated: float
    low: float
    high: float


@dataclass(frozen=True)
class InputGroup:
    """The inputs of a correlation group, studied together (Morris, Sobol)."""

    name: str
    group: str
    inputs: tuple[Input, ...]


@dataclass(frozen=True)
class TornadoBar:
    """The target with one input at the low and at the high end of its range."""

    input: Input
    at_low: float
    at_high: float

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class Index:
    """An input's or a group's sensitivity indices: Morris ``mu_star`` (with its 95% bootstrap
    interval's half-width), ``mu`` and ``sigma`` (None where SALib leaves it undefined: for a
    group with several sources); or Sobol ``S1`` and ``ST`` with their half-widths."""

    input: Input | InputGroup
    values: dict[str, float | None]


@dataclass(frozen=True)
class Cell:
    """One combination of model options and the target under it."""

    levels: dict[str, Any]
    value: float


@dataclass(frozen=True)
class Findings:
    """What a method found: the target at the baseline, its rows, and for the factorial each
    level's main effect; ``samples`` is the Morris trajectories or Sobol base samples used."""

    baseline: float
    rows: list[Any]
    main_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    samples: int = 0


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """A sensitivity analysis' result; ``rows`` holds :class:`TornadoBar` (sorted by swing),
    :class:`Index` (sorted by ``mu_star`` or ``ST``) or :class:`Cell` by method."""

    request: SensitivityRequest
    scenario: Scenario
    source: str
    target: Target
    baseline: float
    draws: int
    samples: int
    options: dict[str, dict[str, Any]]
    rows: list[Any]
    main_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def seed(self) -> int:
        return self.request.seed  # type: ignore[return-value]  (filled in)

    @property
    def models(self) -> list[str]:
        return list(self.options)

    @property
    def ranking(self) -> list[str]:
        """The inputs (or cells) from the most to the least influential."""
        if self.method == "factorial":
            return [", ".join(f"{k}={v}" for k, v in row.levels.items()) for row in self.rows]
        return [row.input.name for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON (``docs/json-output.md``, the sensitivity document)."""
        return {
            **document_head(SCHEMA, self.scenario, self.source, self.request),
            "method": self.method,
            "target": {"text": self.target.text, "label": self.target.label},
            "baseline": self.baseline,
            "seed": self.seed,
            "draws": self.draws,
            "samples": self.samples,
            "models": {name: {"options": options} for name, options in self.options.items()},
            "rows": [self._row(row) for row in self.rows],
            "main_effects": self.main_effects,
            "timings": dict(self.timings),
        }

    def to_frame(self) -> pandas.DataFrame:
        """One row per input (tornado, morris, sobol) or per cell (factorial)."""
        import pandas

        return pandas.DataFrame([self._row(row) for row in self.rows])

    def _row(self, row: Any) -> dict[str, Any]:
        if isinstance(row, TornadoBar):
            return {
                **asdict(row.input),
                "at_low": row.at_low,
                "at_high": row.at_high,
                "swing": row.swing,
            }
        if isinstance(row, Index) and isinstance(row.input, InputGroup):
            return {
                "name": row.input.name,
                "group": row.input.group,
                "inputs": [member.name for member in row.input.inputs],
                **row.values,
            }
        if isinstance(row, Index):
            return {**asdict(row.input), **row.values}
        return {**row.levels, "value": row.value}

    def __repr__(self) -> str:
        lines = [f"Sensitivity ({self.method}) of {self.target.label} in '{self.scenario.title}'"]
        for row in self.rows[:10]:
            if isinstance(row, TornadoBar):
                lines.append(f"  {row.input.name}: {row.at_low:.3g} to {row.at_high:.3g}")
            elif isinstance(row, Index):
                shown = ", ".join(f"{k} {v:.3g}" for k, v in row.values.items() if v is not None)
                lines.append(f"  {row.input.name}: {shown}")
            else:
                lines.append(f"  {self._row(row)}")
        return "\n".join(lines)
