"""A real web server for the tests that need one (schemathesis over HTTP, Chromium through
Playwright): uvicorn on a free loopback port, in a thread of the test process; and what every
test of the web app's runs does through a client: start a run, wait for it to end."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from flashpoint.web import WebSettings, create_app

OWN_PAGE = {"origin": "http://testserver"}  # what a browser sends with a request of the app's page
FINISHED = ("done", "failed", "cancelled")  # the states a run ends in


def start(client, **request) -> dict:
    """Start a run through ``client`` (a TestClient); its job."""
    answer = client.post("/api/runs", json=request)
    assert answer.status_code == 202, answer.text
    return answer.json()


def wait(client, job: dict, seconds: float = 180) -> dict:
    """Poll a run until it ends; its last status."""
    deadline = time.monotonic() + seconds
    while True:
        status = client.get(f"/api/runs/{job['id']}")
        assert status.status_code == 200, status.text
        if status.json()["state"] in FINISHED:
            return status.json()
        assert time.monotonic() < deadline, f"run {job['id']} did not end: {status.json()}"
        time.sleep(0.2)


def settings_for(folder, **more) -> WebSettings:
    """Settings of a test server in ``folder`` (its library and run store there, two workers,
    small limits, the test client's host allowed, no warm-up), with ``more`` overriding."""
    options = dict(
        library=folder / "library",
        store=folder / "runs.sqlite",
        workers=2,
        max_draws=5000,
        max_upload_mb=1,
        allowed_hosts=("testserver",),
        warm=False,
    )
    options.update(more)
    return WebSettings(**options)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: WebSettings) -> Iterator[str]:
    """Serve the app of ``settings`` (its port replaced by a free one) until the block ends;
    yields its address."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    assert httpx.get(f"{address}/api/health").status_code == 200
    try:
        yield address
    finally:
        server.should_exit = True
        thread.join(60)
