"""Configuration: defaults < instance/config.py < environment. Secrets are generated into instance/."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

TRUE = {"1", "true", "yes", "on"}


def _secret(instance: Path, name: str) -> str:
    """Read instance/<name>, creating it with a fresh random value (mode 0600) on first use."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(url: str) -> str:
    """Point postgres:// and postgresql:// URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def defaults(instance: Path) -> dict[str, Any]:
    """Settings for a development machine; production overrides them through the environment."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'gongnon.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 12,
        "WTF_CSRF_SSL_STRICT": True,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        # mail: with no SMTP_HOST, mail is written to the server log instead of being sent
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_SECURITY": "starttls",  # starttls | ssl | none
        "MAIL_FROM": "Gongnon <no-reply@gongnon.localhost>",
        "MAIL_DELIVER_INLINE": None,  # None = inline when mail goes to the log
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "LOG_ORIGIN": None,  # origin line of the signed checkpoints; default from PUBLIC_URL
        "CHECKPOINT_QUIET_SECONDS": 60,  # /log/checkpoint signs a new one when the latest is older
        "TRUSTED_PROXIES": 0,
        "GOVERNMENT_OPERATOR": None,  # set to the operating body's name to show the e-government banner
        "HSTS": False,
        "PASSWORD_METHOD": "scrypt",  # werkzeug's default; tests use a faster one
    }


ENVIRONMENT = {
    # variable: (setting, parser)
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", database_url),
    "REDIS_URL": ("REDIS_URL", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "SMTP_HOST": ("SMTP_HOST", str),
    "SMTP_PORT": ("SMTP_PORT", int),
    "SMTP_USERNAME": ("SMTP_USERNAME", str),
    "SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "SMTP_SECURITY": ("SMTP_SECURITY", str),
    "MAIL_FROM": ("MAIL_FROM", str),
    "PUBLIC_URL": ("PUBLIC_URL", str),
    "LOG_ORIGIN": ("LOG_ORIGIN", str),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "GOVERNMENT_OPERATOR": ("GOVERNMENT_OPERATOR", str),
    "COOKIE_SECURE": ("SESSION_COOKIE_SECURE", lambda v: v.lower() in TRUE),
    "HSTS": ("HSTS", lambda v: v.lower() in TRUE),
    "LOGIN_RATE_LIMIT": ("LOGIN_RATE_LIMIT", str),
    "CHECKPOINT_QUIET_SECONDS": ("CHECKPOINT_QUIET_SECONDS", int),
}


def load(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill app.config in order: defaults, instance/config.py, environment, then test overrides."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(defaults(instance))
    app.config.from_pyfile("config.py", silent=True)
    for variable, (setting, parse) in ENVIRONMENT.items():
        if (value := os.environ.get(variable)) not in (None, ""):
            app.config[setting] = parse(value)
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret(instance, "secret_key")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["MAIL_DELIVER_INLINE"] is None:
        app.config["MAIL_DELIVER_INLINE"] = not app.config["SMTP_HOST"]
    if not app.config["LOG_ORIGIN"]:
        from urllib.parse import urlsplit
        app.config["LOG_ORIGIN"] = urlsplit(app.config["PUBLIC_URL"]).netloc.replace("+", "-") or "gongnon"
