"""The scenario library of a web server: the scenarios bundled with flashpoint (read-only) and
the user's own, kept as YAML files in one folder, each by an id that is also its file name.

Nothing here takes a path from a request: ids are checked against :data:`ID`, uploads are read
from a fresh temporary folder under a cleaned name, and only the library's folder is written.

A scenario is kept only if the library can read it back: it is written as YAML, read again as
any page will read it (:func:`flashpoint.load_scenario`, with the same limits as the command
line) and refused, before it replaces anything, if that fails or if the loader estimates the
file would take long to read (:func:`flashpoint.on_slow_read`: over a few seconds), since the
server reads it again each time it starts and a page or a run needs it. Each file is read once
for each version of it (its time and size): its summary in the list, or why it does not load,
is kept for every file, the scenario itself for the last :data:`KEPT_SCENARIOS` read, so that
no page reads a large or broken file again and again.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections import OrderedDict
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
    on_slow_read,
    read_outcomes,
    save_scenario,
)
from flashpoint.web.errors import visible

# an id, matched whole (fullmatch): "korea-2018\n" is not one, nor a look-alike of one
ID = re.compile(r"[a-z][a-z0-9_-]{0,63}")
KEPT_SCENARIOS = 64
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


def clean_name(filename: str) -> str:
    """An uploaded file's own name, without folders and odd characters (kept in messages)."""
    name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", Path(filename.replace("\\", "/")).name).strip(" .")
    return name[-100:] or "upload"


Version = tuple[object, ...]  # a file's time and size, or a bundled scenario's flashpoint version


