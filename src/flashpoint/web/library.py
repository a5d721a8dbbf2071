"""The scenario library of a web server: the scenarios bundled with flashpoint (read-only) and
the user's own, kept as YAML files in one folder, each by an id that is also its file name.

Nothing here takes a path from a request: ids are checked against :data:`ID`, uploads are read
from a fresh temporary folder under a cleaned name, and only the library's folder is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from flashpoint import (
    WRITE_SUFFIXES,
    Location,
    Problem,
    Scenario,
    ScenarioError,
    __version__,
    bundled_names,
    load_scenario,
    read_outcomes,
    save_scenario,
)

ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".xml")
DOWNLOAD_TYPES = {
    "yaml": "application/yaml",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


class UnknownScenario(LookupError):
    """No scenario of the library has this id."""


class LibraryError(ValueError):
    """A request the library cannot carry out (a bundled scenario cannot be changed, say)."""


class Entry(BaseModel):
    """One scenario of the library, as its list shows it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    description: str
    bundled: bool
    actors: int
    issues: int
    futures: int
    shocks: int
    as_of: str | None
    decided_issues: int  # issues with an actual outcome stated: a backtest can score them
    outcomes_table: bool  # a table of decided outcomes is attached (for backtests)


@lru_cache(maxsize=64)
def _load(source: str, version: tuple[object, ...]) -> Scenario:
    """A scenario (a file, or a bundled scenario's name), loaded once for each ``version`` of
    it: a file's time and size, a bundled scenario's flashpoint version."""
    return load_scenario(source)


def clean_name(filename: str) -> str:
    """An uploaded file's own name, without folders and odd characters (kept in messages)."""
    name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", Path(filename.replace("\\", "/")).name).strip(" .")
    return name[-100:] or "upload"


