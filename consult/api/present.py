"""Objects as the read API and the bulk dumps give them: plain dicts of JSON values, bilingual text as
{"ko", "en"}, times in RFC 3339 UTC. What is public about a person follows the pages exactly:

- individuals (commenters, signatories) by name only with their consent (`Person.public_name`'s rule),
  otherwise `null`; an erased account is `null` too;
- officials and platform administrators act in public (SPEC §6): their display name even without that
  consent, as `consultations.record.official_name` shows it; an erased account stays erased;
- never an email address (an invitation by email shows the organisation's name as given, not the address).

Every function reads only what its caller loaded (the queries eager-load it), so a page of objects costs
no query here.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import has_request_context, request, url_for

from ..i18n import Bilingual
from ..pagination import encode_cursor

JSON = dict[str, Any]


def moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def bi(value: Bilingual) -> JSON:
    return {"ko": value.ko, "en": value.en}


_TEMPLATES: dict[tuple[Any, ...], str] = {}


def link(endpoint: str, **values: Any) -> str:
    """url_for(endpoint, _external=True, **values), built once per endpoint and host as a template: a dump
    writes a million comments with two addresses each, and url_for costs ~25 µs a call."""
    lang = values.pop("lang", None)
    key = (request.host_url if has_request_context() else "", endpoint, lang, *sorted(values))
    template = _TEMPLATES.get(key)
    if template is None:
        marks = {name: 990000000 + i for i, name in enumerate(sorted(values))}  # fits every id converter
        fixed = {"lang": lang} if lang else {}
        template = url_for(endpoint, _external=True, **fixed, **marks)
        for name, mark in marks.items():
            template = template.replace(str(mark), "{" + name + "}")
        _TEMPLATES[key] = template
    return template.format(**values)


def pages(endpoint: str, **values: Any) -> JSON:
    """The page's address in both languages (the prefixes differ only in the language)."""
    ko = link(endpoint, lang="ko", **values)
    return {"ko": ko, "en": ko.replace("/ko/", "/en/", 1)}


def api_url(endpoint: str, **values: Any) -> str:
    return link(f"api.{endpoint}", **values)


# ---- people ---------------------------------------------------------------------------------------

def person_name(person: Any) -> JSON | None:
    """An individual's name as pages show it to others: with consent only (Person.public_name)."""
    if person is None or person.erased_at is not None or not person.consent_publish_name or not person.display_name:
        return None
    return {"ko": person.display_name, "en": person.display_name_latin or person.display_name}


def official_name(person: Any) -> JSON | None:
    """An official's or platform administrator's name as the record shows it (record.official_name):
    their display name even without consent; with consent, the name in each language."""
    if person is None or person.erased_at is not None:
        return None
    if person.consent_publish_name:
        return person_name(person)
    return {"ko": person.display_name, "en": person.display_name} if person.display_name else None


def org_ref(org: Any) -> JSON | None:
    if org is None:
        return None
    return {"id": org.id, "slug": org.slug, "kind": org.kind.value, "name": bi(org.name)}


# ---- organisations --------------------------------------------------------------------------------

def organization(org: Any) -> JSON:
    return {
        "id": org.id, "slug": org.slug, "kind": org.kind.value,
        "subkind": org.subkind.value if org.subkind else None,
        "name": bi(org.name), "short_name": bi(org.short_name), "description": bi(org.description),
        "website": org.website, "created_at": moment(org.created_at),
        "verification": {"status": org.status.value, "decided_at": moment(org.decided_at),
                         "note": bi(org.decision_note),
                         # a platform administrator deciding: the organisation page's rule (public_name)
                         "decided_by": person_name(org.decided_by) if org.decided_by_id else None},
        "urls": {"page": pages("orgs.show", slug=org.slug), "api": api_url("organization", slug=org.slug)},
    }


# ---- consultations --------------------------------------------------------------------------------

def consultation(c: Any, now: datetime, *, comments: int | None = None) -> JSON:
    """A published consultation's public facts (the list's and the page's)."""
    return {
        "id": c.id, "title": bi(c.title), "summary": bi(c.summary), "department": bi(c.department),
        "instrument": bi(c.instrument), "owner": org_ref(c.owner), "notice_type": c.notice_type.value,
        "mode": c.mode.value, "allows_individuals": c.allows_individuals,
        "target_groups": [k.value for k in c.target_groups], "status": c.status_at(now).value,
        "opens_at": moment(c.opens_at), "closes_at": moment(c.closes_at), "period_days": c.period_days,
        "short_period_reason": bi(c.short_period_reason), "published_at": moment(c.published_at),
        "concluded_at": moment(c.concluded_at), "comment_count": comments,
        "urls": {"page": pages("consultations.show", consultation_id=c.id),
                 "record": pages("consultations.record", consultation_id=c.id),
                 "api": api_url("consultation", consultation_id=c.id)},
    }


