"""Error pages in the visitor's language: 400, 403, 404, 405, 413, 429, 500 (and CSRF failures)."""
from __future__ import annotations

import logging

from flask import Flask, Response, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import Denied
from ..extensions import db
from ..i18n import LANGS, current_lang

log = logging.getLogger("gongnon")
KNOWN = {400, 403, 404, 405, 413, 429, 500}


def render_error(code: int, reason: str | None = None) -> Response:
    """The error page for code, in the language of the URL (or the negotiated one)."""
    if g.get("lang") not in LANGS:
        g.lang = current_lang()
    shown = code if code in KNOWN else (500 if code >= 500 else 400)
    return make_response(render_template("errors/error.html", code=shown, reason=reason), code)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Response:
        return render_error(400, "csrf")

    @app.errorhandler(Denied)
    def _denied(error: Denied) -> Response:
        return render_error(403, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        if error.code is None or error.code < 400:
            return error.get_response()
        response = render_error(error.code)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(_error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
