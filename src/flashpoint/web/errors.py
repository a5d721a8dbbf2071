"""How the web app refuses a request: every refusal of the JSON API has one body,
:class:`ErrorOut` (``{"detail": "...", "problems": [...]}``), whatever refused it (the guard in
front of every route, a route, or FastAPI's check of a request against the schema), and the
OpenAPI schema says so for each status a route can answer with (:func:`refusals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator

from flashpoint import Problem, place_in_words

MEANINGS = {
    400: "Not this server's address, or a body that cannot be read.",
    401: "The server's access token is missing or wrong.",
    403: "A change asked for by another site's page, or by a request that names no page.",
    404: "No such scenario, run or address.",
    409: "Not allowed now: a bundled scenario, a run not finished, no run history.",
    413: "The request's body is larger than the server accepts.",
    422: "The request's values are not valid; each problem is named, with where it is.",
}


class Refused(Exception):
    """A request the API turns down: its status, message and problems."""

    def __init__(self, status: int, message: str, problems: Sequence[Problem] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)


class ProblemOut(BaseModel):
    """One problem: the whole sentence, the path of the value in the scenario's data or in the
    request (when the problem is about one value) and the message alone; and the same in words,
    the value named by its actor, issue, future or shock and field (:func:`place_in_words`)."""

    text: str
    path: str | None = None
    message: str
    place: str | None = Field(
        None,
        description="Where the value is, in words: 'North Korea, Denuclearization, salience'"
        " for the path actors[0].issues.denuclearization.salience.",
    )
    worded: str = Field(
        "",
        description="The whole sentence in words: its place in words (else its path), then the"
        " message.",
    )

    @model_validator(mode="after")
    def _worded(self) -> ProblemOut:
        if not self.worded:
            self.worded = f"{self.place}: {self.message}" if self.place else self.text
        return self


@dataclass(frozen=True)
class PlacedProblem(Problem):
    """A problem of a scenario's data with its place in words, worded from that data (a refusal
    carries it to the answer, which has no data of its own)."""

    place: str | None = None


def placed(problems: Sequence[Problem], data: Any) -> list[Problem]:
    """The problems of a scenario's ``data``, each with its place in words."""
    return [
        PlacedProblem(
            problem.location, problem.message, place_in_words(problem.location.path, data)
        )
        for problem in problems
    ]


class ErrorOut(BaseModel):
    """Why a request was refused, in words, and each problem found."""

    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


def visible(text: str, most: int = 80) -> str:
    """At most ``most`` characters of ``text``, each invisible one (a line break, a lone
    surrogate) written as ``<U+000A>``, so that a message shows what was sent."""
    return "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in text[:most])


def problem_out(problem: Problem, data: Any = None) -> ProblemOut:
    """A problem of a scenario as the API sends it; its place in words from the scenario's
    ``data`` (its actors' and issues' labels), else from the place it carries, else from its
    path alone (``Actor 1, denuclearization, salience``)."""
    location = problem.location
    place = getattr(problem, "place", None) if data is None else None
    if place is None and location.path:
        place = place_in_words(location.path, data)
    where = [
        part
        for part in (
            location.file,
            f"sheet {location.sheet}" if location.sheet else None,
            f"row {location.row}" if location.row is not None else None,
            f"column {location.column}" if location.column else None,
            f"line {location.line}" if location.line is not None else None,
            place,
        )
        if part
    ]
    return ProblemOut(
        text=str(problem),
        path=location.path,
        message=problem.message,
        place=place,
        worded=f"{', '.join(where)}: {problem.message}" if where else problem.message,
    )


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that may answer with ``statuses``: each an :class:`ErrorOut`
    described in words (for the OpenAPI schema)."""
    return {
        status: {"model": ErrorOut, "description": MEANINGS[status]} for status in sorted(statuses)
    }


def field_problem(error: dict[str, Any]) -> ProblemOut:
    """One of pydantic's errors of a request (FastAPI's ``RequestValidationError``) as a
    problem: where in the request it is, and what is wrong in pydantic's words, with the value
    when it is short (:func:`_given`)."""
    where, *place = error.get("loc") or ("body",)
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        message = (
            f"the request is not valid JSON ({reason} at character {place[0] if place else 0})"
        )
        return ProblemOut(text=message, message=message)
    message = str(error.get("msg", "not valid")).removeprefix("Value error, ")
    given = _given(error.get("input"))
    if given is not None and given not in message:
        message += f" (not {given})"
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in place)
    path = path.lstrip(".") or None
    shown = path or ("the request's body" if where == "body" else f"the {where}")
    return ProblemOut(text=f"{shown}: {message}", path=path, message=message)


def _given(value: Any) -> str | None:
    """A value a problem is about, as a message shows it (``'exe'``, ``5001``) when it is a
    short text or a whole number; None for any other (a list, a mapping, a long text)."""
    if isinstance(value, str) and len(value) <= 60:
        return f"'{visible(value)}'"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**20:
        return str(value)
    return None


def field_refusal(errors: Sequence[dict[str, Any]]) -> ErrorOut:
    """The refusal of a request that does not fit the schema: a sentence naming its first
    problems, and every problem."""
    problems = [field_problem(error) for error in errors]
    count = len(problems)
    said = "; ".join(problem.text for problem in problems[:3]) + ("; ..." if count > 3 else "")
    return ErrorOut(
        detail=f"{count} problem{'s' if count != 1 else ''} in the request: {said}",
        problems=problems,
    )
