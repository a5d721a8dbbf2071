"""The web app under load: ten Korea 2018 forecasts (1,000 draws, every model) sent at once to
``flashpoint serve`` with two workers, and how fast the server answers meanwhile; and how fast
a what-if answers (issue #38).

    python bench/web.py [RUNS] [DRAWS]
    python bench/web.py whatif [TIMES]

Starts a server on a free loopback port (its own library, no run history), waits for its
workers to load the models, then times: each run from its request to its result, all of them
together, and ``GET /api/health`` every 0.1 s while they run (the server answers while the
workers compute). ``whatif``: ``POST /api/whatif`` on korea-2018 with one edit and 1,000 draws,
``TIMES`` times (20) after one to warm up, each a different value so that each is worked out
(the saved headline is kept after the first); prints the median and the longest.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from flashpoint.web import WebSettings, create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_run(address: str, draws: int, seed: int) -> float:
    started = time.perf_counter()
    job = httpx.post(
        f"{address}/api/runs",
        json={"kind": "forecast", "scenario": "korea-2018", "draws": draws, "seed": seed},
        headers={"Origin": address},  # a change is taken only from the server's own pages
    ).json()
    while True:
        status = httpx.get(f"{address}/api/runs/{job['id']}").json()
        if status["state"] in ("done", "failed", "cancelled"):
            assert status["state"] == "done", status
            return time.perf_counter() - started
        time.sleep(0.1)


@contextmanager
def served(folder: str) -> Iterator[str]:
    """A server of two workers (warmed up, no run history) until the block ends: its address."""
    settings = WebSettings(library=Path(folder), store=None, workers=2, warm=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.05)
    one_run(address, 2, 0)  # the workers have loaded the models
    try:
        yield address
    finally:
        server.should_exit = True
        thread.join()


def whatif(times: int = 20) -> None:
    path = "actors.united_states.issues.sanctions_relief.position"
    with tempfile.TemporaryDirectory() as folder, served(folder) as address:
        took = []
        for k in range(times + 1):  # the first warms up the server's own process
            body = {
                "scenario": "korea-2018",
                "edits": [{"path": path, "value": 20 + k}],
                "draws": 1000,
            }
            started = time.perf_counter()
            answer = httpx.post(
                f"{address}/api/whatif", json=body, headers={"Origin": address}, timeout=60
            )
            took.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
    print(f"POST /api/whatif, korea-2018, one edit, 1,000 draws, {times} times after a first:")
    print(
        f"  first {took[0]:.2f} s; then median {statistics.median(took[1:]):.2f} s,"
        f" longest {max(took[1:]):.2f} s"
    )


def main(runs: int = 10, draws: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as folder, served(folder) as address:
        latencies: list[float] = []
        done = threading.Event()

        def probe() -> None:
            while not done.is_set():
                started = time.perf_counter()
                httpx.get(f"{address}/api/health")
                latencies.append(time.perf_counter() - started)
                time.sleep(0.1)

        prober = threading.Thread(target=probe)
        prober.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(runs) as pool:
            each = list(pool.map(lambda seed: one_run(address, draws, seed), range(runs)))
        total = time.perf_counter() - started
        done.set()
        prober.join()
    print(f"{runs} Korea forecasts of {draws:,} draws (every model) at once, 2 workers:")
    print(
        f"  all done in {total:.1f} s; each from request to result: median"
        f" {statistics.median(each):.1f} s, longest {max(each):.1f} s"
    )
    print(
        f"  GET /api/health meanwhile ({len(latencies)} requests): median"
        f" {1000 * statistics.median(latencies):.1f} ms, longest {1000 * max(latencies):.1f} ms"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["whatif"]:
        whatif(*(int(argument) for argument in sys.argv[2:3]))
    else:
        main(*(int(argument) for argument in sys.argv[1:3]))
