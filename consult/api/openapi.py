"""The OpenAPI 3.1 document of the read API, built from small declarations kept beside the endpoints
(views.py). Served at /api/v1/openapi.json, rendered as the reference page (/ko/api, /en/api) and
copied into every dump. Descriptions are English; the reference page shows them translated where the
catalogue has them. Schemathesis (tests/api/test_schemathesis.py) checks the API against it."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..consultations.models import (CommentStatus, InvitationState, MeetingFormat, MeetingKind, Mode, NoticeType,
                                   Outcome, Purpose, RequestDecision, Status)
from ..orgs.models import GovSubkind, OrgKind, VerificationStatus
from ..record import EventType
from ..register.models import Area, EntryStatus
from ..statements.models import Group
from .http import DEFAULT_LIMIT, MAX_LIMIT

VERSION = "1.0.0"
S = dict[str, Any]


# ---- schema helpers -------------------------------------------------------------------------------

def ref(name: str) -> S:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: S) -> S:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def obj(properties: dict[str, S], description: str = "") -> S:
    """An object with exactly these properties, all present (values may be null where declared)."""
    out: S = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        out["description"] = description
    return out


def enum(values: Any, description: str = "") -> S:
    out: S = {"type": "string", "enum": [v.value if hasattr(v, "value") else v for v in values]}
    if description:
        out["description"] = description
    return out


def array(items: S) -> S:
    return {"type": "array", "items": items}


INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
BI = ref("Bilingual")
NAME = nullable(ref("Bilingual"))
PAGES = ref("PageUrls")


def schemas() -> dict[str, S]:
    org_ref = obj({"id": INT, "slug": STR, "kind": enum(OrgKind), "name": BI}, "An organisation referred to.")
    return {
        "Bilingual": obj({"ko": nullable(STR), "en": nullable(STR)},
                         "Text in Korean and English; either may be null (not given in that language)."),
        "PageUrls": obj({"ko": URL, "en": URL}, "The page's address in Korean and in English."),
        "Error": obj({"error": obj({"code": enum(["bad_request", "not_found", "method_not_allowed",
                                                  "too_many_requests", "internal_error", "error"]),
                                    "message": STR})}),
        "OrgRef": org_ref,
        "Organization": obj({
            "id": INT, "slug": STR, "kind": enum(OrgKind), "subkind": nullable(enum(GovSubkind)), "name": BI,
            "short_name": BI, "description": BI, "website": nullable(STR), "created_at": TIME,
            "verification": obj({"status": enum([s for s in VerificationStatus if s is not VerificationStatus.PENDING]),
                                 "decided_at": nullable(TIME), "note": BI, "decided_by": NAME}),
            "urls": obj({"page": PAGES, "api": URL})}),
        "Consultation": obj(_consultation()),
        "ConsultationDetail": obj({
            **_consultation(), "versions": array(ref("VersionSummary")),
            "deadline_changes": array(obj({"changed_at": TIME, "old_closes_at": TIME, "new_closes_at": TIME,
                                           "reason": BI})),
            "report": nullable(ref("Report")), "register_entries": array(INT),
            "links": obj({k: URL for k in ("versions", "comments", "invitations", "requests", "meetings", "events")})}),
        "Report": obj({"title": BI, "body": BI, "published_at": TIME, "published_by": NAME, "undisposed_reason": BI}),
        "VersionSummary": obj(_version()),
        "Version": obj({**_version(), "sections": array(ref("Section"))}),
        "Section": obj(_section()),
        "SectionRow": obj({"consultation_id": INT, "version": INT, **_section()}, "A section in the dumps."),
        "Disposition": obj({
            "outcome": enum(Outcome), "reason": BI, "decided_at": TIME, "changed_at": nullable(TIME), "decided_by": NAME,
            "changed_sections": array(obj({"version": INT, "key": STR, "number": BI}))}),
        "Comment": obj({
            "id": INT, "consultation_id": INT, "version": INT,
            "section": nullable(obj({"id": INT, "key": STR, "number": BI})),
            "author": obj({"kind": enum(["organization", "individual"]), "organization": nullable(ref("OrgRef")),
                           "name": NAME}),
            "status": enum(CommentStatus), "lang": enum(["ko", "en"]), "body": nullable(STR),
            "body_html": nullable(STR), "translation": nullable(STR), "translation_html": nullable(STR),
            "submitted_at": TIME, "revised_at": nullable(TIME), "revision_count": INT,
            "withdrawn_at": nullable(TIME), "withdrawal_reason": BI, "hidden_at": nullable(TIME), "hidden_reason": BI,
            "campaign_id": nullable(INT), "disposition": nullable(ref("Disposition")),
            "urls": obj({"page": PAGES, "api": URL})}),
        "Invitation": obj({
            "id": INT, "consultation_id": INT, "organization": nullable(ref("OrgRef")), "invited_name": NAME,
            "purpose": enum(Purpose), "state": enum([*[s.value for s in InvitationState], "no_answer"]),
            "sent_at": TIME, "invited_by": NAME, "answered_at": nullable(TIME), "answer_reason": BI,
            "withdrawn_at": nullable(TIME), "withdrawn_by": NAME, "withdrawal_reason": BI,
            "attached_at": nullable(TIME)}),
        "ParticipationRequest": obj({
            "id": INT, "consultation_id": INT, "organization": ref("OrgRef"), "requested_at": TIME,
            "motivation": BI, "decision": enum(RequestDecision), "decided_at": nullable(TIME), "decided_by": NAME,
            "reason": BI}),
        "Meeting": obj({
            "id": INT, "consultation_id": INT, "kind": enum(MeetingKind), "format": enum(MeetingFormat),
            "held_at": TIME, "ends_at": nullable(TIME), "title": BI, "place": BI, "minutes": BI,
            "minutes_pdf": nullable(obj({"filename": STR, "sha256": STR, "size": nullable(INT), "url": URL})),
            "invited": array(ref("OrgRef")), "attended": array(ref("OrgRef")), "recorded_at": TIME,
            "recorded_by": NAME}),
        "Statement": obj(_statement()),
        "StatementDetail": obj({
            **_statement(), "versions": array(ref("StatementVersion")),
            "signature_counts": {"type": "object", "additionalProperties": INT,
                                 "description": "Signatures per group of the list (" + ", ".join(
                                     g.name.lower() for g in Group) + "); `unnamed` are counted, never listed."},
            "pending_reconfirmations": INT,
            "submissions": array(obj({"consultation_id": INT, "comment_id": INT, "version": INT,
                                      "signatory_count": INT, "signatories_sha256": STR, "submitted_at": TIME}))}),
        "StatementVersion": obj({"statement_id": INT, "number": INT, "title": BI, "body": BI, "change_note": BI,
                                 "frozen_at": TIME, "content_sha256": STR}),
        "Signature": obj({
            "id": INT, "statement_id": INT, "group": enum([g.name.lower() for g in Group if g is not Group.UNNAMED]),
            "kind": enum([*[k.value for k in OrgKind], "individual"]), "organization": nullable(ref("OrgRef")),
            "name": NAME, "signed_at": TIME, "version": INT, "first_version": INT,
            "state": enum(["current", "pending", "withdrawn"]), "reconfirmed_at": nullable(TIME),
            "withdrawn_at": nullable(TIME), "withdrawal_reason": BI}),
        "RegisterEntry": {
            "type": "object", "required": ["id", "body", "revision", "created_at", "updated_at", "content_sha256",
                                           "links", "consultations", "content"],
            "description": "An AI register entry exactly as the register's own JSON export gives it; `content` is "
                           "the document whose RFC 8785 canonical JSON hashes to content_sha256.",
            "properties": {
                "schema": STR, "id": INT,
                "body": obj({"id": INT, "slug": STR, "name": BI, "url": URL}),
                "revision": INT, "created_at": TIME, "updated_at": TIME, "content_sha256": STR,
                "links": obj({"page": URL, "history": URL, "json": URL}),
                "consultations": array(obj({"id": INT, "kind": enum(["assessment", "related"]), "title": BI,
                                            "url": URL, "record": URL})),
                "content": {"type": "object"}}},
        "Event": obj({
            "seq": INT, "occurred_at": TIME, "type": STR,
            "subject": obj({"type": STR, "id": nullable(INT)}),
            "scope": nullable(obj({"type": STR, "id": nullable(INT)})),
            "actor_org_id": nullable(INT), "actor_person": nullable(STR), "actor_person_name": NAME,
            "leaf": {"type": "string", "description": "RFC 8785 canonical JSON, exactly as hashed into the log"},
            "leaf_hash": STR, "event": {"type": "object"},
            "urls": obj({"page": PAGES, "entry": URL})}),
        "Index": obj({"openapi": URL, "documentation": PAGES, "dumps": URL,
                      "lists": obj({k: URL for k in ("consultations", "statements", "organizations", "register",
                                                     "events")})}),
    }


def _consultation() -> dict[str, S]:
    return {
        "id": INT, "title": BI, "summary": BI, "department": BI, "instrument": BI, "owner": ref("OrgRef"),
        "notice_type": enum(NoticeType), "mode": enum(Mode), "allows_individuals": BOOL,
        "target_groups": array(enum(OrgKind)), "status": enum([s for s in Status if s is not Status.DRAFT]),
        "opens_at": TIME, "closes_at": TIME, "period_days": INT, "short_period_reason": BI, "published_at": TIME,
        "concluded_at": nullable(TIME), "comment_count": INT,
        "urls": obj({"page": PAGES, "record": PAGES, "api": URL})}


def _version() -> dict[str, S]:
    return {"consultation_id": INT, "number": INT, "title": BI, "summary": BI, "change_note": BI,
            "published_at": TIME, "content_sha256": STR, "urls": obj({"page": PAGES, "api": URL})}


def _section() -> dict[str, S]:
    return {"id": INT, "key": STR, "position": INT, "number": BI, "heading": BI, "body": BI}


def _statement() -> dict[str, S]:
    return {
        "id": INT, "title": BI, "owner": ref("OrgRef"), "co_drafters": array(ref("OrgRef")),
        "consultation_id": nullable(INT), "allows_individuals": BOOL, "status": enum(["open", "closed"]),
        "signing_deadline": nullable(TIME), "opened_at": TIME, "published_at": nullable(TIME),
        "closed_at": nullable(TIME), "current_version": INT, "signature_count": INT,
        "urls": obj({"page": PAGES, "api": URL, "signatories": URL})}


# ---- parameters and operations --------------------------------------------------------------------

def q(name: str, schema: S, description: str) -> S:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path(name: str, schema: S, description: str) -> S:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
CURSOR = q("cursor", {"type": "string", "maxLength": 400},
           _l("Opaque cursor from `next_cursor` of the previous page. A malformed cursor is a 400."))
LIMIT = q("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
          _l("Items per page, 1–%(max)d (default %(default)d). A larger value is a 400, not clamped.",
             max=MAX_LIMIT, default=DEFAULT_LIMIT))
TF = {"type": "string", "enum": ["true", "false"]}
CONDITIONAL = [
    {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
     "description": "An ETag from an earlier response: 304 Not Modified if the body is unchanged."},
    {"name": "If-Modified-Since", "in": "header", "required": False, "schema": {"type": "string"},
     "description": "An HTTP date: 304 if the object has a Last-Modified no later (ignored when If-None-Match is given)."},
]
CONSULTATION_ID = path("consultation_id", ID, _l("Id of a published consultation."))


def _json(schema: S, description: str) -> S:
    return {"description": description,
            "headers": {"ETag": {"schema": STR, "description": "Strong validator: SHA-256 of the body."},
                        "Access-Control-Allow-Origin": {"schema": STR}},
            "content": {"application/json": {"schema": schema}}}


def _page(item: S, extra: dict[str, S] | None = None) -> S:
    return obj({"data": array(item), "next_cursor": nullable(STR), "next": nullable(URL), **(extra or {})})


ERROR = {"content": {"application/json": {"schema": ref("Error")}}}


def op(op_id: str, tag: str, summary: str, description: str, params: list[S], schema: S, *,
       can_404: bool = False, example: str = "") -> S:
    responses: S = {"200": _json(schema, "OK"), "304": {"description": "Not modified (conditional GET)."},
                    "400": {"description": "A parameter, filter or cursor is not valid.", **ERROR}}
    if can_404:
        responses["404"] = {"description": "No such object, or not public (a draft).", **ERROR}
    out: S = {"operationId": op_id, "tags": [tag], "summary": summary, "description": description,
              "parameters": [*params, *CONDITIONAL], "responses": responses}
    if example:
        out["x-example"] = example
    return out


def paths() -> dict[str, S]:
    c_path = "/consultations/{consultation_id}"
    return {
        "/": {"get": op("index", "index", _l("Where everything is"),
                        _l("Links to this document, the reference page, the dumps and the lists."), [], ref("Index"),
                        example="/api/v1/")},
        "/consultations": {"get": op(
            "consultations", "consultations", _l("Published consultations"),
            _l("The latest opening first (as the consultations page). Drafts are never listed."),
            [q("status", enum([s for s in Status if s is not Status.DRAFT]), _l("State now.")),
             q("owner", STR, _l("Slug of the public body running it (400 if unknown).")),
             q("notice_type", enum(NoticeType), _l("Legislative or administrative notice.")), CURSOR, LIMIT],
            _page(ref("Consultation")), example="/api/v1/consultations?status=open&limit=10")},
        c_path: {"get": op("consultation", "consultations", _l("One consultation"),
                           _l("With its versions (without sections), deadline changes, result report and linked AI "
                           "register entries."), [CONSULTATION_ID], ref("ConsultationDetail"), can_404=True,
                           example="/api/v1/consultations/1")},
        f"{c_path}/versions": {"get": op(
            "versions", "consultations", _l("Published versions with their sections"), _l("In order of number."),
            [CONSULTATION_ID, CURSOR, LIMIT], _page(ref("Version")), can_404=True,
            example="/api/v1/consultations/1/versions")},
        f"{c_path}/versions/{{number}}": {"get": op(
            "version", "consultations", _l("One published version"), _l("With its sections. Last-Modified: its publication."),
            [CONSULTATION_ID, path("number", ID, _l("Version number."))], ref("Version"), can_404=True,
            example="/api/v1/consultations/1/versions/1")},
        f"{c_path}/comments": {"get": op(
            "comments", "comments", _l("Comments with their dispositions"),
            _l("In the order they came. Withdrawn and hidden comments are tombstones (no text). An individual "
            "commenter is named only with their consent; officials deciding dispositions are named."),
            [CONSULTATION_ID, q("section", STR, _l("A section key (every version), or `draft` for comments on the "
                                                "whole draft; 400 if unknown.")),
             q("undisposed", TF, _l("`true`: published comments still without a disposition.")), CURSOR, LIMIT],
            _page(ref("Comment")), can_404=True, example="/api/v1/consultations/1/comments?undisposed=true")},
        f"{c_path}/comments/{{comment_id}}": {"get": op(
            "comment", "comments", _l("One comment"), _l("Last-Modified: its latest submission, revision, withdrawal, "
            "hiding or disposition."), [CONSULTATION_ID, path("comment_id", ID, _l("Comment id."))], ref("Comment"),
            can_404=True, example="/api/v1/consultations/1/comments/1")},
        f"{c_path}/invitations": {"get": op(
            "invitations", "participation", _l("Invitations"), _l("In the order they were sent, as the record page "
            "shows them (never an invited email address)."), [CONSULTATION_ID, CURSOR, LIMIT],
            _page(ref("Invitation")), can_404=True, example="/api/v1/consultations/1/invitations")},
        f"{c_path}/requests": {"get": op(
            "requests", "participation", _l("Participation requests"), _l("With their decisions, in the order they came."),
            [CONSULTATION_ID, CURSOR, LIMIT], _page(ref("ParticipationRequest")), can_404=True,
            example="/api/v1/consultations/1/requests")},
        f"{c_path}/meetings": {"get": op(
            "meetings", "participation", _l("Meetings and hearings"), _l("The latest first, with invited and attending "
            "organisations."), [CONSULTATION_ID, CURSOR, LIMIT], _page(ref("Meeting")), can_404=True,
            example="/api/v1/consultations/1/meetings")},
        "/statements": {"get": op(
            "statements", "statements", _l("Joint statements"), _l("Opened for signature, the latest first. Drafts are "
            "never listed."), [q("status", enum(["open", "closed"]), _l("Signing open or closed.")),
                              q("published", TF, _l("`true`: published statements only.")),
                              q("drafter", STR, _l("Slug of a drafting or co-drafting organisation (400 if unknown).")),
                              CURSOR, LIMIT], _page(ref("Statement")), example="/api/v1/statements?status=open")},
        "/statements/{statement_id}": {"get": op(
            "statement", "statements", _l("One statement"), _l("With its frozen versions, counts per group and submissions."),
            [path("statement_id", ID, _l("Statement id."))], ref("StatementDetail"), can_404=True,
            example="/api/v1/statements/1")},
        "/statements/{statement_id}/signatories": {"get": op(
            "signatories", "statements", _l("Signatories"), _l("Grouped as the list on the page, then by date or name. "
            "Individuals who asked not to be named are counted on the statement, never listed."),
            [path("statement_id", ID, _l("Statement id.")), q("sort", enum(["date", "name"]), _l("Within a group.")),
             q("lang", enum(["ko", "en"]), _l("Language of the names when sorting by name.")), CURSOR, LIMIT],
            _page(ref("Signature")), can_404=True, example="/api/v1/statements/1/signatories?sort=name")},
        "/organizations": {"get": op(
            "organizations", "organizations", _l("Verified organisations"), _l("By id."),
            [q("kind", enum(OrgKind), _l("Kind of organisation.")), CURSOR, LIMIT], _page(ref("Organization")),
            example="/api/v1/organizations?kind=civil_society")},
        "/organizations/{slug}": {"get": op(
            "organization", "organizations", _l("One organisation"), _l("Verified, rejected or revoked (a pending one is "
            "not public)."), [path("slug", {"type": "string", "maxLength": 60}, _l("The organisation's slug."))],
            ref("Organization"), can_404=True, example="/api/v1/organizations/example")},
        "/register": {"get": op(
            "register", "register", _l("AI register entries"), _l("The latest changed first (as the register page)."),
            [q("body", STR, _l("Slug of a government body (400 if unknown).")), q("area", enum(Area), _l("High-impact area.")),
             q("status", enum(EntryStatus), _l("Stage of the system.")),
             q("assessment", TF, _l("With (or without) a human rights impact assessment.")),
             q("consultation", TF, _l("With (or without) a published consultation.")),
             q("personal_data", TF, _l("Processing personal data, or not.")),
             q("q", {"type": "string", "maxLength": 200}, _l("Words in either language (substring).")), CURSOR, LIMIT],
            _page(ref("RegisterEntry"), {"schema": STR}), example="/api/v1/register?status=in_operation")},
        "/register/{entry_id}": {"get": op(
            "register_entry", "register", _l("One AI register entry"), _l("Last-Modified: its latest revision."),
            [path("entry_id", ID, _l("Entry id."))], ref("RegisterEntry"), can_404=True, example="/api/v1/register/1")},
        "/events": {"get": op(
            "events", "record", _l("Events of the transparency log"), _l("Newest first. Verify them with /log/proof/* and "
            "/log/checkpoint."),
            [q("type", enum(EventType), _l("Event type.")), q("org", STR, _l("Slug of the acting organisation (400 if unknown).")),
             q("consultation", ID, _l("Everything of one consultation.")), q("statement", ID, _l("Everything of one statement.")),
             q("register_entry", ID, _l("Everything of one register entry.")), CURSOR, LIMIT], _page(ref("Event")),
            example="/api/v1/events?consultation=1")},
        "/openapi.json": {"get": {"operationId": "openapi", "tags": ["index"], "summary": "This document",
                                  "parameters": CONDITIONAL,
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": {"application/json": {"schema": {"type": "object"}}}},
                                                "304": {"description": "Not modified."}}}},
    }


def _server() -> str:
    from flask import current_app, has_request_context, request
    if has_request_context():
        return request.host_url.rstrip("/") + "/api/v1"
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/api/v1"


def resolved(value: Any) -> Any:
    """The document with its lazy strings rendered in the current locale (JSON needs plain strings)."""
    if isinstance(value, dict):
        return {k: resolved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def document(lang: str = "en") -> S:
    """The whole OpenAPI 3.1 document, its descriptions in lang (English for the served document)."""
    with force_locale(lang):
        return resolved(_document())


def _document() -> S:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongnon read API", "version": VERSION,
                          "description": _l("Everything public on Gongnon, as JSON: read-only, no login, CORS open. "
                                   "Lists are keyset pages (`cursor`, `limit`); every response carries a strong "
                                   "ETag. See also the bulk dumps at /data/."),
                 "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": _server()}],
        "tags": [{"name": t} for t in ("index", "consultations", "comments", "participation", "statements",
                                        "organizations", "register", "record")],
        "paths": paths(),
        "components": {"schemas": schemas()},
    }
