"""The run store: every run recorded with the full scenario it ran on, its hash, its request
(models, options, seed), flashpoint's version, its timing and status, and its result's JSON
document, so that a run can be listed, shown, compared with another, exported and run again.

A damaged record (a result that was cut short, a scenario that is not JSON or no longer matches
the hash recorded for it, a text column holding a number, ...) never hides the others: it is
read as far as it can be, its ``damage`` naming each part that is wrong, listed and shown as
damaged, and refused (:class:`DamagedRun`) where its record would be used.

A run is written in one transaction once it has finished (or failed): a process killed while
running or writing leaves no partial run, and every earlier run stays as it was
(:mod:`flashpoint.store.database`). The result document is kept compressed (zlib).
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from flashpoint._version import __version__
from flashpoint.analysis.montecarlo import STREAMED_ABOVE
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import AnyRequest, read_request
from flashpoint.analysis.runner import Result, run
from flashpoint.scenario.load import load_scenario
from flashpoint.scenario.schema import Scenario
from flashpoint.store.database import StoreError, connect, default_path, records, stored_as
from flashpoint.store.hashing import canonical, digest
from flashpoint.store.machine import this_machine


def now() -> str:
    """The time, in UTC, as ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class RunSummary:
    """A kept run's line in a list (``flashpoint runs list --json``, the web app's history)."""

    id: int
    created: str
    kind: str
    status: str
    title: str
    source: str
    seed: int | None
    models: list[str]
    draws: int | None
    samples: int | None  # a sensitivity analysis by Morris or Sobol: its samples (not draws)
    shocks: list[dict[str, str]]  # the shocks it applied or compared (:func:`shocks_named`)
    seconds: float
    scenario_hash: str
    error: str | None
    damage: tuple[str, ...] = ()  # how its record is damaged (empty: it is not)


@dataclass(frozen=True)
class StoredRun:
    """A run as the store keeps it. ``scenario`` is the whole scenario it ran on (before any
    shocks), ``request`` its request as JSON, ``result`` its result's JSON document (None for
    a failed run, whose ``error`` says why). ``damage`` says, part by part, how its record is
    damaged (empty: it is not); a damaged part is read as empty (``{}``, ``[]``, ``""``, None,
    NaN seconds)."""

    id: int
    created: str
    kind: str
    status: str
    title: str
    source: str
    scenario: dict[str, Any]
    scenario_hash: str
    request: dict[str, Any]
    seed: int | None
    models: list[str]
    version: str
    seconds: float
    result: dict[str, Any] | None
    error: str | None
    machine: dict[str, Any] | None = None  # None: recorded before machines were (schema 3)
    damage: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The run as one JSON document (``flashpoint runs export``)."""
        return {
            "schema": "flashpoint.stored-run/1",
            "id": self.id,
            "created": self.created,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            "source": self.source,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "models": self.models,
            "flashpoint_version": self.version,
            "seconds": self.seconds,
            "error": self.error,
            "machine": self.machine,
            "request": self.request,
            "scenario": self.scenario,
            "result": self.result,
        }

    def summary(self) -> RunSummary:
        """The run's line in a list."""
        asked = self.request
        return RunSummary(
            **{
                name.name: getattr(self, name.name)
                for name in fields(RunSummary)
                if name.name not in ("draws", "samples", "shocks")
            },
            draws=asked.get("draws"),
            samples=asked.get("samples") if asked.get("method") in ("morris", "sobol") else None,
            shocks=self.shocks(),
        )

    def shocks(self) -> list[dict[str, str]]:
        """The shocks the run applied (a forecast) or compared (a comparison), named by its
        scenario (:func:`shocks_named`)."""
        stated = self.scenario.get("shocks")
        return shocks_named(self.kind, self.request.get("shocks"), stated)

    def rerun_request(self) -> AnyRequest:
        """The request that runs this run again: its own, on the scenario the store kept (a
        backtest reads its files again). A StoreError if this flashpoint cannot read them."""
        stated = self.request
        if stated.get("kind") != "backtest":
            stated = {**stated, "scenario": _readable(self.scenario)}
        try:
            return read_request(stated)
        except ValidationError as error:
            first = error.errors()[0]
            place = ".".join(str(part) for part in first["loc"])
            raise StoreError(
                f"run {self.id} cannot be run again: its request and scenario do not pass this"
                f" flashpoint's checks ({error.error_count()} problem(s); the first, at"
                f" {place}: {first['msg']})"
            ) from None


