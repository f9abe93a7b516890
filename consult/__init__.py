"""Gongnon (공론): create_app() wires config → extensions → i18n → blueprints → error pages."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config
from .extensions import babel, configure_sqlite, csrf, db, htmx, limiter, login_manager, migrate, utcnow

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

CSP = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])


class _Int64Converter(IntegerConverter):
    """`<int:…>` that matches only what a BIGINT holds: a larger id is a 404, not a database error."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


class _IdConverter(IntegerConverter):
    """`<id:…>` for the 32-bit INTEGER keys of most tables: a larger number is a 404, not an
    out-of-range error from PostgreSQL (SQLite would not mind, which is how it slipped through)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The application, configured from defaults < instance/config.py < environment < overrides."""
    instance = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("GONGNON_INSTANCE") or ROOT / "instance"
    app = Flask(__name__, instance_path=str(instance), template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    config.load(app, overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.url_map.converters["int"] = _Int64Converter
    app.url_map.converters["id"] = _IdConverter
    _extensions(app)
    from . import i18n
    i18n.init_app(app)
    _blueprints(app)
    from .web import errors
    errors.init_app(app)
    _templates(app)
    _security_headers(app)
    _mail_in_development(app)
    from . import cli
    cli.init_app(app)
    return app


def _extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    # models must be imported for Alembic's autogenerate and for relationships to resolve
    from .accounts import models as _a  # noqa: F401
    from .consultations import models as _c  # noqa: F401
    from .mail import models as _m  # noqa: F401
    from .orgs import models as _o  # noqa: F401
    from .record import models as _r  # noqa: F401
    from .register import models as _g  # noqa: F401
    from .statements import models as _s  # noqa: F401
    from .search import index as search_index, models as _x  # noqa: F401
    search_index.listen(db.session)  # search documents are rewritten in the transaction of every write
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

    from .i18n import current_lang
    babel.init_app(app, locale_selector=current_lang)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from .accounts.queries import load_for_login
    login_manager.user_loader(load_for_login)


def _blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts
    from .api.pages import data_bp, docs_bp
    from .api.views import bp as api
    from .consultations.views import bp as consultations
    from .orgs.views import admin_bp, bp as orgs
    from .record.api import bp as log_api
    from .register.views import bp as register
    from .search.views import bp as search
    from .statements.views import bp as statements
    from .web.cite import bp as cite
    from .web.views import bp as web
    for blueprint in (web, cite, accounts, orgs, admin_bp, consultations, statements, register, search, log_api):
        app.register_blueprint(blueprint)
    for blueprint in (api, docs_bp, data_bp):  # the read API, its reference page, the dumps (issue 9)
        app.register_blueprint(blueprint)


def _templates(app: Flask) -> None:
    from . import policy
    from .accounts.models import NAME_WITHHELD
    app.jinja_env.globals.update(policy=policy, NAME_WITHHELD=NAME_WITHHELD)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"lang": g.get("lang", "ko"), "government_operator": app.config["GOVERNMENT_OPERATOR"]}


def _security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        if app.config["HSTS"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            h.add("Vary", "HX-Request")
            h.add("Vary", "Cookie")
            h.setdefault("Cache-Control", "no-store" if request.cookies.get("session") else "no-cache")
        if "lang" in g and response.mimetype == "text/html":
            h.setdefault("Content-Language", g.lang)
        return response


def _mail_in_development(app: Flask) -> None:
    """With no SMTP server configured, mail goes to the log right after the request that queued it,
    so a newcomer finds the verification link in the `make run` output."""
    @app.teardown_request
    def _deliver(_exc: BaseException | None) -> None:
        if g.pop("mail_enqueued", False) and app.config["MAIL_DELIVER_INLINE"]:
            from .mail.delivery import deliver_due
            deliver_due(utcnow())
