"""The store's SQLite database: where it lives, how it is opened, and its schema's versions.

The database runs in WAL mode (readers never block the writer, and a process killed while
writing leaves the last committed state intact: SQLite's atomic commit), with a busy timeout so
that two processes writing at once wait for each other instead of failing. Its schema version
is SQLite's ``user_version``; :data:`MIGRATIONS` brings a database of any older version up to
date, each step in one transaction, so an old store opens without losing a run.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flashpoint.store.hashing import GENESIS, RESOLUTION, content_hash, resolution_hash

ENVIRONMENT = "FLASHPOINT_STORE"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    """Where the store lives unless told: ``$FLASHPOINT_STORE``, else ``runs.sqlite`` in the
    user's data folder (``$XDG_DATA_HOME/flashpoint``, by default ``~/.local/share/flashpoint``;
    ``%LOCALAPPDATA%\\flashpoint`` on Windows, ``~/Library/Application Support/flashpoint`` on
    macOS)."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        return Path(given).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "flashpoint" / "runs.sqlite"


def _version_1(db: sqlite3.Connection) -> None:
    """The first schema: runs with their request, scenario, summary result and timings."""
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
            title TEXT NOT NULL,
            source TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            request TEXT NOT NULL,
            seed INTEGER,
            models TEXT NOT NULL,
            version TEXT NOT NULL,
            seconds REAL NOT NULL,
            result BLOB,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX runs_scenario ON runs (scenario_hash)")


def _version_2(db: sqlite3.Connection) -> None:
    """Per-draw traces of a run, kept when asked for, and the forecast ledger."""
    db.execute(
        """CREATE TABLE traces (
            run INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
            data BLOB NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE ledger (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,
            run INTEGER,
            question TEXT NOT NULL,
            resolves_by TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            forecast TEXT NOT NULL,
            forecast_hash TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )"""
    )
    db.execute(
        """CREATE TABLE resolutions (
            entry INTEGER PRIMARY KEY REFERENCES ledger (id),
            resolved TEXT NOT NULL,
            outcome TEXT NOT NULL
        )"""
    )


def _version_3(db: sqlite3.Connection) -> None:
    """The machine each run was computed on (JSON, :mod:`flashpoint.store.machine`); NULL for
    the runs recorded before."""
    db.execute("ALTER TABLE runs ADD COLUMN machine TEXT")


def _version_4(db: sqlite3.Connection) -> None:
    """Resolutions become entries of the ledger's hash chain: one table holds the chain, each
    entry a ``forecast`` or a ``resolution`` (``kind``), a resolution naming the forecast it
    ``resolves`` and keeping its ``outcome`` and that outcome's hash. The resolutions recorded
    before, in a table beside the chain, are appended to it in the order they were recorded,
    marked with the time they were ``migrated``: they are only as trustworthy as the store was
    (:mod:`flashpoint.store.ledger`)."""
    db.execute(
        """CREATE TABLE chain (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'forecast',
            created TEXT NOT NULL,
            run INTEGER,
            question TEXT,
            resolves_by TEXT,
            scenario_hash TEXT,
            forecast TEXT,
            forecast_hash TEXT,
            resolves INTEGER UNIQUE,
            outcome TEXT,
            outcome_hash TEXT,
            migrated TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )"""
    )
    db.execute(
        "INSERT INTO chain (id, kind, created, run, question, resolves_by, scenario_hash,"
        " forecast, forecast_hash, previous_hash, hash) SELECT id, 'forecast', created, run,"
        " question, resolves_by, scenario_hash, forecast, forecast_hash, previous_hash, hash"
        " FROM ledger"
    )
    legacy = db.execute(
        "SELECT entry, resolved, outcome FROM resolutions ORDER BY resolved, entry"
    ).fetchall()
    db.execute("DROP TABLE resolutions")
    db.execute("DROP TABLE ledger")
    db.execute("ALTER TABLE chain RENAME TO ledger")
    db.execute("CREATE INDEX ledger_run ON ledger (run)")
    moved = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')").fetchone()[0]
    last = db.execute("SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1").fetchone()
    at, previous = (last[0], last[1]) if last else (0, GENESIS)
    for entry, resolved, outcome in legacy:  # moved as they were, damaged or not
        at += 1
        fields = {
            "kind": RESOLUTION,
            "id": at,
            "created": resolved if isinstance(resolved, str) else moved,
            "resolves": entry,
            "outcome": outcome,
            "outcome_hash": content_hash(outcome) or "",
            "migrated": moved,
            "previous_hash": previous if isinstance(previous, str) else "",
        }
        fields["hash"] = resolution_hash(fields)
        db.execute(
            f"INSERT INTO ledger ({', '.join(fields)})"
            f" VALUES ({', '.join(':' + name for name in fields)})",
            fields,
        )
        previous = fields["hash"]