def shocks_named(kind: str, shocks: Any, stated: Any) -> list[dict[str, str]]:
    """The shocks a run applied or compared, each ``{"id": ..., "label": ...}`` (the label its
    scenario gives it, else its id), from the JSON of a request's ``shocks`` and of its
    scenario's (``stated``): a forecast's in the order applied; a comparison's each list
    applied together as one (ids joined by ``+``, labels by `` + ``), or, where the request
    lists none, each of the scenario's shocks alone; none for any other kind (or where the
    record holds no list)."""
    labels = {
        shock["id"]: str(shock.get("label") or shock["id"])
        for shock in (stated if isinstance(stated, list) else [])
        if isinstance(shock, dict) and isinstance(shock.get("id"), str)
    }

    def named(shock: Any) -> tuple[str, str]:
        if isinstance(shock, dict):  # a shock given whole in the request
            given = str(shock.get("id") or "")
            return given, str(shock.get("label") or given)
        return str(shock), labels.get(str(shock), str(shock))

    if kind == "forecast":
        lists = [[shock] for shock in shocks] if isinstance(shocks, list) else []
    elif kind == "compare" and shocks is None:
        lists = [[shock] for shock in labels]
    elif kind == "compare" and isinstance(shocks, list):
        lists = [listed if isinstance(listed, list) else [listed] for listed in shocks]
    else:
        return []
    found = []
    for listed in lists:
        pairs = [named(shock) for shock in listed]
        found.append(
            {
                "id": "+".join(id_ for id_, _ in pairs),
                "label": " + ".join(label for _, label in pairs),
            }
        )
    return found


class DamagedRun(StoreError):
    """A run whose record is damaged was asked for where its record would be used (exported,
    compared, run again, put on record): the message names the run and each damaged part."""

    consequence = (
        "A damaged run is not exported, compared, run again or put on record; the store's other"
        " runs are not affected"
    )

    def __init__(self, run: StoredRun, path: Path) -> None:
        super().__init__(
            f"run {run.id} in the store {path} is damaged: {'; '.join(run.damage)}."
            f" {self.consequence} (flashpoint runs show {run.id} shows what is left of it)"
        )


_COLUMNS = ", ".join(  # the runs table's columns
    column.name for column in fields(StoredRun) if column.name != "damage"
)


