"""Pages of joint statements (list, page, versions and diffs, print, exports, feed) and the drafters'
and signatories' forms."""
from __future__ import annotations

from flask import Blueprint, abort

from ..i18n import LANG

bp = Blueprint("statements", __name__, url_prefix=LANG + "/statements")


@bp.get("/<id:statement_id>")
def show(statement_id: int):
    abort(404)
