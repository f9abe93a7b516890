"""Public pages of the AI register: the list with filters and search, entry pages with their history,
per-body pages, the coverage overview and the open data (JSON, CSV, Atom)."""
from __future__ import annotations

from flask import Blueprint

from ..i18n import LANG

bp = Blueprint("register", __name__, url_prefix=LANG + "/ai-register")

from . import manage  # noqa: E402,F401  (officials' and organisations' forms, on this blueprint)
