"""The web app: :func:`create_app` builds the FastAPI application of one server (its pages, its
JSON API, its static files) and the guard every request passes first.

The guard (:class:`Guard`) answers before any route:

- **Host**: a server on the loopback address answers only requests addressed to it
  (``127.0.0.1``, ``localhost``, ``[::1]``), so a web page elsewhere cannot reach it through
  DNS rebinding.
- **Origin**: a request that changes something (POST, PUT, DELETE) from another site's page is
  refused (cross-site request forgery).
- **Token**: with an access token set (required beyond the loopback address), every request
  carries it: ``Authorization: Bearer TOKEN``, the cookie set by opening ``/?token=TOKEN``
  once, or ``?token=TOKEN``.
- **Size**: a body larger than the upload cap is refused from its ``Content-Length`` before it
  is read.

Every response says ``nosniff``, cannot be framed, and pages run only the server's own scripts
(Content-Security-Policy).
"""

from __future__ import annotations

import html
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request

from flashpoint import __version__
from flashpoint.web.api import Refused, build_router, refusal_response
from flashpoint.web.jobs import Jobs
from flashpoint.web.library import Library
from flashpoint.web.pages import build_pages, error_page, static_files
from flashpoint.web.settings import WebSettings

COOKIE = "flashpoint_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
        " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self';"
        " object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


def _host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8765`` → ``::1``)."""
    return urlsplit(f"//{header}").hostname or ""


class Guard(BaseHTTPMiddleware):
    """Host, origin, token and size checks before any route (see the module docstring)."""

    def __init__(self, app, settings: WebSettings) -> None:  # noqa: ANN001 (an ASGI app)
        super().__init__(app)
        self.settings = settings
        self.hosts = {*LOOPBACK_NAMES, settings.host, *settings.allowed_hosts}

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        settings = self.settings
        host = request.headers.get("host", "")
        if settings.local and _host_name(host) not in self.hosts:
            return self._refuse(request, 400, f"this server answers as {settings.host}, not {host}")
        origin = request.headers.get("origin")
        if request.method not in SAFE_METHODS and origin and urlsplit(origin).netloc != host:
            return self._refuse(request, 403, "requests from another site's page are refused")
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > settings.max_upload_bytes + 1_000_000:
            return self._refuse(
                request,
                413,
                f"the request is larger than this server accepts ({settings.max_upload_mb:g} MB;"
                " flashpoint serve --max-upload-mb)",
            )
        if settings.token is not None:
            given = self._token(request)
            if given is None or not secrets.compare_digest(given, settings.token):
                return self._refuse(
                    request,
                    401,
                    "this server needs its access token: open the address it printed"
                    " (…/?token=…) or send Authorization: Bearer TOKEN",
                )
            if request.query_params.get("token") and request.method == "GET":
                response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(COOKIE, settings.token, httponly=True, samesite="strict")
                return self._secured(response)
        return self._secured(await call_next(request))

    @staticmethod
    def _token(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return request.cookies.get(COOKIE) or request.query_params.get("token")

    def _refuse(self, request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get(
            "accept", ""
        ):
            response: Response = JSONResponse({"detail": message, "problems": []}, status)
        else:
            response = HTMLResponse(
                f"<!DOCTYPE html><title>flashpoint</title><p>{html.escape(message)}</p>", status
            )
        return self._secured(response)

    @staticmethod
    def _secured(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    """Starlette's own refusals (an unknown address, a wrong method): the API's JSON under
    /api and for scripts, a page for a browser."""
    message = (
        str(error.detail) if error.status_code != 404 else f"there is no {request.url.path[:80]}"
    )
    if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message, "problems": []}, error.status_code, error.headers)
    return error_page(error.status_code, "Not here", message[:1].upper() + message[1:] + ".")


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
    app.add_middleware(Guard, settings=settings)
    app.add_exception_handler(Refused, refusal_response)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    jobs = _LateJobs(state)
    app.include_router(build_router(settings, library, jobs))
    app.include_router(build_pages(settings, library, jobs))
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
