"""The ``flashpoint`` command. Each module registers its commands on the one application
(:data:`flashpoint.cli.common.app`); this package only parses arguments and presents results,
all computing happens in the library."""

from flashpoint.cli import compare as _compare  # noqa: F401  (registers its command)
from flashpoint.cli import main as _commands  # noqa: F401  (registers the commands)
from flashpoint.cli import sensitivity as _sensitivity  # noqa: F401  (registers its command)
from flashpoint.cli.common import app
from flashpoint.cli.main import main

__all__ = ["app", "main"]
