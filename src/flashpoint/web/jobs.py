"""Runs of a web server, each a job done by a worker process so that the server keeps answering
while it runs.

:class:`Jobs` sends each run request to a pool of worker processes (``spawn``: a fresh
interpreter that loads the compiled models from numba's cache). A worker reports its progress and
learns of a cancellation through two shared dictionaries (a ``multiprocessing`` manager); it
returns the result (pickled) or, for a run that fails, a :class:`Failure` with the message the
user is shown. A finished run is recorded in the run store (:mod:`flashpoint.store`), as the
command line records it: failures of the input are said, not recorded. Whatever happens, a
run ends done, failed (with what went wrong) or cancelled: never left running. The last
``kept_results`` results stay in memory for their charts.

Draws run serially inside each worker (the request's executor is set to ``serial``, which
changes no number); several runs go side by side, one per worker, and the rest wait in order.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from flashpoint import (
    ForecastRequest,
    MissingExtra,
    RunRequest,
    ScenarioError,
    UnknownShockError,
    on_compile,
    run,
)
from flashpoint.store import RunStore, StoreError

log = logging.getLogger("flashpoint.web")

State = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED = ("done", "failed", "cancelled")
COMPILING = "compiling the models (once on this machine: about half a minute)"
WARMING = "loading the models into the workers (about half a minute if they compile)"


class Cancelled(Exception):
    """Raised inside a worker when its run is cancelled."""


@dataclass(frozen=True)
class Failure:
    """Why a run failed: the message shown, each problem of its scenario (if that is why), and
    whether the input was at fault (else the failure is recorded in the run store)."""

    message: str
    problems: tuple[str, ...] = ()
    input_error: bool = True


@dataclass
class Job:
    """One run: its request, where it stands, and when done its result (or failure)."""

    id: str
    request: Any
    title: str
    state: State = "queued"
    created: float = field(default_factory=time.time)
    done: int = 0
    total: int = 0
    stage: str = ""
    seconds: float | None = None
    result: Any = None
    failure: Failure | None = None
    run_id: int | None = None
    note: str = ""
    future: Future | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        return self.request.kind

    @property
    def unit(self) -> str:
        return self.request.progress_unit


# In a worker: the shared dictionaries, set once when the worker starts.
_shared: dict[str, Any] = {}


def _start_worker(progress: Any, cancelled: Any) -> None:
    _shared.update(progress=progress, cancelled=cancelled)


def _execute(job_id: str, request: Any) -> tuple[str, Any, float]:
    """Run one request in a worker: ``("done", result, seconds)`` or ``("failed" |
    "cancelled", Failure, seconds)``."""
    progress, cancelled = _shared["progress"], _shared["cancelled"]
    started = time.perf_counter()
    progress[job_id] = (0, 0, "starting")

    def report(done: int, total: int) -> None:
        if cancelled.get(job_id):
            raise Cancelled
        progress[job_id] = (done, total, "")

    def compiling() -> None:
        done, total, _ = progress.get(job_id, (0, 0, ""))
        progress[job_id] = (done, total, COMPILING)

    try:
        state, outcome = _outcome(request, report, compiling)
    finally:
        cancelled.pop(job_id, None)
    return state, outcome, time.perf_counter() - started


def _outcome(
    request: Any, report: Callable[[int, int], None], compiling: Callable[[], None]
) -> tuple[State, Any]:
    """``("done", result)``, or the state and :class:`Failure` of a run that did not finish."""
    try:
        with on_compile(compiling):
            return "done", run(request, progress=report)
    except Cancelled:
        return "cancelled", Failure("cancelled by its user from the web app", input_error=False)
    except ScenarioError as error:
        return "failed", Failure(
            f"{len(error.problems)} problem(s) in the scenario",
            tuple(str(problem) for problem in error.problems[: ScenarioError.SHOWN]),
        )
    except (UnknownShockError, MissingExtra, ValueError) as error:  # TooLarge, UnknownChoice too
        return "failed", Failure(str(error))
    except KeyError as error:  # an unknown name in the request (model, option, variant)
        return "failed", Failure(str(error.args[0]))
    except MemoryError:
        return "failed", Failure(
            "the run needs more memory than this machine has: ask for fewer draws or models",
            input_error=False,
        )
    except Exception as error:  # a defect: said to the user, logged in full, recorded
        return "failed", defect(error, "".join(traceback.format_exception(error)))


def defect(error: BaseException, *details: str) -> Failure:
    """The failure of a run that a defect stopped (not its input): what was raised."""
    return Failure(f"internal error ({type(error).__name__}: {error})", details, False)


def _ending(future: Future) -> tuple[State, Any, float]:
    """How a worker's run ended: its state, its result or :class:`Failure`, and its seconds;
    a run that could not be run or sent back (a worker that died, a result that does not
    unpickle) fails with what went wrong."""
    if future.cancelled():
        return "cancelled", Failure("cancelled before it started"), 0.0
    try:
        return future.result()
    except BrokenProcessPool:
        return "failed", Failure("the worker running this stopped (out of memory?)", (), False), 0.0
    except Exception as error:
        return "failed", defect(error), 0.0


def _warm() -> None:
    """Load every model in a worker (from numba's cache, or compiling it the first time after
    installing), so that the first run a user asks for does not wait for it."""
    run(ForecastRequest(draws=2, executor="serial"))


class Jobs:
    """The runs of one server: ``submit`` a request, ``get`` a job, ``cancel`` it; ``close``
    when the server stops. With ``warm``, each worker loads the models when the server starts."""

    def __init__(
        self, workers: int, store: Path | None, kept_results: int = 50, warm: bool = True
    ) -> None:
        self.store = store
        self.kept_results = kept_results
        self._context = multiprocessing.get_context("spawn")
        self._manager = self._context.Manager()
        self._progress = self._manager.dict()
        self._cancelled = self._manager.dict()
        self._workers = workers
        self._pool = self._new_pool()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()  # the list of jobs
        self._states = threading.Lock()  # a job's state: polls and the end of its run
        self._warming = [self._pool.submit(_warm) for _ in range(workers)] if warm else []

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._workers,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=(self._progress, self._cancelled),
        )

    def submit(self, request: RunRequest, title: str) -> Job:
        """Queue a run (its scenario already a Scenario, not a name or a file)."""
        job = Job(id=uuid.uuid4().hex[:12], request=request, title=title)
        with self._lock:
            self._jobs[job.id] = job
            try:
                job.future = self._pool.submit(_execute, job.id, request)
            except (BrokenProcessPool, RuntimeError):  # a worker died: start new ones
                self._pool = self._new_pool()
                job.future = self._pool.submit(_execute, job.id, request)
        job.future.add_done_callback(self._finisher(job))
        return job

    def _finisher(self, job: Job) -> Callable[[Future], None]:
        def finish(future: Future) -> None:
            try:
                self._finish(job, *_ending(future))
            except Exception as error:  # a defect here must not leave the run "running"
                log.exception("run %s could not be finished", job.id)
                with self._states:
                    job.failure, job.stage, job.state = defect(error), "", "failed"

        return finish

    def _finish(self, job: Job, state: State, outcome: Any, seconds: float) -> None:
        job.seconds = seconds
        if state == "done":
            job.result = outcome
        else:
            job.failure = outcome
            if not outcome.input_error:
                log.error(
                    "run %s failed: %s\n%s", job.id, outcome.message, "\n".join(outcome.problems)
                )
        run_id, note = self._record(job, state)
        with self._states:  # not to be undone by a poll that read the progress just before
            job.run_id, job.note, job.stage = run_id, note, ""
            if state == "done":
                # the worker's last report, which no poll may have read if the run was quick
                _, reported, _ = self._progress.get(job.id, (0, job.total, ""))
                job.done = job.total = max(reported, job.total, 1)
            job.state = state
        self._progress.pop(job.id, None)
        self._forget_old_results()

    def _record(self, job: Job, state: State) -> tuple[int | None, str]:
        """Record a finished run, a failure not caused by its input, or a run its user
        cancelled once it had started (status ``cancelled``, as the command line records
        Ctrl-C) in the run store."""
        if self.store is None or (state != "done" and job.failure.input_error):
            return None, ""
        try:
            with RunStore(self.store) as store:
                if state == "done":
                    return store.record(job.result, job.seconds or 0.0), ""
                if state == "cancelled":
                    message, seconds = job.failure.message, job.seconds or 0.0
                    return store.record_failure(job.request, message, seconds, "cancelled"), ""
                message = f"{job.failure.message} (from the web app)"
                return store.record_failure(job.request, message, job.seconds or 0.0), ""
        except (StoreError, OSError, ValueError) as error:
            return None, f"not kept in the run history: {error}"

    def _forget_old_results(self) -> None:
        with self._lock:
            finished = [job for job in self._jobs.values() if job.state in FINISHED]
            for job in finished[: max(0, len(finished) - self.kept_results)]:
                del self._jobs[job.id]

    def get(self, job_id: str) -> Job | None:
        """A job, with its progress brought up to date; None if unknown (or forgotten)."""
        job = self._jobs.get(job_id)
        if job is None:
            return None
        with self._states:
            if job.state not in FINISHED:
                reported = self._progress.get(job_id)
                if reported is not None:
                    job.done, job.total, job.stage = reported
                    job.state = "running"
                elif not all(future.done() for future in self._warming):
                    job.stage = WARMING
        return job

    def jobs(self) -> list[Job]:
        """Every job still known, newest first."""
        with self._lock:
            known = list(self._jobs)
        return [job for job in map(self.get, reversed(known)) if job is not None]

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job: at once if it waits, at its next step if it runs."""
        job = self.get(job_id)
        if job is None or job.state in FINISHED:
            return job
        if job.future is not None and not job.future.cancel():
            self._cancelled[job_id] = True
        return job

    def close(self) -> None:
        """Stop: waiting runs are dropped, running ones cancelled, the workers ended."""
        for job in list(self._jobs.values()):
            if job.state not in FINISHED:
                self.cancel(job.id)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._manager.shutdown()
