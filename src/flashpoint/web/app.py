"""The web app: :func:`create_app` builds the FastAPI application of one server (its pages, its
JSON API, its static files), behind the checks every request passes first
(:mod:`flashpoint.web.guard`: host, origin, token, and the size of its body).

Every refusal, whatever makes it (a route, FastAPI's check of a request against the schema,
Starlette's own for an unknown address), is answered as the guard answers: the API's JSON
(:class:`~flashpoint.web.errors.ErrorOut`) under ``/api`` and for scripts, a page for a browser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from flashpoint import __version__
from flashpoint.web.api import build_router
from flashpoint.web.errors import Refused, field_refusal, problem_out
from flashpoint.web.guard import BodyCap, Guard, refusal
from flashpoint.web.jobs import Jobs
from flashpoint.web.library import Library
from flashpoint.web.pages import build_pages, static_files
from flashpoint.web.settings import WebSettings
from flashpoint.web.whatif import build_whatif, build_whatif_page


async def _refused(request: Request, error: Refused) -> Response:
    """A route's refusal (:class:`Refused`)."""
    problems = [problem_out(problem) for problem in error.problems]
    return refusal(request, error.status, error.message, problems)


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """A request that does not fit the schema: 422, each problem named by its place."""
    said = field_refusal(error.errors())
    return refusal(request, 422, said.detail, said.problems)


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    """Starlette's own refusals (an unknown address, a wrong method) and those raised as HTTP
    errors (a body too large, JSON the API does not take)."""
    message = (
        str(error.detail) if error.status_code != 404 else f"there is no {request.url.path[:80]}"
    )
    return refusal(request, error.status_code, message, headers=error.headers)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app of one server. Its worker processes start with the app (its lifespan: a
    test client used as a context manager, or uvicorn) and stop with it."""
    settings = settings or WebSettings()
    if not settings.local and settings.token is None:
        raise ValueError(
            f"a server on {settings.host} is reachable from other machines: it needs an access"
            " token (flashpoint serve --token, or $FLASHPOINT_TOKEN)"
        )
    library = Library(settings.library)
    state: dict[str, Jobs] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["jobs"] = Jobs(settings.workers, settings.store, settings.kept_results, settings.warm)
        try:
            yield
        finally:
            state.pop("jobs").close()

    app = FastAPI(
        title="flashpoint",
        version=__version__,
        description="Forecasts of multi-party negotiations: the scenario library, runs and"
        " their results, and the run history. The pages of the web app use this API too.",
        lifespan=lifespan,
    )
    app.add_middleware(BodyCap, settings=settings)
    app.add_middleware(Guard, settings=settings)  # added last: the first to see a request
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    jobs = _LateJobs(state)
    app.include_router(build_router(settings, library, jobs))
    app.include_router(build_whatif(settings, library, jobs))
    app.include_router(build_pages(settings, library, jobs))
    app.include_router(build_whatif_page(library, settings))
    app.mount("/static", StaticFiles(directory=static_files()), name="static")
    app.state.settings = settings
    return app


class _LateJobs:
    """The server's :class:`Jobs`, which exist only while the app runs (its lifespan)."""

    def __init__(self, state: dict[str, Jobs]) -> None:
        self._state = state

    def __getattr__(self, name: str):  # noqa: ANN204 (the methods of Jobs)
        try:
            jobs = self._state["jobs"]
        except KeyError:
            raise Refused(409, "the server is starting or stopping; try again") from None
        return getattr(jobs, name)
