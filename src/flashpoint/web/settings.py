"""What a web server is allowed to do: where it listens, who may use it, where it keeps the
user's scenarios and runs, and how much one request may ask for.

A server on the loopback address (the default, 127.0.0.1) answers only its own machine; bound
anywhere else it requires an access token (``--token`` or ``$FLASHPOINT_TOKEN``; one is made and
printed when none is given), sent as ``Authorization: Bearer TOKEN`` or once as ``?token=TOKEN``
in the address, which then sets a cookie.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from flashpoint.store import default_path

TOKEN_ENVIRONMENT = "FLASHPOINT_TOKEN"
LIBRARY_ENVIRONMENT = "FLASHPOINT_LIBRARY"
FORM_BYTES = 1_000_000  # a request's body beyond the uploaded file: the form's other fields


def check_token(token: str) -> None:
    """Refuse an access token that a browser's address, header or cookie cannot carry as it is:
    fewer than 16 characters, or any but ASCII letters, digits and punctuation."""
    if len(token) < 16:
        raise ValueError("an access token needs 16 characters or more")
    odd = next((c for c in token if c == " " or not (c.isascii() and c.isprintable())), None)
    if odd is not None:
        code = f"U+{ord(odd):04X}"
        shown = "a space" if odd == " " else f"'{odd}' ({code})" if odd.isprintable() else code
        raise ValueError(
            f"an access token holds only ASCII letters, digits and punctuation; this one holds"
            f" {shown}: choose another (flashpoint serve --token, or $FLASHPOINT_TOKEN)"
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_library() -> Path:
    """Where the user's own scenarios are kept: ``$FLASHPOINT_LIBRARY``, else a ``scenarios``
    folder beside the run store (:func:`flashpoint.store.default_path`)."""
    given = os.environ.get(LIBRARY_ENVIRONMENT)
    if given:
        return Path(given).expanduser()
    return default_path().parent / "scenarios"


@dataclass(frozen=True)
class WebSettings:
    """A server's settings. ``store`` None keeps no run history; ``workers`` is the number of
    processes that run forecasts (each runs one at a time; more requests wait in a queue);
    ``max_upload_mb`` caps an uploaded file (and, with a megabyte more for the form around it,
    any request's body); ``max_draws`` caps the draws (or samples) of one run and
    ``max_model_runs`` its whole work (draws x variants x samples x generations,
    :mod:`flashpoint.web.work`); ``kept_results`` is how many finished runs keep their charts
    in memory (older ones are in the run history); ``allowed_hosts`` are names the server
    answers to besides its own address and the loopback names; with ``warm``, each worker
    loads the models at start."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    library: Path = field(default_factory=default_library)
    store: Path | None = field(default_factory=default_path)
    workers: int = 2
    max_upload_mb: float = 20.0
    max_draws: int = 20_000
    max_model_runs: int = 1_000_000  # what the pages ask by default passes, ~100 times over
    kept_results: int = 50
    allowed_hosts: tuple[str, ...] = ()  # names besides the loopback ones (tests: testserver)
    warm: bool = True  # each worker loads the models when the server starts

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"a server needs 1 worker or more, not {self.workers}")
        if self.max_draws < 2:
            raise ValueError(f"the cap on draws must be 2 or more, not {self.max_draws}")
        if self.max_model_runs < 2:
            raise ValueError(f"the cap on model runs must be 2 or more, not {self.max_model_runs}")
        if self.max_upload_mb <= 0:
            raise ValueError(f"the cap on uploads must be above 0 MB, not {self.max_upload_mb}")
        if self.token is not None:
            check_token(self.token)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        """The most bytes any request's body may hold: an upload and the form around it."""
        return self.max_upload_bytes + FORM_BYTES

    @property
    def local(self) -> bool:
        """Whether the server listens on the loopback address only."""
        return is_loopback(self.host)


def with_token(settings: WebSettings) -> WebSettings:
    """``settings`` with an access token when the server listens beyond this machine: the one
    given, ``$FLASHPOINT_TOKEN``, or a new random one."""
    if settings.token is not None or settings.local:
        return settings
    token = os.environ.get(TOKEN_ENVIRONMENT) or secrets.token_urlsafe(24)
    return replace(settings, token=token)
