"""The ``flashpoint`` command. Each module registers its commands on the one application
(:data:`flashpoint.cli.common.app`), in the order ``--help`` lists them; this package only parses
arguments and presents results, all computing happens in the library."""

from flashpoint.cli import main as _commands  # noqa: F401, I001  (registers forecast, run, ...)
from flashpoint.cli import compare as _compare  # noqa: F401  (registers compare)
from flashpoint.cli import sensitivity as _sensitivity  # noqa: F401  (registers sensitivity)
from flashpoint.cli.common import app
from flashpoint.cli.main import main

__all__ = ["app", "main"]
