"""The read API, /api/v1 (no language prefix, no login, GET only): consultations with their versions,
comments, invitations, requests and meetings; statements and their signatories; organisations; AI
register entries; the record's events. docs/API.md describes it; openapi.py is its OpenAPI document.

Lists are keyset pages (`cursor`, `limit` 1–200), with the filters of the matching pages; every response
has a strong ETag and answers conditional GETs; what is public is what the pages show (present.py)."""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, g, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..consultations import queries as consultation_queries
from ..consultations.models import NoticeType, Status
from ..extensions import csrf, db, utcnow
from ..i18n import DEFAULT_LANG
from ..orgs import queries as org_queries
from ..orgs.models import OrgKind
from ..record import EventType
from ..record import queries as record_queries
from ..register import queries as register_queries
from ..register.models import Area, EntryStatus
from ..register.views import SCHEMA as REGISTER_SCHEMA
from ..register.views import entry_record
from ..statements import queries as statement_queries
from ..statements.models import Status as StatementStatus
from ..web.timeline import present as present_events
from . import present, queries
from .http import (BadParameter, choice, cors, error, flag, found, handle_http, limit, page, params, positive_id,
                   respond)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # nothing here changes state; a POST is answered 405 in JSON, not refused as a form

LIST = ("cursor", "limit")


@bp.before_request
def _canonical_links() -> None:
    # links to pages are given in both languages; the language of the request plays no part in a body
    g.lang = DEFAULT_LANG


bp.after_request(cors)
bp.register_error_handler(HTTPException, handle_http)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _outside_routes(exc: HTTPException) -> Response:
    """A 404 or 405 no route of ours caught (an id beyond what a column holds, an unknown address): JSON
    under /api/, the error page everywhere else (as web/errors.py renders it)."""
    if request.path.startswith(bp.url_prefix + "/") or request.path == bp.url_prefix:  # type: ignore[operator]
        return cors(handle_http(exc))
    from ..web.errors import render_error
    response = render_error(exc.code or 404)
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


@bp.errorhandler(Exception)
def _crash(_exc: Exception) -> Response:
    logging.getLogger("gongnon").exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return error(500)


@bp.route("/", methods=["GET"])
def index() -> Response:
    """Where everything is: the OpenAPI document and the list endpoints."""
    return respond({"openapi": url_for("api.openapi", _external=True),
                    "documentation": present.pages("api_docs.reference"),
                    "dumps": url_for("open_data.listing", _external=True),
                    "lists": {name: url_for(f"api.{name}", _external=True)
                              for name in ("consultations", "statements", "organizations", "register", "events")}})


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    if request.method not in ("GET", "HEAD"):
        response = error(405)
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response
    return error(404)


@bp.route("/", methods=["POST", "PUT", "PATCH", "DELETE"], endpoint="index_write")
def index_write() -> Response:
    return unknown("")


# ---- consultations --------------------------------------------------------------------------------

@bp.get("/consultations")
def consultations() -> Response:
    args = params(*LIST, "status", "owner", "notice_type")
    now = utcnow()
    status = choice(args, "status", Status, allowed=[s for s in Status if s is not Status.DRAFT])
    owner = None
    if "owner" in args:
        owner = org_queries.by_slug(args["owner"])
        if owner is None:
            raise BadParameter(_("Unknown organisation: %(slug)s.", slug=args["owner"][:60]))
    filters = consultation_queries.ListFilters(status=status, org=owner,
                                               notice_type=choice(args, "notice_type", NoticeType))
    p = consultation_queries.public_page(filters, args.get("cursor"), now, limit=limit(args))
    totals = consultation_queries.comment_totals([c.id for c in p.items])
    return page([present.consultation(c, now, comments=totals.get(c.id, 0)) for c in p.items], p, "consultations")


def _consultation(consultation_id: int) -> Any:
    return found(queries.published_consultation(consultation_id))


@bp.get("/consultations/<id:consultation_id>")
def consultation(consultation_id: int) -> Response:
    params()
    c, now = _consultation(consultation_id), utcnow()
    body = present.consultation(c, now, comments=consultation_queries.comment_totals([c.id]).get(c.id, 0))
    versions = consultation_queries.versions(c)
    body.update({
        "versions": [present.version(c.id, v, None) for v in versions],
        "deadline_changes": [present.deadline_change(d) for d in consultation_queries.deadline_changes(c)],
        "report": present.report(consultation_queries.report(c)),
        "register_entries": [e.id for e in consultation_queries.register_entries(c)],
        "links": {name: present.api_url(name, consultation_id=c.id)
                  for name in ("versions", "comments", "invitations", "requests", "meetings")},
    })
    body["links"]["events"] = present.api_url("events", consultation=c.id)
    return respond(body)