_RUN_COLUMNS = (
    "id, created, kind, status, title, source, scenario, scenario_hash, request, seed, models,"
    " version, seconds, result, error, machine"
)


def _version_5(db: sqlite3.Connection) -> None:
    """A run may be ``cancelled`` (stopped by its user: Ctrl-C, or Cancel in the web app), not
    only done or failed. SQLite cannot change a table's CHECK, so the runs table is built
    again with every run as it was; its traces are set aside and put back, as dropping the
    old table would delete them (their rows reference the runs, ON DELETE CASCADE)."""
    db.execute("CREATE TEMP TABLE kept_traces AS SELECT run, data FROM traces")
    db.execute("DROP TABLE traces")
    db.execute(
        """CREATE TABLE runs_again (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'cancelled')),
            title TEXT NOT NULL,
            source TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            request TEXT NOT NULL,
            seed INTEGER,
            models TEXT NOT NULL,
            version TEXT NOT NULL,
            seconds REAL NOT NULL,
            result BLOB,
            error TEXT,
            machine TEXT
        )"""
    )
    db.execute(f"INSERT INTO runs_again ({_RUN_COLUMNS}) SELECT {_RUN_COLUMNS} FROM runs")
    db.execute("DROP TABLE runs")
    db.execute("ALTER TABLE runs_again RENAME TO runs")
    db.execute("CREATE INDEX runs_scenario ON runs (scenario_hash)")
    db.execute(
        """CREATE TABLE traces (
            run INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
            data BLOB NOT NULL
        )"""
    )
    db.execute("INSERT INTO traces (run, data) SELECT run, data FROM kept_traces")
    db.execute("DROP TABLE kept_traces")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _version_1,
    _version_2,
    _version_3,
    _version_4,
    _version_5,
]
"""Step ``k`` brings a database of schema version ``k`` to version ``k + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    """The store cannot be opened or used (the message says why and where)."""


def stored_as(value: Any) -> str:
    """What a stored value is, in words, where it is not what it should be (a damaged
    record)."""
    if value is None:
        return "missing (NULL)"
    if isinstance(value, bytes):
        return f"stored as a BLOB ({len(value)} bytes)"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    return repr(value)


def records(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A query's rows, each as ``{column: value}`` (named as the query names its columns)."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def connect(path: str | Path, up_to: int = SCHEMA_VERSION) -> sqlite3.Connection:
    """Open (creating it if needed) the database at ``path`` in WAL mode, migrated to schema
    version ``up_to`` (the latest by default; tests build older ones)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _write_ahead(db)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        migrate(db, up_to)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the run store {target}: {error}") from None
    return db


def _write_ahead(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode. Two processes that open a new store at once both switch
    it, and SQLite may answer the second "database is locked" at once, without waiting as its
    busy timeout says (a clean clone's test of two writers failed so, once): try again until
    the timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(db: sqlite3.Connection, up_to: int = SCHEMA_VERSION) -> None:
    """Bring the database to schema version ``up_to``, one step per transaction. A database
    of a newer version than this flashpoint knows is refused rather than misread."""
    db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it done
    try:
        found = db.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"the run store has schema version {found}, newer than this flashpoint knows"
                f" ({SCHEMA_VERSION}): upgrade flashpoint to open it"
            )
        for step in range(found, up_to):
            MIGRATIONS[step](db)
            db.execute(f"PRAGMA user_version = {step + 1}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
