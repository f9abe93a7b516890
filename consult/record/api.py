"""The log's public endpoints, outside the /ko and /en prefixes, no login (issue: verifiable record).

GET /log/checkpoint · /log/key · /log/entries?start&end · /log/proof/inclusion?index&size ·
/log/proof/consistency?from&to. Bad parameters get a 400 with a JSON error, never a 500.
"""
from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import select

from ..extensions import db, utcnow
from . import checkpoints, tree
from .models import Event, RecordHead

bp = Blueprint("log", __name__, url_prefix="/log")

MAX_ENTRIES = 1000
_NUMBER = re.compile(r"^[0-9]{1,18}$")
IMMUTABLE = "public, max-age=31536000, immutable"


class BadRequest(Exception):
    pass


def _int(name: str) -> int:
    value = request.args.get(name)
    if value is None:
        raise BadRequest(f"missing parameter {name!r}")
    if not _NUMBER.match(value):
        raise BadRequest(f"parameter {name!r} must be a non-negative integer")
    return int(value)


def _size() -> int:
    return db.session.scalar(select(RecordHead.size)) or 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@bp.errorhandler(BadRequest)
def _bad(error: BadRequest) -> tuple[Response, int]:
    return jsonify({"error": "bad_request", "message": str(error)}), 400


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # anyone may verify, from anywhere
    return response


def _immutable(body: dict) -> Response:  # type: ignore[type-arg]
    """JSON about a fixed range of the log: it never changes, so caches may keep it for good."""
    response = jsonify(body)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _text(body: str, cache: str) -> Response:
    return Response(body, mimetype="text/plain", headers={"Cache-Control": cache})


@bp.get("/checkpoint")
def checkpoint() -> Response:
    g.writes = True  # may publish a new checkpoint
    quiet = timedelta(seconds=current_app.config["CHECKPOINT_QUIET_SECONDS"])
    latest = checkpoints.current(now=utcnow(), quiet=quiet)
    return _text(latest.note, "no-cache")


@bp.get("/key")
def key() -> Response:
    return _text(checkpoints.signing_key().verifier_key() + "\n", "public, max-age=300")


@bp.get("/entries")
def entries() -> Response:
    start, end, size = _int("start"), _int("end"), _size()
    if start >= end:
        raise BadRequest("start must be smaller than end")
    if end > size:
        raise BadRequest(f"end is beyond the tree size {size}")
    end = min(end, start + MAX_ENTRIES)
    rows = db.session.execute(select(Event.seq, Event.leaf).where(Event.seq >= start, Event.seq < end)
                              .order_by(Event.seq))
    return _immutable({"entries": [{"index": seq, "leaf": _b64(leaf.encode("utf-8")), "event": json.loads(leaf)}
                                   for seq, leaf in rows]})


@bp.get("/proof/inclusion")
def inclusion() -> Response:
    index, size = _int("index"), _int("size")
    if size > _size():
        raise BadRequest("size is beyond the tree size")
    if index >= size:
        raise BadRequest("index must be smaller than size")
    return _immutable({"index": index, "size": size, "leaf_hash": _b64(tree.leaf_hash_at(index)),
                       "proof": [_b64(h) for h in tree.inclusion_proof(index, size)]})


@bp.get("/proof/consistency")
def consistency() -> Response:
    old, new = _int("from"), _int("to")
    if new > _size():
        raise BadRequest("to is beyond the tree size")
    if old > new:
        raise BadRequest("from must not be larger than to")
    return _immutable({"from": old, "to": new, "proof": [_b64(h) for h in tree.consistency_proof(old, new)]})