class RunStore:
    """The runs of one store file (default: :func:`~flashpoint.store.database.default_path`).
    Use it as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._db: sqlite3.Connection = connect(self.path)

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def record(self, result: Result, seconds: float, keep_traces: bool = False) -> int:
        """Keep a finished run; returns its id. With ``keep_traces``, its per-draw forecasts
        are kept too (:meth:`traces`), compressed."""
        request = result.request
        scenario = _scenario_of(request)
        document = result.to_dict()
        traces = _traces_of(result) if keep_traces else None
        return self._insert(
            traces=traces,
            kind=request.kind,
            status="done",
            title=scenario.title,
            source=document["scenario"]["source"],
            scenario=_as_json(scenario),
            request=_as_json(request),
            seed=request.seed,
            models=list(request.models or ()),
            seconds=seconds,
            result=zlib.compress(canonical(document).encode("utf-8"), 6),
            error=None,
        )

    def record_failure(
        self, request: AnyRequest, error: str, seconds: float, status: str = "failed"
    ) -> int:
        """Keep a run that did not finish (its request, and why; ``status`` ``cancelled`` for
        one its user stopped); returns its id."""
        try:
            scenario = _scenario_of(request)
            stated, title = _as_json(scenario), scenario.title
        except Exception:  # the scenario itself may be what failed
            stated, title = {}, str(request.scenario if isinstance(request.scenario, str) else "")
        return self._insert(
            kind=request.kind,
            status=status,
            title=title,
            source=request.scenario if isinstance(request.scenario, str) else title,
            scenario=stated,
            request=_as_json(request),
            seed=request.seed,
            models=list(request.models or ()),
            seconds=seconds,
            result=None,
            error=error,
        )

    def _insert(
        self,
        *,
        scenario: dict[str, Any],
        request: dict[str, Any],
        models: list[str],
        traces: bytes | None = None,
        **values: Any,
    ) -> int:
        """Write a run (and its traces) in one transaction."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                run_id = int(self._write(scenario, request, models, values).lastrowid)
                if traces is not None:
                    self._db.execute(
                        "INSERT INTO traces (run, data) VALUES (?, ?)", (run_id, traces)
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(f"cannot record the run in {self.path}: {error}") from None
        return run_id

    def traces(self, run_id: int) -> dict[str, np.ndarray]:
        """A run's kept per-draw forecasts ``[draw, issue]``, by model (a comparison's by
        ``VARIANT/MODEL``); KeyError if the run kept none."""
        row = self._db.execute("SELECT data FROM traces WHERE run = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(
                f"run {run_id} kept no traces (run it with --keep-traces; a forecast of more"
                f" than {STREAMED_ABOVE:,} draws keeps none)"
            )
        try:
            with np.load(io.BytesIO(row[0]), allow_pickle=False) as found:
                return {name: found[name] for name in found.files}
        except Exception as error:  # whatever numpy and zipfile make of damaged bytes
            raise StoreError(
                f"the traces kept with run {run_id} in the store {self.path} are damaged and"
                f" cannot be read ({type(error).__name__}: {error}); the run itself is not"
                " affected"
            ) from None

    def _write(
        self,
        scenario: dict[str, Any],
        request: dict[str, Any],
        models: list[str],
        values: dict[str, Any],
    ) -> sqlite3.Cursor:
        return self._db.execute(
            "INSERT INTO runs (created, kind, status, title, source, scenario, scenario_hash,"
            " request, seed, models, version, seconds, result, error, machine)"
            " VALUES (:created, :kind, :status, :title, :source, :scenario, :scenario_hash,"
            " :request, :seed, :models, :version, :seconds, :result, :error, :machine)",
            {
                **values,
                # SQLite's integers are signed 64-bit: a seed from 2**63 on is kept only in the
                # request (JSON holds it exactly), where _stored reads every seed from
                "seed": values["seed"]
                if values["seed"] is None or values["seed"] < 2**63
                else None,
                "created": now(),
                "scenario": canonical(scenario),
                "scenario_hash": digest(scenario),
                "request": canonical(request),
                "models": canonical(models),
                "version": __version__,
                "machine": canonical(this_machine()),
            },
        )

    def runs(self, limit: int | None = None) -> list[StoredRun]:
        """The stored runs, newest first (their results are read too); a damaged one as far as
        it can be read, its ``damage`` saying how."""
        query = f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return [_stored(row) for row in records(self._db.execute(query))]

    def newest(self, kind: str | None = None, status: str | None = None) -> Iterator[StoredRun]:
        """The stored runs, newest first, each read when it is asked for (a search that stops
        after a few reads no more); only those of ``kind`` and of ``status`` when given. A
        damaged one is read as far as it can be, as :meth:`runs` reads it."""
        where = [
            (f"{column} = ?", value)
            for column, value in (("kind", kind), ("status", status))
            if value is not None
        ]
        query = f"SELECT {_COLUMNS} FROM runs"
        if where:
            query += " WHERE " + " AND ".join(condition for condition, _ in where)
        cursor = self._db.execute(query + " ORDER BY id DESC", [value for _, value in where])
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield _stored(dict(zip(names, row, strict=True)))

    def __iter__(self) -> Iterator[StoredRun]:
        return iter(self.runs())

    def get(self, run_id: int, damaged: bool = False) -> StoredRun:
        """The run ``run_id``; KeyError if the store has none. A damaged run is refused
        (:class:`DamagedRun`), or with ``damaged`` read as far as it can be."""
        found = records(self._db.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)))
        if not found:
            raise KeyError(f"no run {run_id} in the store {self.path}")
        run = _stored(found[0])
        if run.damage and not damaged:
            raise DamagedRun(run, self.path)
        return run

    def delete(self, run_id: int) -> None:
        """Remove run ``run_id`` (KeyError if there is none). A run the forecast ledger cites
        cannot be deleted: the ledger keeps its own copy, but the link is its provenance."""
        self.get(run_id, damaged=True)
        cited = self._db.execute("SELECT id FROM ledger WHERE run = ?", (run_id,)).fetchone()
        if cited is not None:
            raise StoreError(
                f"run {run_id} is cited by ledger entry {cited[0]}; a ledger entry is never"
                " removed, so neither is its run"
            )
        self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def rerun(self, run_id: int, progress: Progress | None = None) -> Result:
        """Run the stored run ``run_id`` again: the same request on the same scenario, so the
        same numbers (the result is not stored; :meth:`record` it to keep it). A damaged run,
        say one whose scenario no longer matches its hash, is refused (:class:`DamagedRun`)."""
        stored = self.get(run_id)
        return run(stored.rerun_request(), progress)

    def run(
        self, request: AnyRequest, progress: Progress | None = None, keep_traces: bool = False
    ) -> tuple[Result, int]:
        """Run ``request`` and record it (as failed if it raises, then re-raise; with its
        per-draw forecasts if ``keep_traces``); returns the result and its run id."""
        started = time.perf_counter()
        try:
            result = run(request, progress)
        except BaseException as error:
            try:
                why, status = stopped_by(error)
                self.record_failure(request, why, time.perf_counter() - started, status)
            except StoreError:
                pass  # the run's own error is the one to report
            raise
        return result, self.record(result, time.perf_counter() - started, keep_traces)


