"""The ``flashpoint`` command: one module per command, each registering itself on the one
application (:data:`flashpoint.cli.common.app`); ``--help`` lists them by panel in the order
imported here. This package only parses arguments and presents results: it uses the public API
(:mod:`flashpoint`) and the report package, and all computing happens in the library."""

# ruff: noqa: I001  (the order of the imports is the order of --help)
from flashpoint.cli import forecast as _forecast  # noqa: F401
from flashpoint.cli import run as _run  # noqa: F401
from flashpoint.cli import explain as _explain  # noqa: F401
from flashpoint.cli import validate as _validate  # noqa: F401
from flashpoint.cli import convert as _convert  # noqa: F401
from flashpoint.cli import show as _show  # noqa: F401
from flashpoint.cli import scenarios as _scenarios  # noqa: F401
from flashpoint.cli import models as _models  # noqa: F401
from flashpoint.cli import template as _template  # noqa: F401
from flashpoint.cli import compare as _compare  # noqa: F401
from flashpoint.cli import sensitivity as _sensitivity  # noqa: F401
from flashpoint.cli import backtest as _backtest  # noqa: F401
from flashpoint.cli import levers as _levers  # noqa: F401
from flashpoint.cli import report as _report  # noqa: F401
from flashpoint.cli import runs as _runs  # noqa: F401
from flashpoint.cli import ledger as _ledger  # noqa: F401
from flashpoint.cli import serve as _serve  # noqa: F401

from flashpoint import on_slow_read
from flashpoint.cli.common import announce_slow_read, app


def main() -> None:
    """The ``flashpoint`` command's entry point: every command says so before reading a large
    scenario file (:func:`flashpoint.on_slow_read`)."""
    with on_slow_read(announce_slow_read):
        app(prog_name="flashpoint")


__all__ = ["app", "main"]
