"""What ``flashpoint run`` and ``flashpoint explain`` share: the options of one model's run,
declared once (:data:`one_model_options`), and running it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from flashpoint import Forecast, ForecastRequest, ScenarioError, UnknownShockError, run
from flashpoint.cli.common import SeedArg, compile_notice, fail, options, options_of

ModelOptionArg = Annotated[
    list[str] | None,
    typer.Option(
        "--option",
        "-o",
        help="A model option as NAME=VALUE (repeatable), e.g. -o status_quo_probability=1."
        " 'flashpoint models' and docs/models.md list each model's options.",
        metavar="NAME=VALUE",
    ),
]
PresetArg = Annotated[
    str | None,
    typer.Option(
        help="The model's preset, e.g. for eum: scholz (default) or literal.", metavar="PRESET"
    ),
]
RoundsArg = Annotated[
    int | None,
    typer.Option(
        help="The most rounds to run (a model of rounds; eum: 10, smp: 100 turns).",
        metavar="INTEGER",
    ),
]
PolicyArg = Annotated[
    str | None,
    typer.Option(help="exchange: decide-parity (default) or full-recompute.", metavar="POLICY"),
]
RateArg = Annotated[
    float | None,
    typer.Option(
        "--p",
        help="exchange: random variation of exchange rates, 0 (default) to 1.",
        metavar="NUMBER",
    ),
]
ShockArg = Annotated[
    list[str] | None,
    typer.Option(
        "--shock",
        "-s",
        help="Apply a named shock of the scenario first (repeatable; in order).",
        metavar="SHOCK",
    ),
]


@dataclass(frozen=True)
class OneModelOptions:
    """The options of one model's run given on the command line: those with flags of their own
    (None where not given), ``-o NAME=VALUE`` pairs, shocks and the seed."""

    preset: str | None
    rounds: int | None
    policy: str | None
    p: float | None
    option: list[str] | None
    shock: list[str] | None
    seed: int | None

    def model_options(self) -> dict[str, str | int | float]:
        """The model's options as given; a pair that is not NAME=VALUE is a usage error."""
        named = {"preset": self.preset, "rounds": self.rounds, "policy": self.policy, "p": self.p}
        given: dict[str, str | int | float] = {
            name: value for name, value in named.items() if value is not None
        }
        for pair in self.option or []:
            name, equals, value = pair.partition("=")
            if not equals or not name.strip():
                raise typer.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--option")
            given[name.strip()] = value.strip()
        return given

    def forecast(self, scenario: str, model: str) -> Forecast:
        """Run ``model`` alone on ``scenario``; usage errors exit 2, problems in the scenario 1."""
        request = ForecastRequest(
            scenario=scenario,
            models=(model,),
            shocks=tuple(self.shock or ()),
            options={model: self.model_options()},
            seed=self.seed,
        )
        try:
            with compile_notice():
                return run(request)  # type: ignore[return-value]  (a forecast request)
        except ScenarioError as error:
            fail(error, scenario)
            raise  # not reached: fail exits
        except UnknownShockError as error:
            raise typer.BadParameter(str(error), param_hint="--shock") from None
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="the model's options") from None


one_model_options = options_of(
    options(
        ("preset", PresetArg, None),
        ("rounds", RoundsArg, None),
        ("policy", PolicyArg, None),
        ("p", RateArg, None),
        ("option", ModelOptionArg, None),
        ("shock", ShockArg, None),
        ("seed", SeedArg, None),
    ),
    OneModelOptions,
)
"""The options of one model's run (--preset, --rounds, --policy, --p, --option, --shock,
--seed), as one :class:`OneModelOptions` in the command's parameter ``run``."""
