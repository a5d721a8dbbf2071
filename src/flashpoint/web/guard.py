"""The checks every request passes before any route, and how a refusal is answered.

:class:`Guard` answers first:

- **Host**: the Host header is read as the authority of an address (``name:port``); one with
  more (``evil.com@127.0.0.1:8799``, a path) is refused, and a server on the loopback address
  answers only requests addressed to one of its names (``127.0.0.1``, ``localhost``, ``[::1]``
  and ``allowed_hosts``), so that a web page elsewhere cannot reach it through DNS rebinding.
  The port is not pinned: a tunnel (``ssh -L 9000:127.0.0.1:8765``) reaches the server on
  another port, and the name alone is what rebinding changes.
- **Origin**: a request that changes something (POST, PUT, PATCH, DELETE) must say which page
  sent it, and that page must be one of this server's: its ``Origin`` and ``Referer``, whichever
  it carries, name the server's own name and port; a request carrying neither is refused too
  (cross-site request forgery). Browsers send ``Origin`` with every such request of a page;
  scripts send it themselves.
- **Token**: with an access token set (required beyond the loopback address), every request
  carries it: ``Authorization: Bearer TOKEN``, the cookie set by opening ``/?token=TOKEN``
  once, or ``?token=TOKEN``. Tokens are compared as bytes, in constant time.

:class:`BodyCap` counts the bytes of a request's body as they arrive, whatever their framing
(``Content-Length`` or chunked): a body declared larger than the cap is refused before it is
read, and one that grows past it is refused when it does, unread beyond that point (the
connection is then closed, so nothing more of it is read or kept).

Every response says ``nosniff``, cannot be framed, and pages run only the server's own scripts
(Content-Security-Policy). A refusal is the API's JSON (:class:`~flashpoint.web.errors.ErrorOut`)
under ``/api`` and for scripts, a page for a browser (:func:`refusal`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashpoint.web.errors import ErrorOut, ProblemOut, visible
from flashpoint.web.pages import error_page
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
CLOSE = {"Connection": "close"}  # a body refused unread: the connection ends with the answer
TITLES = {400: "Not this server", 401: "Access token needed", 404: "Not here", 413: "Too large"}

Authority = tuple[str, int | None]


def authority(text: str) -> Authority | None:
    """The host name (lower-case, IPv6 without brackets) and port of an address's authority
    (``[::1]:8765`` is ``("::1", 8765)``), or None if ``text`` is not one alone: a user name
    (``evil.com@127.0.0.1``), a path, a query, a bad port or no name."""
    try:
        parts = urlsplit(f"//{text}")
        port = parts.port
    except ValueError:  # a port that is not a number from 0 to 65535, an unclosed bracket
        return None
    if parts.netloc != text or "@" in text or not parts.hostname:
        return None
    return parts.hostname, port


def page_authority(address: str) -> Authority | None:
    """The authority of the page an ``Origin`` or ``Referer`` names (None for ``null``, a
    scheme other than http and https, or a user name in it)."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return authority(parts.netloc)


def wants_page(request: Request) -> bool:
    """Whether a refusal is shown to a browser as a page (not under /api, HTML accepted)."""
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def refusal(
    request: Request,
    status: int,
    message: str,
    problems: Sequence[ProblemOut] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer refusing ``request``: the API's JSON, or a page for a browser."""
    if wants_page(request):
        sentence = message[:1].upper() + message[1:] + "."
        response: Response = error_page(status, TITLES.get(status, "Refused"), sentence)
    else:
        body = ErrorOut(detail=message, problems=list(problems))
        response = JSONResponse(body.model_dump(), status)
    response.headers.update(headers or {})
    return secured(response)


def secured(response: Response) -> Response:
    """``response`` with the security headers every answer carries."""
    response.headers.update(SECURITY_HEADERS)
    return response


def too_large(settings: WebSettings) -> str:
    """The refusal of a body larger than ``settings`` accept, in words."""
    return (
        f"the request is larger than this server accepts ({settings.max_upload_mb:g} MB for a"
        " file; flashpoint serve --max-upload-mb)"
    )


class Guard(BaseHTTPMiddleware):
    """Host, origin and token checks before any route (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        super().__init__(app)
        self.settings = settings
        self.hosts = {
            *LOOPBACK_NAMES,
            settings.host.lower(),
            *map(str.lower, settings.allowed_hosts),
        }

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        problem = self._host_problem(request) or self._origin_problem(request)
        if problem is not None:
            return refusal(request, *problem)
        token = self.settings.token
        if token is not None:
            if not _same_token(self._token(request), token):
                return refusal(
                    request,
                    401,
                    "this server needs its access token: open the address it printed"
                    " (…/?token=…) or send Authorization: Bearer TOKEN",
                )
            if request.query_params.get("token") and request.method == "GET":
                response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
                return secured(response)
        return secured(await call_next(request))

    def _host_problem(self, request: Request) -> tuple[int, str] | None:
        """Why the Host header is refused (400), if it is."""
        host = request.headers.get("host", "")
        where = authority(host)
        if where is None:
            return 400, f"'{visible(host)}' is not the address of a server (a name and a port)"
        if self.settings.local and where[0] not in self.hosts:
            return 400, f"this server answers as {self.settings.host}, not {visible(where[0])}"
        return None

    @staticmethod
    def _origin_problem(request: Request) -> tuple[int, str] | None:
        """Why a request that changes something is refused as another site's (403), if it is."""
        if request.method in SAFE_METHODS:
            return None
        own = authority(request.headers.get("host", ""))
        pages = [request.headers.get(name) for name in ("origin", "referer")]
        given = [page for page in pages if page is not None]
        if not given:
            return 403, (
                "this request does not say which page sent it, and a request that changes"
                " something is taken only from this server's own pages (a script sends the"
                f" header Origin: http://{visible(request.headers.get('host', ''))})"
            )
        if any(page_authority(page) != own for page in given):
            return 403, "requests from another site's page are refused"
        return None

    @staticmethod
    def _token(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return request.cookies.get(COOKIE) or request.query_params.get("token")


def _same_token(given: str | None, token: str) -> bool:
    """Whether ``given`` is the access token, compared as bytes in constant time (a header is
    read as Latin-1 and may hold any byte; ``compare_digest`` takes only ASCII text)."""
    if given is None:
        return False
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8"))


class BodyCap:
    """Refuse (413) a request whose body is, or grows, larger than ``settings.max_body_bytes``,
    counting what is read whatever its framing (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        most = self.settings.max_body_bytes
        message = too_large(self.settings)
        length = Headers(scope=scope).get("content-length")
        if length is not None and not (
            length.isascii() and length.isdigit() and int(length) <= most
        ):
            await refusal(Request(scope), 413, message, headers=CLOSE)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            received = await receive()
            read += len(received.get("body", b""))
            if read > most:  # answered by the app's handler of HTTP errors (refusal)
                raise HTTPException(413, message, headers=CLOSE)
            return received

        await self.app(scope, counted, send)
