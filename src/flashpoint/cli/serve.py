"""``flashpoint serve``: the local web app (:mod:`flashpoint.web`) on this computer."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from rich.markup import escape

from flashpoint.cli.common import PANEL_BROWSER, StoreArg, app, err, out
from flashpoint.store import default_path


@app.command(
    "serve",
    rich_help_panel=PANEL_BROWSER,
    epilog=(
        "Examples:\n\n"
        "  flashpoint serve                         open http://127.0.0.1:8765 in a browser\n\n"
        "  flashpoint serve --port 9000 --workers 1\n\n"
        "  flashpoint serve --host 0.0.0.0          for other machines too: prints an address"
        " with its access token"
    ),
)
def serve_command(
    host: Annotated[
        str,
        typer.Option(
            help="The address to listen on. 127.0.0.1 (the default) answers only this"
            " computer; any other needs an access token.",
            metavar="ADDRESS",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            min=1,
            max=65535,
            help="The port to listen on (one in use is said, with another to try).",
            metavar="PORT",
        ),
    ] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            help="The access token every request must carry (default: $FLASHPOINT_TOKEN, or a"
            " new one when listening beyond this computer).",
            metavar="TOKEN",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Runs that go side by side, each in its own process; more wait in a queue.",
            metavar="N",
        ),
    ] = max(1, min(2, os.cpu_count() or 1)),
    library: Annotated[
        Path | None,
        typer.Option(
            help="The folder of your scenarios (default: $FLASHPOINT_LIBRARY, else scenarios/"
            " beside the run store).",
            metavar="FOLDER",
            show_default=False,
        ),
    ] = None,
    store: StoreArg = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Keep no run history.", metavar="")
    ] = False,
    max_draws: Annotated[
        int, typer.Option(min=2, help="The most draws (or samples) one run may ask for.")
    ] = 20_000,
    max_model_runs: Annotated[
        int,
        typer.Option(
            min=2,
            help="The most work one run may ask for, in model runs: draws x variants x samples"
            " x generations.",
        ),
    ] = 1_000_000,
    max_upload_mb: Annotated[
        float, typer.Option(min=0.01, help="The largest file an upload may send, in MB.")
    ] = 20.0,
) -> None:
    """Open flashpoint in your browser: scenarios, the editor, forecasts and their charts.

    Everything runs on this computer and nothing is fetched from the internet."""
    import uvicorn

    from flashpoint.web import WebSettings, create_app, default_library, with_token

    # A Ctrl-C from here on stops the server as one while it serves does: it is noted, not
    # raised wherever this process happens to be (a KeyboardInterrupt raised inside a C callback
    # or a finaliser can be lost, and the server would then start and serve on).
    stops: list[int] = []
    signal.signal(signal.SIGINT, lambda number, _: stops.append(number))
    try:
        settings = with_token(
            WebSettings(
                host=host,
                port=port,
                token=token or os.environ.get("FLASHPOINT_TOKEN") or None,
                library=library or default_library(),
                store=None if no_store else (store or default_path()),
                workers=workers,
                max_draws=max_draws,
                max_model_runs=max_model_runs,
                max_upload_mb=max_upload_mb,
            )
        )
        web_app = create_app(settings)
    except ValueError as error:
        err.print(f"[red]{escape(str(error))}[/]")
        raise typer.Exit(1) from None
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as error:
        err.print(
            f"[red]Cannot listen on {escape(host)} port {port}: {escape(error.strerror or str(error))}."
            f" Is flashpoint serve already running there? Try another port (--port {port + 1}).[/]"
        )
        raise typer.Exit(1) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    address = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    if settings.token:
        address += f"?token={quote(settings.token, safe='')}"
    out.print(f"flashpoint is at [bold]{escape(address)}[/] (Ctrl-C stops it)")
    if not settings.local:
        out.print(
            "[dim]Other machines reach it at this machine's own address, with the same"
            " ?token=…; anyone with the token can use it.[/]"
        )
    out.print(
        f"[dim]Your scenarios: {escape(str(settings.library))}; run history:"
        f" {escape(str(settings.store or 'none'))}; {workers} worker(s).[/]"
    )
    server = uvicorn.Server(uvicorn.Config(web_app, host=host, port=port, log_level="warning"))
    signal.signal(signal.SIGINT, server.handle_exit)
    for number in stops:
        server.handle_exit(number, None)  # stopped before it started: it starts and stops
    server.run()
