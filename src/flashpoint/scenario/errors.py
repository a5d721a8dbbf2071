"""Validation problems that name the place in the user's file.

Every loader records, for each value it reads, where the value came from: a line of a YAML file,
or a sheet, row and column of a table. Validation reports problems against the *logical* path of a
value inside the scenario (``("actors", 3, "issues", "denuclearization", "salience")``) and
:class:`Origin` turns that path back into the place the user can find and fix:

    korea.xlsx, sheet positions, row 7, column salience: 140 is above the salience scale 0-100
"""

from __future__ import annotations

from dataclasses import dataclass, field

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """A place in an input file. Every part is optional; the most precise available is shown."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with the place it was found."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class ScenarioError(ValueError):
    """Raised when an input cannot be turned into a valid scenario; lists every problem found."""

    SHOWN = 50  # problems its message lists; the rest are counted

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the scenario"
        lines = [f"  - {p}" for p in self.problems[: self.SHOWN]]
        if count > self.SHOWN:
            lines.append(f"  ... and {count - self.SHOWN:,} more")
        super().__init__(head + ":\n" + "\n".join(lines))


class UnknownShockError(KeyError):
    """Raised when a shock is asked for by a name the scenario does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def format_path(path: Path_) -> str:
    """Render a logical path the way it is written in a YAML file: ``actors[3].issues.peace``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Origin:
    """Where a scenario's values came from: maps logical paths to places in the source file.

    ``places`` holds the locations recorded by a loader. A problem at a path is reported at the
    recorded location of the longest recorded prefix of that path, so a loader only needs to
    record what it knows (a YAML loader records every node, a table loader every cell).
    """

    file: str | None = None
    places: dict[Path_, Location] = field(default_factory=dict)
    show_path: bool = True

    def record(self, path: Path_, **where: object) -> None:
        self.places[tuple(path)] = Location(file=self.file, **where)  # type: ignore[arg-type]

    def locate(self, path: Path_) -> Location:
        path = tuple(path)
        rendered = format_path(path) if (self.show_path and path) else None
        for cut in range(len(path), -1, -1):
            found = self.places.get(path[:cut])
            if found is not None:
                return Location(
                    file=found.file,
                    sheet=found.sheet,
                    row=found.row,
                    column=found.column,
                    line=found.line,
                    path=rendered,
                )
        return Location(file=self.file, path=rendered)

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.locate(path), message)
