"""Home, the record (/ko/log), privacy and terms pages, and the language-negotiating entry points."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..accounts.models import Person
from ..extensions import db, htmx, utcnow
from ..i18n import LANG, negotiate
from ..orgs import queries as org_queries
from ..orgs.models import Membership, Organization, OrgKind
from ..record import EventType, checkpoints, tree
from ..record import queries as record_queries

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
    return render_template("web/home.html", counts=counts, recent=_present(recent.items),
                           total_orgs=sum(counts.values()))


@bp.get(LANG + "/privacy")
def privacy():
    return render_template("web/privacy.html")


@bp.get(LANG + "/terms")
def terms():
    return render_template("web/terms.html")


def _present(events: list) -> list[dict]:  # type: ignore[type-arg]
    """Events with what a reader needs (organisation, person if public, payload), in three queries."""
    orgs = org_queries.by_ids(e.actor_org_id for e in events)
    people_ids = record_queries.people_by_commitment({e.actor_person for e in events if e.actor_person})
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(set(people_ids.values()))))} \
        if people_ids else {}
    officials: set[int] = set()
    if people:
        officials = set(db.session.scalars(select(Membership.person_id).join(Membership.organization).where(
            Membership.person_id.in_(people.keys()), Organization.kind == OrgKind.GOVERNMENT)))
    shown = []
    for e in events:
        leaf = json.loads(e.leaf)
        person = people.get(people_ids.get(e.actor_person, -1)) if e.actor_person else None
        shown.append({
            "event": e, "leaf": leaf, "payload": leaf["payload"], "org": orgs.get(e.actor_org_id),
            "person": person, "person_erased": bool(e.actor_person) and person is None,
            # officials and platform admins act in public (SPEC §6); other people stay unnamed here
            "person_public": person is not None and (person.is_platform_admin or person.id in officials),
            "label": _label(e.event_type),
            "subject_org": None,
        })
    subject_orgs = org_queries.by_ids(s["event"].subject_id for s in shown
                                      if s["event"].subject_type == "organization")
    for s in shown:
        if s["event"].subject_type == "organization":
            s["subject_org"] = subject_orgs.get(s["event"].subject_id)
    return shown


def _label(event_type: str) -> str:
    try:
        return EventType(event_type).label
    except ValueError:
        return event_type


@bp.get(LANG + "/log")
def log():
    event_type = request.args.get("type") or None
    if event_type is not None and event_type not in {t.value for t in EventType}:
        abort(400)
    org_slug = request.args.get("org") or None
    org = org_queries.by_slug_or_404(org_slug) if org_slug else None
    page = record_queries.event_page(event_type=event_type, org_id=org.id if org else None,
                                     before=request.args.get("before"))
    context = {"page": page, "events": _present(page.items), "event_type": event_type, "org": org,
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
    return render_template("web/log_entry.html", item=_present([event])[0], checkpoint=checkpoint,
                           covered=covered, proof=proof, root_b64=base64.b64encode(checkpoint.root_hash).decode())


@bp.get(LANG + "/log/about")
def log_about():
    return render_template("web/log_about.html", key=checkpoints.signing_key().verifier_key())