def deadline_change(d: Any) -> JSON:
    return {"changed_at": moment(d.changed_at), "old_closes_at": moment(d.old_closes_at),
            "new_closes_at": moment(d.new_closes_at), "reason": bi(d.reason)}


def report(r: Any) -> JSON | None:
    if r is None:
        return None
    return {"title": bi(r.title), "body": bi(r.body), "published_at": moment(r.published_at),
            "published_by": official_name(r.published_by), "undisposed_reason": bi(r.undisposed_reason)}


def section(s: Any) -> JSON:
    return {"id": s.id, "key": s.key, "position": s.position, "number": bi(s.number), "heading": bi(s.heading),
            "body": bi(s.body)}


def version(c_id: int, v: Any, sections: list[Any] | None) -> JSON:
    out = {"consultation_id": c_id, "number": v.number, "title": bi(v.title), "summary": bi(v.summary),
           "change_note": bi(v.change_note), "published_at": moment(v.published_at),
           "content_sha256": v.content_sha256,
           "urls": {"page": pages("consultations.show", consultation_id=c_id, number=v.number),
                    "api": api_url("version", consultation_id=c_id, number=v.number)}}
    if sections is not None:
        out["sections"] = [section(s) for s in sections]
    return out


def disposition(d: Any) -> JSON | None:
    if d is None:
        return None
    return {"outcome": d.outcome.value, "reason": bi(d.reason), "decided_at": moment(d.decided_at),
            "changed_at": moment(d.changed_at), "decided_by": official_name(d.decided_by),
            "changed_sections": [{"version": s.version.number, "key": s.key, "number": bi(s.number)}
                                 for s in d.changed_sections]}


def comment(m: Any) -> JSON:
    """A comment as its page shows it: the text only while published (a withdrawn or hidden comment is a
    tombstone with its date and public reason); the member writing for an organisation and an individual
    commenter by name only with their consent (the comment pages' public_name)."""
    published = m.status.value == "published"
    individual = m.author_org is None
    return {
        "id": m.id, "consultation_id": m.consultation_id, "version": m.version.number,
        "section": {"id": m.section.id, "key": m.section.key, "number": bi(m.section.number)} if m.section else None,
        "author": {"kind": "individual" if individual else "organization", "organization": org_ref(m.author_org),
                   # as the comments export: an individual's name only on a published comment
                   "name": person_name(m.author) if m.author is not None and (not individual or published) else None},
        "status": m.status.value, "lang": m.lang,
        "body": m.body_source if published else None, "body_html": m.body_html if published else None,
        "translation": m.translation_source if published else None,
        "translation_html": m.translation_html if published else None,
        "submitted_at": moment(m.submitted_at), "revised_at": moment(m.revised_at), "revision_count": m.revision_count,
        "withdrawn_at": moment(m.withdrawn_at), "withdrawal_reason": bi(m.withdrawal_reason),
        "hidden_at": moment(m.hidden_at), "hidden_reason": bi(m.hidden_reason), "campaign_id": m.campaign_id,
        "disposition": disposition(m.disposition),
        "urls": {"page": pages("consultations.comment", consultation_id=m.consultation_id, comment_id=m.id),
                 "api": api_url("comment", consultation_id=m.consultation_id, comment_id=m.id)},
    }


def invitation(i: Any, status: Any, people: dict[int, Any]) -> JSON:
    """An invitation as the record page shows it (never the address of an invitation by email)."""
    return {
        "id": i.id, "consultation_id": i.consultation_id, "organization": org_ref(i.organization),
        "invited_name": bi(i.invited_name) if i.organization is None else None,
        "purpose": i.purpose.value, "state": i.shown_state(status),
        "sent_at": moment(i.sent_at), "invited_by": official_name(people.get(i.invited_by_id)),
        "answered_at": moment(i.answered_at), "answer_reason": bi(i.answer_reason),
        "withdrawn_at": moment(i.withdrawn_at), "withdrawn_by": official_name(people.get(i.withdrawn_by_id)),
        "withdrawal_reason": bi(i.withdrawal_reason), "attached_at": moment(i.attached_at),
    }


def participation_request(r: Any, people: dict[int, Any]) -> JSON:
    return {
        "id": r.id, "consultation_id": r.consultation_id, "organization": org_ref(r.organization),
        "requested_at": moment(r.requested_at), "motivation": bi(r.motivation), "decision": r.decision.value,
        "decided_at": moment(r.decided_at), "decided_by": official_name(people.get(r.decided_by_id)),
        "reason": bi(r.reason),
    }


