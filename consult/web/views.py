"""Home, the record (/ko/log), privacy and terms pages, and the language-negotiating entry points."""
from __future__ import annotations

import base64
from datetime import timedelta

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from ..consultations import queries as consultation_queries
from ..consultations.models import Status
from ..extensions import htmx, utcnow
from ..i18n import LANG, negotiate
from ..orgs import queries as org_queries
from ..record import EventType, checkpoints, tree
from ..record import queries as record_queries
from .timeline import present

bp = Blueprint("web", __name__)


@bp.get("/")
def root():
    return redirect(url_for("web.home", lang=negotiate()), 302)


@bp.get("/log")
def log_negotiate():
    return redirect(url_for("web.log", lang=negotiate(), **request.args.to_dict()), 302)


@bp.get(LANG + "/")
def home():
    counts = org_queries.kind_counts()
    recent = record_queries.event_page(limit=8)
    now = utcnow()
    open_now = consultation_queries.public_page(consultation_queries.ListFilters(status=Status.OPEN), None, now,
                                                limit=5)
    return render_template("web/home.html", counts=counts, recent=present(recent.items),
                           total_orgs=sum(counts.values()), open_now=open_now.items, now=now)


@bp.get(LANG + "/privacy")
def privacy():
    return render_template("web/privacy.html")


@bp.get(LANG + "/terms")
def terms():
    return render_template("web/terms.html")


@bp.get(LANG + "/log")
def log():
    event_type = request.args.get("type") or None
    if event_type is not None and event_type not in {t.value for t in EventType}:
        abort(400)
    org_slug = request.args.get("org") or None
    org = org_queries.by_slug_or_404(org_slug) if org_slug else None
    scopes = {}
    for name in ("consultation", "statement", "register_entry"):
        scope_id = request.args.get(name, type=int)
        if request.args.get(name) and (scope_id is None or not 0 < scope_id < 2**63):
            abort(400)
        if scope_id:
            scopes[name] = scope_id
    if len(scopes) > 1:
        abort(400)
    scope_type, scope_id = next(iter(scopes.items()), (None, None))
    page = record_queries.event_page(event_type=event_type, org_id=org.id if org else None,
                                     scope_type=scope_type, scope_id=scope_id, before=request.args.get("before"))
    context = {"page": page, "events": present(page.items), "event_type": event_type, "org": org,
               "consultation_id": scopes.get("consultation"), "statement_id": scopes.get("statement"),
               "register_entry_id": scopes.get("register_entry"),
               "types": list(EventType)}
    if htmx and htmx.target == "log-results":
        return render_template("web/_log_results.html", **context)
    return render_template("web/log.html", **context)


@bp.get(LANG + "/log/<int:seq>")
def log_entry(seq: int):
    g.writes = True  # serving the entry may publish a checkpoint that covers it
    event = record_queries.by_seq(seq)
    if event is None:
        abort(404)
    quiet = timedelta(seconds=current_app.config["CHECKPOINT_QUIET_SECONDS"])
    checkpoint = checkpoints.current(now=utcnow(), quiet=quiet)
    covered = checkpoint.tree_size > seq
    proof = tree.inclusion_proof(seq, checkpoint.tree_size) if covered else []
    return render_template("web/log_entry.html", item=present([event])[0], checkpoint=checkpoint,
                           covered=covered, proof=proof, root_b64=base64.b64encode(checkpoint.root_hash).decode())


@bp.get(LANG + "/log/about")
def log_about():
    return render_template("web/log_about.html", key=checkpoints.signing_key().verifier_key())