@bp.get("/consultations/<id:consultation_id>/versions")
def versions(consultation_id: int) -> Response:
    args = params(*LIST)
    c = _consultation(consultation_id)
    p, sections = queries.version_page(c, args.get("cursor"), limit(args))
    return page([present.version(c.id, v, sections[v.id]) for v in p.items], p, "versions",
                consultation_id=c.id)


@bp.get("/consultations/<id:consultation_id>/versions/<id:number>")
def version(consultation_id: int, number: int) -> Response:
    params()
    c = _consultation(consultation_id)
    v = found(queries.published_version(c, number))
    return respond(present.version(c.id, v, queries.sections_of([v.id])[v.id]), last_modified=v.published_at)


@bp.get("/consultations/<id:consultation_id>/comments")
def comments(consultation_id: int) -> Response:
    args = params(*LIST, "section", "undisposed")
    c = _consultation(consultation_id)
    section_ids, whole = None, False
    if (on := args.get("section")) == "draft":
        whole = True
    elif on is not None:
        section_ids = consultation_queries.section_ids_for_key(c, on)
        if not section_ids:
            raise BadParameter(_("Unknown section: %(key)s.", key=on[:20]))
    p = consultation_queries.comment_page(c, section_ids=section_ids, whole_draft=whole,
                                          undisposed=bool(flag(args, "undisposed")), after=args.get("cursor"),
                                          limit=limit(args), sources=True)
    return page([present.comment(m) for m in p.items], p, "comments", consultation_id=c.id)


@bp.get("/consultations/<id:consultation_id>/comments/<id:comment_id>")
def comment(consultation_id: int, comment_id: int) -> Response:
    params()
    m = found(queries.comment(_consultation(consultation_id), comment_id))
    d = m.disposition
    times = [m.submitted_at, m.revised_at, m.withdrawn_at, m.hidden_at,
             d.decided_at if d else None, d.changed_at if d else None]
    return respond(present.comment(m), last_modified=max(t for t in times if t is not None))


@bp.get("/consultations/<id:consultation_id>/invitations")
def invitations(consultation_id: int) -> Response:
    args = params(*LIST)
    c = _consultation(consultation_id)
    p, people = queries.invitation_page(c, args.get("cursor"), limit(args))
    status = c.status_at(utcnow())
    return page([present.invitation(i, status, people) for i in p.items], p, "invitations", consultation_id=c.id)


@bp.get("/consultations/<id:consultation_id>/requests")
def requests(consultation_id: int) -> Response:
    args = params(*LIST)
    c = _consultation(consultation_id)
    p, people = queries.request_page(c, args.get("cursor"), limit(args))
    return page([present.participation_request(r, people) for r in p.items], p, "requests", consultation_id=c.id)


@bp.get("/consultations/<id:consultation_id>/meetings")
def meetings(consultation_id: int) -> Response:
    args = params(*LIST)
    c = _consultation(consultation_id)
    p, orgs, people = queries.meeting_page(c, args.get("cursor"), limit(args))
    return page([present.meeting(m, orgs[m.id], people) for m in p.items], p, "meetings", consultation_id=c.id)


# ---- statements -----------------------------------------------------------------------------------

@bp.get("/statements")
def statements() -> Response:
    args = params(*LIST, "status", "published", "drafter")
    now = utcnow()
    drafter = None
    if "drafter" in args:
        drafter = org_queries.by_slug(args["drafter"])
        if drafter is None:
            raise BadParameter(_("Unknown organisation: %(slug)s.", slug=args["drafter"][:60]))
    filters = statement_queries.ListFilters(
        status=choice(args, "status", StatementStatus, allowed=[StatementStatus.OPEN, StatementStatus.CLOSED]),
        published=bool(flag(args, "published")), org=drafter)
    p = statement_queries.public_page(filters, args.get("cursor"), now, limit=limit(args))
    co = queries.co_drafters_of([s.id for s in p.items])
    return page([present.statement(s, now, co[s.id]) for s in p.items], p, "statements")


@bp.get("/statements/<id:statement_id>")
def statement(statement_id: int) -> Response:
    params()
    s, now = found(queries.opened_statement(statement_id)), utcnow()
    body = present.statement(s, now, queries.co_drafters_of([s.id])[s.id])
    counts, pending = statement_queries.signing_counts(s)
    body.update({
        "versions": [present.statement_version(v) for v in queries.frozen_versions(s)],
        # every group counted; individuals who asked not to be named are counted here and never listed
        "signature_counts": {grp.name.lower(): n for grp, n in sorted(counts.items())},
        "pending_reconfirmations": pending,
        "submissions": [{"consultation_id": sub.consultation_id, "comment_id": sub.comment_id,
                         "version": sub.version, "signatory_count": sub.signatory_count,
                         "signatories_sha256": sub.signatories_sha256, "submitted_at": present.moment(sub.submitted_at)}
                        for sub in statement_queries.submissions(s)],
    })
    return respond(body)