def stopped_by(error: BaseException) -> tuple[str, str]:
    """What a run that raised ``error`` is recorded with: why, and its status (``cancelled``
    if its user stopped it with Ctrl-C, else ``failed``)."""
    if isinstance(error, KeyboardInterrupt):
        return "stopped by its user (Ctrl-C)", "cancelled"
    return f"{type(error).__name__}: {error}", "failed"


def _traces_of(result: Result) -> bytes | None:
    """A result's per-draw forecasts as one compressed ``.npz`` (None if it has none)."""
    found = getattr(result, "traces", None)
    if not found:
        return None
    arrays = {}
    for name, value in found.items():
        if isinstance(value, dict):  # a comparison: per variant, per model
            arrays |= {f"{name}/{model}": array for model, array in value.items()}
        else:
            arrays[name] = value
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _scenario_of(request: AnyRequest) -> Scenario:
    return load_scenario(request.scenario)


def _as_json(model: BaseModel) -> dict[str, Any]:
    """A scenario or request as the store keeps it: JSON, each field under the name a file
    gives it (a future's ``not`` rule, whose field is ``not_``), so that it reads back."""
    return model.model_dump(mode="json", by_alias=True)


def _readable(scenario: dict[str, Any]) -> dict[str, Any]:
    """A stored scenario as the schema reads it: a run recorded before :func:`_as_json` wrote
    each ``not`` rule of its futures' conditions under the field's name, ``not_``."""
    outcomes = scenario.get("outcomes")
    if not isinstance(outcomes, list):
        return scenario
    return {
        **scenario,
        "outcomes": [
            {**outcome, "when": _readable_rule(outcome["when"])}
            if isinstance(outcome, dict) and "when" in outcome
            else outcome
            for outcome in outcomes
        ],
    }


def _readable_rule(rule: Any) -> Any:
    """A future's condition with each ``not_`` rule written ``not``, however deep."""
    if isinstance(rule, dict) and len(rule) == 1:
        ((key, value),) = rule.items()
        if key in ("not", "not_"):
            return {"not": _readable_rule(value)}
        if key in ("all", "any") and isinstance(value, list):
            return {key: [_readable_rule(part) for part in value]}
    return rule


_TEXTS = {
    "created": "the time it was recorded",
    "kind": "its kind",
    "status": "its status",
    "title": "its title",
    "source": "the name of its scenario",
    "scenario_hash": "its scenario's hash",
    "version": "the version of flashpoint that ran it",
}
"""The runs table's text columns, in words."""
_JSON = {
    "scenario": ("its scenario", dict),
    "request": ("its request", dict),
    "models": ("its list of models", list),
    "machine": ("the description of its machine", dict),
}
"""The runs table's JSON columns, in words, with the JSON each holds."""


