"""Pages about the open data: the API reference (/ko/api, /en/api, rendered from the OpenAPI document)
and the dumps (/ko/data, /en/data; /data/ negotiates the language; the files are under /data/<date>/,
and /data/latest/<file> redirects to the newest dump's)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, g, redirect, request, render_template, send_from_directory, url_for

from ..i18n import LANG, negotiate
from . import export
from .openapi import document

docs_bp = Blueprint("api_docs", __name__, url_prefix=LANG)
data_bp = Blueprint("open_data", __name__, url_prefix="/data")

FILE_TYPES = {".csv": "text/csv; charset=utf-8", ".jsonl": "application/x-ndjson; charset=utf-8",
              ".json": "application/json", ".txt": "text/plain; charset=utf-8"}


@docs_bp.get("/api")
def reference():
    doc = document(g.lang)
    operations = []
    for route, item in doc["paths"].items():
        for method, op in item.items():
            example = op.get("x-example")
            operations.append({"method": method.upper(), "path": "/api/v1" + route, "op": op, "example": example,
                               "params": [p for p in op.get("parameters", []) if p["in"] != "header"],
                               "answer": _answer(op), "codes": ", ".join(op["responses"])})
    return render_template("api/reference.html", doc=doc, operations=operations,
                           openapi_url=url_for("api.openapi"), schema_names=sorted(doc["components"]["schemas"]))


def _answer(op: dict[str, Any]) -> str:
    """The object an operation answers with: a schema's name, or "page of <name>"."""
    schema = op["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    item = schema.get("properties", {}).get("data", {}).get("items", {}).get("$ref")
    return f"[{item.rsplit('/', 1)[1]}]" if item else "object"


def _summary(folder: Path) -> dict[str, Any]:
    """What the listing shows of a dump: its files and, from datapackage.json, its checkpoint and counts."""
    package: dict[str, Any] = {}
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    counts = {r["path"].rsplit(".", 1)[0]: r.get("count") for r in package.get("resources", []) if r.get("format") == "csv"}
    files = sorted((p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file())
    return {"date": folder.name, "files": files, "checkpoint": package.get("checkpoint"), "counts": counts}


@docs_bp.get("/data")
def index():
    dumps = [_summary(d) for d in export.dumps()]
    return render_template("api/data.html", dumps=dumps, kinds=export.KINDS)


@data_bp.get("/")
def listing():
    """/data/ for people negotiates a language; programs asking for JSON get the list of dumps."""
    if request.accept_mimetypes.best == "application/json":
        return {"dumps": [{"date": d.name, "files": [url_for("open_data.file", date=d.name, name=p.name, _external=True)
                                                      for p in sorted(d.iterdir()) if p.is_file()]}
                          for d in export.dumps()]}
    return redirect(url_for("api_docs.index", lang=negotiate()), 302)


@data_bp.get("/latest/<name>")
def latest(name: str):
    dumps = export.dumps()
    if not dumps:
        abort(404)
    return redirect(url_for("open_data.file", date=dumps[0].name, name=name), 302)


@data_bp.get("/<date>/<name>")
def file(date: str, name: str):
    folder = next((d for d in export.dumps() if d.name == date), None)
    suffix = Path(name).suffix
    if folder is None or suffix not in FILE_TYPES or not (folder / name).is_file():
        abort(404)
    response = send_from_directory(folder, name, mimetype=FILE_TYPES[suffix], as_attachment=suffix in (".csv", ".jsonl"),
                                   max_age=86400)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
