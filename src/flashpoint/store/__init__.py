"""The run store and the forecast ledger, in one SQLite file (stdlib ``sqlite3``, WAL mode).

::

    from flashpoint.store import Ledger, RunStore

    with RunStore("runs.sqlite") as store:               # default: the user's data folder
        result, run_id = store.run(flashpoint.ForecastRequest(draws=500))
        store.get(run_id).result                          # the result's JSON document
        store.rerun(run_id)                               # the same numbers again
        entry = Ledger(store).add(run_id, "Peace regime by 2020?", date(2020, 12, 31))
"""

from flashpoint.store.database import ENVIRONMENT, SCHEMA_VERSION, StoreError, default_path
from flashpoint.store.diff import Change, RunDiff, beyond, diff_runs
from flashpoint.store.ledger import Anchor, Entry, Ledger, Resolution, Scores, Verification
from flashpoint.store.machine import ACROSS_MACHINES, described, same_machine, this_machine
from flashpoint.store.runs import RunStore, RunSummary, StoredRun, shocks_named, stopped_by

__all__ = [
    "ACROSS_MACHINES",
    "ENVIRONMENT",
    "SCHEMA_VERSION",
    "Anchor",
    "Change",
    "Entry",
    "Ledger",
    "Resolution",
    "RunDiff",
    "RunStore",
    "RunSummary",
    "Scores",
    "StoreError",
    "StoredRun",
    "Verification",
    "beyond",
    "default_path",
    "described",
    "diff_runs",
    "same_machine",
    "shocks_named",
    "stopped_by",
    "this_machine",
]