@bp.get("/statements/<id:statement_id>/signatories")
def signatories(statement_id: int) -> Response:
    args = params(*LIST, "sort", "lang")
    s = found(queries.opened_statement(statement_id))
    sort = args.get("sort", "date")
    if sort not in statement_queries.SORTS:
        raise BadParameter(_("Unknown value of %(name)s.", name="sort"))
    lang = args.get("lang", DEFAULT_LANG)
    if lang not in ("ko", "en"):
        raise BadParameter(_("Unknown value of %(name)s.", name="lang"))
    p = statement_queries.signature_page(s, sort=sort, lang=lang, after=args.get("cursor"), limit=limit(args))
    return page([present.signature(sig, s.current_version) for sig in p.items], p, "signatories",
                statement_id=s.id)


# ---- organisations --------------------------------------------------------------------------------

@bp.get("/organizations")
def organizations() -> Response:
    args = params(*LIST, "kind")
    p = queries.organization_page(choice(args, "kind", OrgKind), args.get("cursor"), limit(args))
    return page([present.organization(o) for o in p.items], p, "organizations")


@bp.get("/organizations/<slug>")
def organization(slug: str) -> Response:
    params()
    return respond(present.organization(found(queries.public_organization(slug))))


# ---- the AI register ------------------------------------------------------------------------------

@bp.get("/register")
def register() -> Response:
    args = params(*LIST, "body", "area", "status", "assessment", "consultation", "personal_data", "q")
    body = None
    if "body" in args:
        body = register_queries.body_by_slug(args["body"])
        if body is None:
            raise BadParameter(_("Unknown public body: %(slug)s.", slug=args["body"][:60]))
    q = " ".join(args.get("q", "").split())
    if len(q) > register_queries.Q_MAX:
        raise BadParameter(_("Enter at most %(max)d characters to search.", max=register_queries.Q_MAX))
    filters = register_queries.ListFilters(
        body=body, area=choice(args, "area", Area), status=choice(args, "status", EntryStatus),
        assessment=flag(args, "assessment"), consultation=flag(args, "consultation"),
        personal_data=flag(args, "personal_data"), q=q)
    p = queries.entry_page(filters, args.get("cursor"), limit(args))
    links = queries.entry_links([e.id for e in p.items])
    return page([entry_record(e, links[e.id]) for e in p.items], p, "register", extra={"schema": REGISTER_SCHEMA})


@bp.get("/register/<id:entry_id>")
def register_entry(entry_id: int) -> Response:
    params()
    entry = register_queries.entry_or_404(entry_id)
    links = queries.entry_links([entry.id])[entry.id]
    return respond({"schema": REGISTER_SCHEMA, **entry_record(entry, links)}, last_modified=entry.updated_at)


# ---- the record -----------------------------------------------------------------------------------

SCOPES = ("consultation", "statement", "register_entry")


@bp.get("/events")
def events() -> Response:
    """The log's events, newest first, by scope (everything of one consultation, statement or register
    entry), type or acting organisation — the /log page's filters."""
    args = params(*LIST, "type", "org", *SCOPES)
    event_type = args.get("type")
    if event_type is not None and event_type not in {t.value for t in EventType}:
        raise BadParameter(_("Unknown value of %(name)s.", name="type"))
    org = None
    if "org" in args:
        org = org_queries.by_slug(args["org"])
        if org is None:
            raise BadParameter(_("Unknown organisation: %(slug)s.", slug=args["org"][:60]))
    scopes = {name: positive_id(args.get(name), name) for name in SCOPES if name in args}
    if len(scopes) > 1:
        raise BadParameter(_("Give at most one of consultation, statement and register_entry."))
    scope_type, scope_id = next(iter(scopes.items()), (None, None))
    p = record_queries.event_page(event_type=event_type, org_id=org.id if org else None, scope_type=scope_type,
                                  scope_id=scope_id, before=args.get("cursor"), limit=limit(args))
    shown = present_events(p.items)
    newest = p.items[0].occurred_at if p.items else None
    return page([present.event(e, s) for e, s in zip(p.items, shown, strict=True)], p, "events",
                last_modified=newest)


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import document
    return respond(document())


