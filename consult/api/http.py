"""What every API response shares: JSON errors, CORS for reads, strong ETags and conditional GET, query
parameters checked against what the endpoint knows, and the page envelope."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Iterable

from flask import Response, abort, g, request
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.exceptions import HTTPException

from ..i18n import negotiate
from ..pagination import Page

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 429: "too_many_requests",
         500: "internal_error"}


class BadParameter(HTTPException):
    """A 400 that names the parameter at fault."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def _message(code: int) -> str:
    return {400: _("The request is not valid: check its parameters and cursor."),
            404: _("There is no such object, or it is not public."),
            405: _("The read API only answers GET, HEAD and OPTIONS."),
            429: _("Too many requests: slow down and try again.")}.get(code, _("Something went wrong on our side."))


def error(code: int, message: str | None = None) -> Response:
    """{"error": {"code", "message"}} in the language the client asks for (Accept-Language)."""
    g.lang = negotiate()
    refresh()
    body = {"error": {"code": CODES.get(code, "error"), "message": message or _message(code)}}
    response = Response(json.dumps(body, ensure_ascii=False), status=code, mimetype="application/json")
    response.headers["Vary"] = "Accept-Language"
    return response


def handle_http(exc: HTTPException) -> Response:
    code = exc.code or 500
    if code < 400:
        return exc.get_response()
    message = exc.description if isinstance(exc, BadParameter) else None
    response = error(code, message)
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def cors(response: Response) -> Response:
    """Anyone may read, from any origin, without credentials (no cookies are needed or honoured)."""
    h = response.headers
    h["Access-Control-Allow-Origin"] = "*"
    h["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    h["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept-Language"
    h["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    h["Access-Control-Max-Age"] = "86400"
    return response


# ---- parameters -----------------------------------------------------------------------------------

def params(*known: str) -> dict[str, str]:
    """The query string, refused (400) if it names a parameter the endpoint does not know or repeats one:
    a mistyped filter must not silently return everything."""
    unknown = sorted(set(request.args) - {*known})
    if unknown:
        raise BadParameter(_("Unknown parameter: %(name)s.", name=unknown[0]))
    for name in request.args:
        if len(request.args.getlist(name)) > 1:
            raise BadParameter(_("Give %(name)s once.", name=name))
        if "\x00" in request.args[name] or "\\u0000" in _decoded(request.args[name]):
            # PostgreSQL refuses NUL in text: the client's error, not the server's
            raise BadParameter(_("%(name)s holds a NUL character.", name=name))
    return {k: v for k, v in request.args.items() if v != ""}


def _decoded(value: str) -> str:
    """What a cursor decodes to, loosely (to spot an escaped NUL inside its JSON); "" if it is not one."""
    import base64
    import binascii
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8", "replace")
    except (ValueError, binascii.Error):
        return ""


def limit(args: dict[str, str]) -> int:
    """`limit`, 1–200 (default 50); anything else is a 400, not silently clamped."""
    value = args.get("limit")
    if value is None:
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadParameter(_("limit must be a whole number from 1 to %(max)d.", max=MAX_LIMIT))
    return int(value)


def choice(args: dict[str, str], name: str, enum: type[StrEnum], allowed: Iterable[Any] | None = None) -> Any:
    value = args.get(name)
    if value is None:
        return None
    try:
        member = enum(value)
    except ValueError:
        member = None
    if member is None or (allowed is not None and member not in allowed):
        raise BadParameter(_("Unknown value of %(name)s.", name=name))
    return member


def flag(args: dict[str, str], name: str) -> bool | None:
    value = args.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise BadParameter(_("%(name)s must be true or false.", name=name))
    return value == "true"


def positive_id(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**31:
        raise BadParameter(_("%(name)s must be a positive id.", name=name))
    return int(value)


def found(obj: Any) -> Any:
    if obj is None:
        abort(404)
    return obj


# ---- responses ------------------------------------------------------------------------------------

def respond(body: dict[str, Any], *, last_modified: datetime | None = None) -> Response:
    """The body as JSON with a strong ETag (SHA-256 of the bytes sent) and Last-Modified where the object
    has a natural time; answers 304 to a matching If-None-Match (or, without one, to If-Modified-Since)."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(data, mimetype="application/json")
    response.set_etag(hashlib.sha256(data).hexdigest()[:40])
    if last_modified is not None:
        response.last_modified = last_modified
    return response.make_conditional(request)


def page(items: list[dict[str, Any]], p: Page[Any], endpoint: str, *,
         last_modified: datetime | None = None, extra: dict[str, Any] | None = None, **values: Any) -> Response:
    """A list page: {"data": [...], "next_cursor", "next"} and a Link header to the next page."""
    from flask import url_for
    next_url = None
    if p.next_cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(f"api.{endpoint}", _external=True, **values, **args, cursor=p.next_cursor)
    body = {"data": items, "next_cursor": p.next_cursor, "next": next_url, **(extra or {})}
    response = respond(body, last_modified=last_modified)
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response
