"""What a JSON body may hold: JSON's own grammar, and nothing Python's reader lets through
beyond it. Python's :mod:`json` reads ``NaN`` and ``Infinity``, a number too large for a float
(``1e400``) as infinity, and a lone surrogate (``"\\ud800"``, half of a pair of characters that
cannot stand alone) as text that no file, page or answer can then be written with. The API's
routes read their bodies through :class:`CheckedRoute`, which refuses each of them (422) with
the problem in words before any route sees the body.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from flashpoint.web.errors import visible


def _not_a_number(name: str) -> float:
    """Refuse ``NaN``, ``Infinity`` or ``-Infinity`` (what :func:`json.loads` calls this for)."""
    raise HTTPException(
        422, f"the request holds {name}, which is not a number JSON allows: write a number"
    )


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, refused if too large for a float."""
    value = float(text)
    if not math.isfinite(value):
        raise HTTPException(
            422,
            f"the number {text[:40]} in the request is too large (numbers go up to about"
            " 1.8e308): write a smaller one",
        )
    return value


def _surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text`` (as ``U+D800``), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"U+{ord(text[error.start]):04X}"
    return None


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """The first text of parsed JSON ``value`` (a name or a value) that holds a lone
    surrogate: where it is (``actors[0].label``) and the character (``U+D800``); None if none
    does."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                inside = f"{path}.{key}" if path else str(key)
                stack.extend([(inside, inner), (inside, key)])
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", inner) for index, inner in enumerate(item))
        elif isinstance(item, str) and (code := _surrogate(item)) is not None:
            return visible(path, 200), code
    return None


def read_json(body: bytes) -> Any:
    """A JSON body parsed, or refused (422) if it holds NaN, Infinity, a number too large or a
    lone surrogate; a body that is not JSON raises :class:`json.JSONDecodeError`."""
    value = json.loads(body, parse_constant=_not_a_number, parse_float=_finite)
    found = lone_surrogate(value)
    if found is not None:
        path, code = found
        where = f" (at {path})" if path else ""
        raise HTTPException(
            422,
            f"a text in the request{where} holds {code}, half of a pair of characters that"
            " cannot stand alone (a lone surrogate), which no file can hold: delete it",
        )
    return value


class _CheckedRequest(Request):
    """A request whose JSON body is read by :func:`read_json`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = read_json(await self.body())
        return self._json


class CheckedRoute(APIRoute):
    """A route whose JSON body is read by :func:`read_json`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            return await handler(_CheckedRequest(request.scope, request.receive))

        return checked