def _stored(row: dict[str, Any]) -> StoredRun:
    """A run from its row: the JSON columns read, the result unpacked, the scenario checked
    against its hash; every part that cannot be read is named in ``damage`` and read as
    empty, so that a damaged run is read as far as it can be."""
    damage: list[str] = []
    texts = {name: _text(row[name], words, damage) for name, words in _TEXTS.items()}
    read = {
        name: _json(row[name], words, kind, damage, optional=name == "machine")
        for name, (words, kind) in _JSON.items()
    }
    recorded = texts["scenario_hash"]
    if read["scenario"] is not None and recorded and digest(read["scenario"]) != recorded:
        damage.append(
            "its scenario no longer matches the hash recorded for it (it was changed after the"
            " run was recorded)"
        )
    request = read["request"] or {}
    return StoredRun(
        **{
            **row,
            **texts,
            "scenario": read["scenario"] or {},
            "request": request,
            "seed": request.get("seed", row["seed"]),
            "models": read["models"] or [],
            "machine": read["machine"],
            "seconds": _seconds(row["seconds"], damage),
            "error": None if row["error"] is None else _text(row["error"], "its error", damage),
            "result": _result(row["result"], row["status"], row["kind"], damage),
            "damage": tuple(damage),
        }
    )


def _text(value: Any, words: str, damage: list[str]) -> str:
    """A text column's value; "" where it holds something else (said in ``damage``)."""
    if isinstance(value, str):
        return value
    damage.append(f"{words} is {stored_as(value)}, not text")
    return ""


def _seconds(value: Any, damage: list[str]) -> float:
    """How long the run took; NaN where the column holds no number (said in ``damage``)."""
    if isinstance(value, int | float):
        return float(value)
    damage.append(f"how long it took is {stored_as(value)}, not a number")
    return math.nan


def _json(value: Any, words: str, kind: type, damage: list[str], optional: bool = False) -> Any:
    """A JSON column's document, of type ``kind``; None where there is none (``optional``) or
    it cannot be read (said in ``damage``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        damage.append(f"{words} is {stored_as(value)}, not JSON text")
        return None
    return _parsed(value, words, kind, damage)


def _parsed(text: str, words: str, kind: type, damage: list[str]) -> Any:
    """A JSON text's document, of type ``kind``; None where it is not (said in ``damage``)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        rest = error.doc[error.pos :].strip()
        if error.msg.startswith("Unterminated string") or any(
            word.startswith(rest) for word in ("true", "false", "null")
        ):
            damage.append(f"{words} was cut short (its JSON stops after {len(text):,} characters)")
        else:
            damage.append(
                f"{words} is not valid JSON ({error.msg}, at character {error.pos + 1:,})"
            )
        return None
    if not isinstance(document, kind):
        damage.append(f"{words} is JSON, but not {'a list' if kind is list else 'an object'}")
        return None
    return document


def _result(packed: Any, status: Any, kind: Any, damage: list[str]) -> dict[str, Any] | None:
    """A run's result document, unpacked; None for a failed run, and where it cannot be read
    (said in ``damage``)."""
    if packed is None:
        if status == "done":
            damage.append("its result is missing (NULL), though the run finished")
        return None
    if not isinstance(packed, bytes):
        damage.append(
            f"its result is {stored_as(packed)}, not the compressed JSON flashpoint keeps"
        )
        return None
    try:
        text = zlib.decompress(packed).decode("utf-8")
    except zlib.error as error:
        cut = "incomplete" in str(error) or "truncated" in str(error)
        damage.append(
            "its result was cut short (its compressed data stops before the end)"
            if cut
            else "its result is not the compressed JSON flashpoint keeps (it cannot be unpacked)"
        )
        return None
    except UnicodeDecodeError:
        damage.append("its result, unpacked, is not text")
        return None
    document = _parsed(text, "its result", dict, damage)
    request = document.get("request") if document is not None else None
    if document is not None and not (isinstance(request, dict) and request.get("kind") == kind):
        damage.append(f"its result is JSON, but not the result of a {kind}")
        return None
    return document
