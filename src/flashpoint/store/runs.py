"""The run store: every run recorded with the full scenario it ran on, its hash, its request
(models, options, seed), flashpoint's version, its timing and status, and its result's JSON
document, so that a run can be listed, shown, compared with another, exported and run again.

A run is written in one transaction once it has finished (or failed): a process killed while
running or writing leaves no partial run, and every earlier run stays as it was
(:mod:`flashpoint.store.database`). The result document is kept compressed (zlib).
"""

from __future__ import annotations

import io
import json
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from flashpoint._version import __version__
from flashpoint.analysis.montecarlo import STREAMED_ABOVE
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import AnyRequest, BacktestRequest, read_request
from flashpoint.analysis.runner import Result, run
from flashpoint.scenario.load import load_scenario
from flashpoint.scenario.schema import Scenario
from flashpoint.store.database import StoreError, connect, default_path, records
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
    seconds: float
    scenario_hash: str
    error: str | None


@dataclass(frozen=True)
class StoredRun:
    """A run as the store keeps it. ``scenario`` is the whole scenario it ran on (before any
    shocks), ``request`` its request as JSON, ``result`` its result's JSON document (None for
    a failed run, whose ``error`` says why)."""

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
        return RunSummary(
            **{
                name.name: getattr(self, name.name)
                for name in fields(RunSummary)
                if name.name != "draws"
            },
            draws=self.request.get("draws"),
        )

    def rerun_request(self) -> AnyRequest:
        """The request that runs this run again: its own, on the scenario the store kept (a
        backtest reads its files again)."""
        request = read_request(self.request)
        if isinstance(request, BacktestRequest):
            return request
        return request.model_copy(update={"scenario": Scenario.model_validate(self.scenario)})


_COLUMNS = ", ".join(column.name for column in fields(StoredRun))  # the runs table's columns


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
            scenario=scenario.model_dump(mode="json"),
            request=request.model_dump(mode="json"),
            seed=request.seed,
            models=list(request.models or ()),
            seconds=seconds,
            result=zlib.compress(canonical(document).encode("utf-8"), 6),
            error=None,
        )

    def record_failure(self, request: AnyRequest, error: str, seconds: float) -> int:
        """Keep a run that did not finish (its request, and why); returns its id."""
        try:
            scenario = _scenario_of(request)
            stated, title = scenario.model_dump(mode="json"), scenario.title
        except Exception:  # the scenario itself may be what failed
            stated, title = {}, str(request.scenario if isinstance(request.scenario, str) else "")
        return self._insert(
            kind=request.kind,
            status="failed",
            title=title,
            source=request.scenario if isinstance(request.scenario, str) else title,
            scenario=stated,
            request=request.model_dump(mode="json"),
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
        with np.load(io.BytesIO(row[0]), allow_pickle=False) as found:
            return {name: found[name] for name in found.files}

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
        """The stored runs, newest first (their results are read too)."""
        query = f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return [_stored(row) for row in records(self._db.execute(query))]

    def __iter__(self) -> Iterator[StoredRun]:
        return iter(self.runs())

    def get(self, run_id: int) -> StoredRun:
        """The run ``run_id``; KeyError if the store has none."""
        found = records(self._db.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)))
        if not found:
            raise KeyError(f"no run {run_id} in the store {self.path}")
        return _stored(found[0])

    def delete(self, run_id: int) -> None:
        """Remove run ``run_id`` (KeyError if there is none). A run the forecast ledger cites
        cannot be deleted: the ledger keeps its own copy, but the link is its provenance."""
        self.get(run_id)
        cited = self._db.execute("SELECT id FROM ledger WHERE run = ?", (run_id,)).fetchone()
        if cited is not None:
            raise StoreError(
                f"run {run_id} is cited by ledger entry {cited[0]}; a ledger entry is never"
                " removed, so neither is its run"
            )
        self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def rerun(self, run_id: int, progress: Progress | None = None) -> Result:
        """Run the stored run ``run_id`` again: the same request on the same scenario, so the
        same numbers (the result is not stored; :meth:`record` it to keep it)."""
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
                self.record_failure(
                    request, f"{type(error).__name__}: {error}", time.perf_counter() - started
                )
            except StoreError:
                pass  # the run's own error is the one to report
            raise
        return result, self.record(result, time.perf_counter() - started, keep_traces)


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


def _stored(row: dict[str, Any]) -> StoredRun:
    """A run from its row: the JSON columns read, the result unpacked."""
    result = row["result"]
    request = json.loads(row["request"])
    return StoredRun(
        **{
            **row,
            "scenario": json.loads(row["scenario"]),
            "request": request,
            "seed": request.get("seed", row["seed"]),
            "models": json.loads(row["models"]),
            "machine": None if row["machine"] is None else json.loads(row["machine"]),
            "result": None
            if result is None
            else json.loads(zlib.decompress(result).decode("utf-8")),
        }
    )