class Library:
    """The bundled scenarios and those in ``folder`` (made when first written to)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def check_id(self, scenario_id: str) -> str:
        if not ID.match(scenario_id):
            raise UnknownScenario(
                f"'{scenario_id[:80]}' is not a scenario id: ids are lower-case letters, digits,"
                " '-' and '_', starting with a letter"
            )
        return scenario_id

    def is_bundled(self, scenario_id: str) -> bool:
        return scenario_id in bundled_names()

    def _file(self, scenario_id: str) -> Path:
        return self.folder / f"{self.check_id(scenario_id)}.yaml"

    def outcomes_file(self, scenario_id: str) -> Path | None:
        """The table of decided outcomes attached to a scenario, if any."""
        path = self.folder / f"{self.check_id(scenario_id)}.outcomes.csv"
        return path if path.is_file() else None

    def ids(self) -> list[str]:
        own = sorted(
            p.name[: -len(".yaml")] for p in self.folder.glob("*.yaml") if ID.match(p.stem)
        )
        return bundled_names() + [i for i in own if i not in bundled_names()]

    def load(self, scenario_id: str) -> Scenario:
        """The scenario of an id. Raises UnknownScenario, or ScenarioError if the user's file
        has been broken by hand."""
        if self.is_bundled(scenario_id):
            return _load(scenario_id, (__version__,))
        path = self._file(scenario_id)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise UnknownScenario(f"there is no scenario '{scenario_id}' in the library") from None
        return _load(str(path), (stat.st_mtime_ns, stat.st_size))

    def entries(self) -> tuple[list[Entry], list[Problem]]:
        """Every scenario of the library, bundled first; and the problems of files in the
        folder that do not load (each is listed, not hidden)."""
        entries, problems = [], []
        for scenario_id in self.ids():
            try:
                scenario = self.load(scenario_id)
            except ScenarioError as error:
                problems.extend(error.problems)
                continue
            entries.append(self.entry(scenario_id, scenario))
        return entries, problems

    def entry(self, scenario_id: str, scenario: Scenario) -> Entry:
        return Entry(
            id=scenario_id,
            title=scenario.title,
            description=scenario.description,
            bundled=self.is_bundled(scenario_id),
            actors=len(scenario.actors),
            issues=len(scenario.issues),
            futures=len(scenario.outcomes),
            shocks=len(scenario.shocks),
            as_of=scenario.as_of.isoformat() if scenario.as_of else None,
            decided_issues=sum(issue.actual is not None for issue in scenario.issues),
            outcomes_table=self.outcomes_file(scenario_id) is not None,
        )

    def free_id(self, wanted: str) -> str:
        """``wanted`` made into an id that no scenario of the library has yet."""
        base = re.sub(r"[^a-z0-9_-]+", "-", wanted.lower()).strip("-_")[:56] or "scenario"
        if not base[0].isalpha():
            base = f"s-{base}"
        taken = set(self.ids())
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    def save(self, scenario_id: str, scenario: Scenario) -> str:
        """Write ``scenario`` as the user's scenario ``scenario_id`` (replacing it)."""
        if self.is_bundled(scenario_id):
            raise LibraryError(
                f"'{scenario_id}' is bundled with flashpoint and cannot be changed: save your"
                " version under another name"
            )
        path = self._file(scenario_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        # the scenario's own id is its library id, so that runs name it by what the user sees
        save_scenario(scenario.model_copy(update={"id": scenario_id}), partial, format="yaml")
        os.replace(partial, path)  # a reader never sees half a file
        return scenario_id

    def delete(self, scenario_id: str) -> None:
        if self.is_bundled(scenario_id):
            raise LibraryError(f"'{scenario_id}' is bundled with flashpoint and cannot be deleted")
        path = self._file(scenario_id)
        if not path.is_file():
            raise UnknownScenario(f"there is no scenario '{scenario_id}' in the library")
        path.unlink()
        outcomes = self.outcomes_file(scenario_id)
        if outcomes is not None:
            outcomes.unlink()

    def import_file(
        self, filename: str, content: bytes, format: str | None = None, name: str | None = None
    ) -> tuple[str, Scenario]:
        """Load an uploaded file (any format flashpoint reads) and keep it in the library as
        YAML under a new id made from ``name`` or the file's name. Raises ScenarioError naming
        the file (its own name), row and column of every problem."""
        shown = clean_name(filename)
        if not shown.lower().endswith(UPLOAD_SUFFIXES):
            raise ScenarioError(
                [
                    Problem(
                        Location(file=shown),
                        "flashpoint reads .yaml, .yml, .json, .xlsx, .csv, .tsv, .txt (KTAB and"
                        " Decide tables) and .xml (KTAB) files",
                    )
                ]
            )
        with tempfile.TemporaryDirectory(prefix="flashpoint-upload-") as folder:
            path = Path(folder) / shown
            path.write_bytes(content)
            scenario = load_scenario(path, format=format)
        scenario_id = self.free_id(name or Path(shown).stem)
        self.save(scenario_id, scenario)
        return scenario_id, scenario

    def attach_outcomes(self, scenario_id: str, filename: str, content: bytes) -> int:
        """Keep an uploaded table of decided outcomes with a scenario (for its backtests), after
        checking it; returns how many issues it decides."""
        scenario = self.load(scenario_id)
        if self.is_bundled(scenario_id):
            raise LibraryError(
                "outcome tables go with your own scenarios: upload the scenario first"
            )
        shown = clean_name(filename)
        with tempfile.TemporaryDirectory(prefix="flashpoint-upload-") as folder:
            path = Path(folder) / shown
            path.write_bytes(content)
            known = read_outcomes(path)
        ids = {issue.id for issue in scenario.issues}
        if not ids & set(known):
            raise ScenarioError(
                [Problem(Location(file=shown), "the table decides none of the scenario's issues")]
            )
        target = self.folder / f"{scenario_id}.outcomes.csv"
        target.write_bytes(content)
        return len(ids & set(known))

    def download(self, scenario_id: str, format: str) -> tuple[bytes, str, str]:
        """A scenario written in ``format``: its bytes, file name and media type."""
        if format not in DOWNLOAD_TYPES:
            raise LibraryError(f"unknown format '{format}' (formats: {', '.join(DOWNLOAD_TYPES)})")
        scenario = self.load(scenario_id)
        suffix = next(s for s, f in WRITE_SUFFIXES.items() if f == format)
        with tempfile.TemporaryDirectory(prefix="flashpoint-download-") as folder:
            path = save_scenario(scenario, Path(folder) / f"{scenario_id}{suffix}", format=format)
            return path.read_bytes(), path.name, DOWNLOAD_TYPES[format]