def meeting(m: Any, rows: list[Any], people: dict[int, Any]) -> JSON:
    pdf = None
    if m.minutes_filename:
        pdf = {"filename": m.minutes_filename, "sha256": m.minutes_sha256, "size": m.minutes_size,
               "url": link("consultations.minutes_pdf", lang="ko", consultation_id=m.consultation_id,
                           meeting_id=m.id)}
    return {
        "id": m.id, "consultation_id": m.consultation_id, "kind": m.kind.value, "format": m.format.value,
        "held_at": moment(m.held_at), "ends_at": moment(m.ends_at), "title": bi(m.title), "place": bi(m.place),
        "minutes": bi(m.minutes), "minutes_pdf": pdf,
        "invited": [org_ref(row.organization) for row in rows if row.invited],
        "attended": [org_ref(row.organization) for row in rows if row.attended],
        "recorded_at": moment(m.recorded_at), "recorded_by": official_name(people.get(m.recorded_by_id)),
    }


# ---- statements -----------------------------------------------------------------------------------

def statement(s: Any, now: datetime, co_drafters: list[Any]) -> JSON:
    return {
        "id": s.id, "title": bi(s.title), "owner": org_ref(s.owner), "co_drafters": [org_ref(o) for o in co_drafters],
        "consultation_id": s.consultation_id, "allows_individuals": s.allows_individuals,
        "status": s.status_at(now).value, "signing_deadline": moment(s.signing_deadline),
        "opened_at": moment(s.opened_at), "published_at": moment(s.published_at), "closed_at": moment(s.closed_at),
        "current_version": s.current_version, "signature_count": s.signature_count,
        "urls": {"page": pages("statements.show", statement_id=s.id),
                 "api": api_url("statement", statement_id=s.id),
                 "signatories": api_url("signatories", statement_id=s.id)},
    }


def statement_version(v: Any) -> JSON:
    return {"statement_id": v.statement_id, "number": v.number, "title": bi(v.title),
            "body": bi(v.body_source), "change_note": bi(v.change_note), "frozen_at": moment(v.frozen_at),
            "content_sha256": v.content_sha256}


def signature(sig: Any, current_version: int) -> JSON:
    """A listed signatory (statements.views.signatory_name's rule): an organisation by its name, an
    individual by name only with consent to publish it on this signature; the unnamed are counted, never
    listed (the queries leave them out)."""
    from ..statements.models import Group
    if sig.organization is not None:
        name: JSON | None = bi(sig.organization.name)
    elif sig.person is None or sig.person.erased_at is not None or not sig.name_public or not sig.person.display_name:
        name = None
    else:
        name = {"ko": sig.person.display_name, "en": sig.person.display_name_latin or sig.person.display_name}
    state = "withdrawn" if sig.is_withdrawn else ("pending" if sig.is_pending(current_version) else "current")
    return {
        "id": sig.id, "statement_id": sig.statement_id, "group": Group(sig.list_group).name.lower(),
        "kind": sig.organization.kind.value if sig.organization else "individual",
        "organization": org_ref(sig.organization), "name": name, "signed_at": moment(sig.signed_at),
        "version": sig.version, "first_version": sig.first_version, "state": state,
        "reconfirmed_at": moment(sig.reconfirmed_at), "withdrawn_at": moment(sig.withdrawn_at),
        "withdrawal_reason": bi(sig.withdrawal_reason),
    }


# ---- the record -----------------------------------------------------------------------------------

def event(e: Any, shown: JSON | None = None) -> JSON:
    """An event of the record: its leaf exactly as hashed, and the officials' names the log shows."""
    person = None
    if shown is not None and shown.get("person_public"):
        person = official_name(shown["person"])
    return {
        "seq": e.seq, "occurred_at": moment(e.occurred_at), "type": e.event_type,
        "subject": {"type": e.subject_type, "id": e.subject_id},
        "scope": {"type": e.scope_type, "id": e.scope_id} if e.scope_type else None,
        "actor_org_id": e.actor_org_id, "actor_person": e.actor_person, "actor_person_name": person,
        "leaf": e.leaf, "leaf_hash": e.leaf_hash.hex(), "event": json.loads(e.leaf),
        "urls": {"page": pages("web.log_entry", seq=e.seq),
                 "entry": link("log.entries", start=e.seq, end=e.seq + 1)},
    }


def cursor(values: Any) -> str:
    return encode_cursor(values)
