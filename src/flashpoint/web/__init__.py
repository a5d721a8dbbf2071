"""The local web app: ``flashpoint serve`` (or :func:`create_app` for any ASGI server).

::

    from flashpoint.web import WebSettings, create_app

    app = create_app(WebSettings(port=8765))        # uvicorn.run(app, host=..., port=...)

Pages for the scenario library, the editor, runs and their charts and the run history; a JSON
API with its OpenAPI schema at ``/openapi.json`` (:mod:`flashpoint.web.api`); runs done by
worker processes (:mod:`flashpoint.web.jobs`). See ``docs/web.md``.
"""

from flashpoint.web.app import create_app
from flashpoint.web.settings import WebSettings, default_library, is_loopback, with_token

__all__ = ["WebSettings", "create_app", "default_library", "is_loopback", "with_token"]