class Library:
    """The bundled scenarios and those in ``folder`` (made when first written to)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()  # the two records below; pages read them in threads
        self._loaded: OrderedDict[str, tuple[Version, Scenario]] = OrderedDict()
        self._listed: dict[str, tuple[Version, Entry | ScenarioError]] = {}

    def check_id(self, scenario_id: str) -> str:
        if not ID.fullmatch(scenario_id):
            raise UnknownScenario(
                f"'{visible(scenario_id)}' is not a scenario id: ids are lower-case letters, digits,"
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
            p.name[: -len(".yaml")] for p in self.folder.glob("*.yaml") if ID.fullmatch(p.stem)
        )
        return bundled_names() + [i for i in own if i not in bundled_names()]

    def _source(self, scenario_id: str) -> tuple[str, Version]:
        """What to load for an id (a bundled name or the user's file) and its version."""
        if self.is_bundled(scenario_id):
            return scenario_id, (__version__,)
        path = self._file(scenario_id)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise UnknownScenario(f"there is no scenario '{scenario_id}' in the library") from None
        return str(path), (stat.st_mtime_ns, stat.st_size)

    def load(self, scenario_id: str) -> Scenario:
        """The scenario of an id, read once for each version of its file. Raises
        UnknownScenario, or ScenarioError if the user's file has been broken by hand."""
        source, version = self._source(scenario_id)
        with self._lock:
            kept, _ = self._loaded.get(scenario_id, (None, None))
            if kept == version:
                self._loaded.move_to_end(scenario_id)
                return self._loaded[scenario_id][1]
            listed, summary = self._listed.get(scenario_id, (None, None))
        if listed == version and isinstance(summary, ScenarioError):
            raise ScenarioError(summary.problems)
        try:
            scenario = load_scenario(source)
        except ScenarioError as error:
            self._remember(scenario_id, version, error)
            raise
        self._remember(scenario_id, version, scenario)
        return scenario

    def _remember(
        self, scenario_id: str, version: Version, found: Scenario | ScenarioError
    ) -> None:
        """Keep what a version of a scenario's file read as: the scenario and its summary, or
        why it does not load."""
        summary = found if isinstance(found, ScenarioError) else self.entry(scenario_id, found)
        with self._lock:
            self._listed[scenario_id] = (version, summary)
            self._loaded.pop(scenario_id, None)
            if isinstance(found, Scenario):
                self._loaded[scenario_id] = (version, found)
                while len(self._loaded) > KEPT_SCENARIOS:
                    self._loaded.popitem(last=False)

    def _forget(self, scenario_id: str) -> None:
        with self._lock:
            self._listed.pop(scenario_id, None)
            self._loaded.pop(scenario_id, None)

    def entries(self) -> tuple[list[Entry], list[Problem]]:
        """Every scenario of the library, bundled first; and the problems of files in the
        folder that do not load (each is listed, not hidden). A file is read only if it
        changed since it was last read."""
        entries, problems = [], []
        for scenario_id in self.ids():
            try:
                entries.append(self._summary(scenario_id))
            except ScenarioError as error:
                problems.extend(error.problems)
        return entries, problems

    def _summary(self, scenario_id: str) -> Entry:
        """A scenario's entry in the list, read from its file only if it changed."""
        _, version = self._source(scenario_id)
        with self._lock:
            listed, summary = self._listed.get(scenario_id, (None, None))
        if listed != version:
            self.load(scenario_id)  # and remember its summary (or raise why it does not load)
            with self._lock:
                _, summary = self._listed[scenario_id]
        if isinstance(summary, ScenarioError):
            raise ScenarioError(summary.problems)
        attached = self.outcomes_file(scenario_id) is not None
        return summary.model_copy(update={"outcomes_table": attached})

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
        """Write ``scenario`` as the user's scenario ``scenario_id`` (replacing it), once it
        reads back (:func:`write_and_read_back`); else raise ScenarioError and keep nothing."""
        if self.is_bundled(scenario_id):
            raise LibraryError(
                f"'{scenario_id}' is bundled with flashpoint and cannot be changed: save your"
                " version under another name"
            )
        path = self._file(scenario_id)
        staging = self.folder / ".saving"  # beside the files, so that the move is one step
        staging.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=staging) as folder:
            written = Path(folder) / path.name
            # the scenario's own id is its library id, so that runs name it by what the user sees
            kept = write_and_read_back(scenario.model_copy(update={"id": scenario_id}), written)
            os.replace(written, path)  # a reader never sees half a file
        stat = path.stat()
        self._remember(scenario_id, (stat.st_mtime_ns, stat.st_size), kept)
        return scenario_id

    def delete(self, scenario_id: str) -> None:
        if self.is_bundled(scenario_id):
            raise LibraryError(f"'{scenario_id}' is bundled with flashpoint and cannot be deleted")
        path = self._file(scenario_id)
        if not path.is_file():
            raise UnknownScenario(f"there is no scenario '{scenario_id}' in the library")
        path.unlink()
        self._forget(scenario_id)
        outcomes = self.outcomes_file(scenario_id)
        if outcomes is not None:
            outcomes.unlink()

    def import_file(
        self, filename: str, content: bytes, format: str | None = None, name: str | None = None
    ) -> tuple[str, Scenario]:
        """Load an uploaded file (any format flashpoint reads) and keep it in the library as
        YAML under a new id made from ``name`` or the file's name. Raises ScenarioError naming
        the file (its own name), row and column of every problem, or why the library cannot
        keep it (:meth:`save`): then nothing is kept."""
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


def write_and_read_back(scenario: Scenario, path: Path) -> Scenario:
    """Write ``scenario`` as YAML to ``path`` and read it back as every page reads it. Raises
    ScenarioError, each problem saying why the library cannot keep it, if either fails or if
    the loader estimates the file takes long to read (:func:`flashpoint.on_slow_read`, the only
    notice reading a YAML file gives)."""
    reader = threading.get_ident()

    def too_slow(notice: str) -> None:
        if threading.get_ident() == reader:  # not another thread's read
            raise ScenarioError(
                [
                    Problem(
                        Location(),
                        "the scenario is too large for the web app's library, which keeps it as"
                        " a YAML file and reads it again each time the server starts or a page"
                        f" needs it: {notice} Use the file from the command line instead"
                        " (flashpoint forecast FILE), or split it",
                    )
                ]
            )

    try:
        save_scenario(scenario, path, format="yaml")
        with on_slow_read(too_slow):
            return load_scenario(path)
    except ScenarioError as error:
        raise ScenarioError([_cannot_keep(problem) for problem in error.problems]) from None


def _cannot_keep(problem: Problem) -> Problem:
    """A problem of writing or reading the library's YAML file, said as why the scenario cannot
    be kept (the file is the library's, not the user's: its name is left out)."""
    if not problem.location.file:
        return problem
    return Problem(
        Location(),
        "the web app's library keeps each scenario as a YAML file, and could not keep this one:"
        f" {problem.message}",
    )
