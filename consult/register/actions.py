"""Every change to the AI register: registering a system, revising its entry, recording impact-assessment
stages, linking consultations (or opening one on the assessment), and civil society's flags with the
body's answers (issue 8).

An entry's document is checked by one function, `validate_document`, used by the forms' views and by
the actions alike. Each change writes a whole new revision (the document, its SHA-256 and the keys of the
fields that changed), refreshes the entry's list columns and appends an event scoped to the entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import BuildError

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from .. import policy, record
from ..accounts.models import Person
from ..errors import Denied, Invalid
from ..extensions import atomic, db
from ..i18n import SEOUL, Bilingual
from ..mail.actions import enqueue, external_url
from ..orgs.models import Membership, Organization, OrgKind, Role
from ..record import EventType
from ..sanitize import clean_source
from .fields import BILINGUAL_KINDS, BY_KEY, FIELDS, WITHHOLDABLE, empty_content, withheld_keys
from .models import (Area, EntryArea, EntryConsultation, EntryStatus, Flag, FlagKind, Ground, HighImpact, LinkKind,
                     RegisterEntry, RegisterRevision, Stage, stage_order)

MAX_RISKS = 8
MAX_WITHHELD = 6
RISK_MAX = 1000
WITHHELD_LABEL_MAX = 300
WITHHELD_REASON_MAX = 1000
CHANGE_NOTE_MAX = 1000
FLAG_MAX = 5000
ANSWER_MAX = 5000
URL_MAX = 500

# the NHRCK tool's stage names (../shared/korea/conventions.md §9): stored content, so both languages here
STAGE_NAMES = {
    Stage.PLANNING: ("계획 및 수립", "planning and preparation"),
    Stage.ANALYSIS: ("분석과 평가", "analysis and assessment"),
    Stage.REMEDY: ("개선과 구제", "improvement and remedy"),
    Stage.DISCLOSURE: ("공개와 점검", "disclosure and review"),
}
# a consultation opened on an assessment: a draft whose period the official adjusts before publishing
ASSESSMENT_CONSULTATION_DAYS = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class PdfUpload:
    """An uploaded file as the view read it: checked and stored by the action."""

    filename: str
    data: bytes


# ---- the document -----------------------------------------------------------------------------------

def _text(value: Any, key: str, max_length: int | None, *, multiline: bool = True) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(key, _l("This value is not valid."))
    value = clean_source(value).strip()
    if not multiline:
        value = " ".join(value.split())
    if _CONTROL.search(value):
        raise Invalid(key, _l("Remove the control or invisible characters from this field."))
    if max_length is not None and len(value) > max_length:
        raise Invalid(key, _l("At most %(max)d characters in each language.", max=max_length))
    return value or None


def _bilingual(value: Any, key: str, max_length: int | None, *, multiline: bool = True) -> dict[str, str | None]:
    if value is None:
        value = {}
    if isinstance(value, Bilingual):
        value = value.as_dict()
    if not isinstance(value, dict) or set(value) - {"ko", "en"}:
        raise Invalid(key, _l("This value is not valid."))
    return {lang: _text(value.get(lang), key, max_length, multiline=multiline) for lang in ("ko", "en")}


def _filled(value: dict[str, str | None]) -> bool:
    return bool(value.get("ko") or value.get("en"))


def _iso(value: Any, key: str, today: date | None) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise Invalid(key, _l("Enter a valid date.")) from None
    if not isinstance(value, date):
        raise Invalid(key, _l("Enter a valid date."))
    if today is not None and value > today:
        raise Invalid(key, _l("A date cannot be in the future."))
    return value.isoformat()


def _url(value: Any, key: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(key, _l("Enter a web address starting with https:// or http://."))
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value) \
            or _CONTROL.search(value):
        raise Invalid(key, _l("Enter a web address starting with https:// or http://."))
    if len(value) > URL_MAX:
        raise Invalid(key, _l("At most %(max)d characters.", max=URL_MAX))
    return value


def _choice(value: Any, key: str, enum: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return enum(value).value
    except ValueError:
        raise Invalid(key, _l("Choose one of the options.")) from None


def _risks(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value or [], list):
        raise Invalid("risks", _l("This value is not valid."))
    rows = []
    for item in value or []:
        if not isinstance(item, dict):
            raise Invalid("risks", _l("This value is not valid."))
        risk = _bilingual(item.get("risk"), "risks", RISK_MAX)
        mitigation = _bilingual(item.get("mitigation"), "risks", RISK_MAX)
        if not _filled(risk) and not _filled(mitigation):
            continue  # an empty row of the form
        if not _filled(risk):
            raise Invalid("risks", _l("Name the risk that each mitigation addresses."))
        rows.append({"risk": risk, "mitigation": mitigation})
    if len(rows) > MAX_RISKS:
        raise Invalid("risks", _l("At most %(count)d risks.", count=MAX_RISKS))
    return rows


def _assessment(value: Any, today: date | None) -> dict[str, Any]:
    if not isinstance(value or {}, dict):
        raise Invalid("assessment", _l("This value is not valid."))
    stages: dict[str, Any] = {}
    for key, item in (value or {}).items():
        stage = _choice(key, "assessment", Stage)
        if stage is None or not isinstance(item, dict):
            raise Invalid("assessment", _l("Choose one of the options."))
        when = _iso(item.get("date"), "assessment_date", today)
        if when is None:
            raise Invalid("assessment_date", _l("Give the date of this assessment stage."))
        summary = _bilingual(item.get("summary"), "assessment_summary", BY_KEY["no_assessment_reason"].max_length)
        if not _filled(summary):
            raise Invalid("assessment_summary", _l("Summarise this assessment stage in at least one language."))
        pdf = item.get("pdf")
        if pdf is not None:
            if not (isinstance(pdf, dict) and re.fullmatch(r"[0-9a-f]{64}", str(pdf.get("sha256", "")))
                    and isinstance(pdf.get("filename"), str) and isinstance(pdf.get("size"), int)):
                raise Invalid("pdf", _l("This value is not valid."))
            pdf = {"sha256": pdf["sha256"], "filename": pdf["filename"], "size": pdf["size"]}
        stages[stage] = {"date": when, "summary": summary, "pdf": pdf}
    ordered = {s.value: stages[s.value] for s in Stage if s.value in stages}
    dates = [item["date"] for item in ordered.values()]
    if dates != sorted(dates):
        raise Invalid("assessment_date", _l("A later assessment stage cannot be dated before an earlier one."))
    return ordered


def _withheld(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value or [], list):
        raise Invalid("withheld", _l("This value is not valid."))
    allowed = {f.key for f in WITHHOLDABLE} | {"other"}
    rows, seen = [], set()
    for item in value or []:
        if not isinstance(item, dict):
            raise Invalid("withheld", _l("This value is not valid."))
        label = _bilingual(item.get("label"), "withheld", WITHHELD_LABEL_MAX, multiline=False)
        reason = _bilingual(item.get("reason"), "withheld", WITHHELD_REASON_MAX)
        field, ground = item.get("field") or None, item.get("ground")
        if field is None and ground in (None, "") and not _filled(label) and not _filled(reason):
            continue  # an empty row of the form
        if field not in allowed:
            raise Invalid("withheld", _l("Choose a field that may be withheld, or “other” with a description."))
        if field == "other" and not _filled(label):
            raise Invalid("withheld", _l("Describe what is withheld under “other”."))
        if field != "other" and field in seen:
            raise Invalid("withheld", _l("Each field is withheld at most once."))
        try:
            ground = Ground(int(ground))
        except (TypeError, ValueError):
            raise Invalid("withheld", _l("Every withheld item needs its legal basis: an item of Article 9(1) of "
                                         "the Official Information Disclosure Act.")) from None
        if not _filled(reason):
            raise Invalid("withheld", _l("Give the reason for withholding each item."))
        seen.add(field)
        rows.append({"field": field, "label": label, "ground": int(ground), "reason": reason})
    if len(rows) > MAX_WITHHELD:
        raise Invalid("withheld", _l("At most %(count)d withheld items.", count=MAX_WITHHELD))
    return rows


def _empty(kind: str, value: Any) -> bool:
    if kind in BILINGUAL_KINDS:
        return not _filled(value)
    return value in (None, "", [], {})


def validate_document(doc: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """The entry document normalised (every field present, in FIELDS' shapes), or Invalid at the first
    field that breaks a rule. `today` (Seoul date) refuses dates after it; None skips that check."""
    if not isinstance(doc, dict):
        raise Invalid("system_name", _l("This value is not valid."))
    for key in doc:
        if key not in BY_KEY:
            raise Invalid(key, _l("This value is not valid."))
    out = empty_content()
    out["withheld"] = _withheld(doc.get("withheld"))
    hidden = withheld_keys(out)
    for f in FIELDS:
        value = doc.get(f.key)
        if f.kind == "text":
            out[f.key] = _bilingual(value, f.key, f.max_length, multiline=False)
        elif f.kind == "long":
            out[f.key] = _bilingual(value, f.key, f.max_length)
        elif f.kind == "plain":
            out[f.key] = _text(value, f.key, f.max_length, multiline=False)
        elif f.kind == "url":
            out[f.key] = _url(value, f.key)
        elif f.kind == "date":
            out[f.key] = _iso(value, f.key, today)
        elif f.kind == "bool":
            if value is None and f.required:
                raise Invalid(f.key, _l("Answer yes or no."))
            if value is not None and not isinstance(value, bool):
                raise Invalid(f.key, _l("Answer yes or no."))
            out[f.key] = bool(value)
        elif f.kind == "choice":
            out[f.key] = _choice(value, f.key, f.enum)
        elif f.kind == "areas":
            if not isinstance(value or [], list):
                raise Invalid(f.key, _l("Choose one of the options."))
            chosen = {_choice(v, f.key, Area) for v in value or []}
            out[f.key] = [a.value for a in Area if a.value in chosen]
        elif f.kind == "status_dates":
            if not isinstance(value or {}, dict) or set(value or {}) - {s.value for s in EntryStatus}:
                raise Invalid(f.key, _l("Enter a valid date."))
            out[f.key] = {s.value: _iso((value or {}).get(s.value), f.key, today) for s in EntryStatus}
        elif f.kind == "risks":
            out[f.key] = _risks(value)
        elif f.kind == "assessment":
            out[f.key] = _assessment(value, today)
        if f.key in hidden and not _empty(f.kind, out[f.key]):
            raise Invalid(f.key, _l("This field is withheld: leave it empty, or stop withholding it."))
    for f in FIELDS:
        if f.required and f.kind not in ("bool", "assessment") and f.key not in hidden and _empty(f.kind, out[f.key]):
            if f.kind in BILINGUAL_KINDS:
                raise Invalid(f.key, _l("Fill in at least one language."))
            raise Invalid(f.key, _l("Choose one of the options."))
    if out["areas"] and out["high_impact"] not in (HighImpact.YES, HighImpact.UNDER_REVIEW):
        raise Invalid("areas", _l("Name high-impact areas only for a system that is, or may be, high-impact AI."))
    if out["high_impact"] == HighImpact.YES and not out["areas"]:
        raise Invalid("areas", _l("Choose the high-impact area or areas of the AI Framework Act."))
    if out["assessment"] and _filled(out["no_assessment_reason"]):
        raise Invalid("no_assessment_reason", _l("This entry has an impact assessment: leave the reason for "
                                                 "not having one empty."))
    if not out["assessment"] and not _filled(out["no_assessment_reason"]):
        raise Invalid("assessment", _l("Record a stage of the human rights impact assessment, or say why "
                                       "there is none."))
    return out


def content_hash(doc: dict[str, Any]) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of an entry document."""
    return record.sha256_hex(record.canonical(doc))


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The keys of the fields whose values differ, in FIELDS order."""
    return [f.key for f in FIELDS if old.get(f.key) != new.get(f.key)]


def furthest_stage(doc: dict[str, Any]) -> Stage | None:
    stages = [Stage(s) for s in doc.get("assessment", {})]
    return max(stages, key=stage_order) if stages else None


def _search_text(doc: dict[str, Any], body: Organization) -> str:
    """Lower-cased name, summary, purpose, unit, body names and supplier (unless withheld), both languages."""
    hidden = withheld_keys(doc)
    parts: list[str | None] = []
    for key in ("system_name", "summary", "purpose", "unit", "supplier"):
        if key not in hidden:
            parts += [doc[key]["ko"], doc[key]["en"]]
    parts += [body.name.ko, body.name.en, body.short_name.ko, body.short_name.en]
    return "\n".join(p for p in parts if p).lower()


def _fill_columns(entry: RegisterEntry, doc: dict[str, Any], body: Organization) -> None:
    entry.content = doc
    entry.content_sha256 = content_hash(doc)
    entry.name = Bilingual(doc["system_name"]["ko"], doc["system_name"]["en"])
    entry.summary = Bilingual(doc["summary"]["ko"], doc["summary"]["en"])
    entry.status = EntryStatus(doc["status"])
    entry.high_impact = HighImpact(doc["high_impact"])
    entry.personal_data = doc["personal_data"]
    entry.assessment_stage = furthest_stage(doc)
    entry.search_text = _search_text(doc, body)


def _set_areas(entry: RegisterEntry, doc: dict[str, Any]) -> None:
    db.session.execute(delete(EntryArea).where(EntryArea.entry_id == entry.id))
    db.session.add_all(EntryArea(entry_id=entry.id, area=Area(a)) for a in doc["areas"])


def _lock(entry: RegisterEntry) -> None:
    """Re-read the entry under a row lock (FOR UPDATE on PostgreSQL; SQLite's writers queue anyway): two
    revisions of one entry run one after the other, each numbered after what the one before committed."""
    db.session.refresh(entry, [a.key for a in RegisterEntry.__mapper__.column_attrs], with_for_update=True)


def _today(now: datetime) -> date:
    return now.astimezone(SEOUL).date()


def _body(entry: RegisterEntry) -> Organization:
    org = db.session.get(Organization, entry.organization_id)
    assert org is not None
    return org


def _clean_note(note: Bilingual, field: str = "change_note") -> Bilingual:
    value = _bilingual(note, field, CHANGE_NOTE_MAX)
    return Bilingual(value["ko"], value["en"])


# ---- registering and revising -------------------------------------------------------------------------

@atomic
def register_system(actor: policy.Actor, doc: dict[str, Any], *, now: datetime) -> RegisterEntry:
    """Register an AI system of actor.org (a verified government body): revision 1 and its event."""
    if not policy.can_register_system(actor):
        raise Denied(_l("Only officials of a verified government organisation can register AI systems."))
    doc = validate_document(doc, today=_today(now))
    body = actor.org
    assert body is not None and actor.person is not None
    entry = RegisterEntry(organization_id=body.id, created_at=now, created_by_id=actor.person.id, updated_at=now,
                          revision=1, has_consultation=False)
    _fill_columns(entry, doc, body)
    db.session.add(entry)
    db.session.flush()
    _set_areas(entry, doc)
    db.session.add(RegisterRevision(entry_id=entry.id, number=1, content=doc, content_sha256=entry.content_sha256,
                                    changed_fields=[], change_note=Bilingual(None, None), created_at=now,
                                    created_by_id=actor.person.id))
    record.append(EventType.REGISTER_CREATED, actor=actor, subject=entry, scope=entry, now=now, payload={
        "revision": 1, "content_sha256": entry.content_sha256})
    return entry


def _revise(actor: policy.Actor, entry: RegisterEntry, doc: dict[str, Any], note: Bilingual,
            now: datetime) -> RegisterRevision:
    """Write revision N+1 of a locked entry from an already validated document."""
    old = entry.content
    changed = changed_fields(old, doc)
    if not changed:
        raise Invalid("change_note", _l("Nothing changed: the entry already says this."))
    if not note:
        raise Invalid("change_note", _l("Say what changed; the note is public."))
    _fill_columns(entry, doc, _body(entry))
    entry.revision += 1
    entry.updated_at = now
    if "areas" in changed:
        _set_areas(entry, doc)
    revision = RegisterRevision(entry_id=entry.id, number=entry.revision, content=doc,
                                content_sha256=entry.content_sha256, changed_fields=changed, change_note=note,
                                created_at=now, created_by_id=actor.person.id)  # type: ignore[union-attr]
    db.session.add(revision)
    record.append(EventType.REGISTER_REVISED, actor=actor, subject=revision, scope=entry, now=now, payload={
        "revision": revision.number, "content_sha256": revision.content_sha256, "changed": changed})
    return revision


@atomic
def revise_entry(actor: policy.Actor, entry: RegisterEntry, doc: dict[str, Any], change_note: Bilingual, *,
                 now: datetime) -> RegisterRevision:
    """Change an entry: a new revision with the fields that changed and a public change note."""
    _lock(entry)
    if not policy.can_edit_entry(actor, entry):
        raise Denied(_l("Only officials of the body that operates this system can change its entry."))
    doc = validate_document(doc, today=_today(now))
    return _revise(actor, entry, doc, _clean_note(change_note), now)


@atomic
def record_assessment_stage(actor: policy.Actor, entry: RegisterEntry, stage: Stage, day: date,
                            summary: Bilingual, pdf: PdfUpload | None = None, *, now: datetime) -> RegisterRevision:
    """Record (or replace) one stage of the entry's human rights impact assessment: a new revision."""
    from ..consultations import uploads
    _lock(entry)
    if not policy.can_edit_entry(actor, entry):
        raise Denied(_l("Only officials of the body that operates this system can change its entry."))
    try:
        stage = Stage(stage)
    except ValueError:
        raise Invalid("stage", _l("Choose one of the options.")) from None
    doc = {k: v for k, v in entry.content.items()}
    assessment = dict(doc.get("assessment") or {})
    previous = assessment.get(stage.value)
    stored = previous["pdf"] if previous else None
    if pdf is not None:
        if len(pdf.data) > uploads.MAX_PDF_BYTES:
            raise Invalid("pdf", _l("The file is larger than 10 MB."))
        if not uploads.looks_like_pdf(pdf.data):
            raise Invalid("pdf", _l("This file is not a PDF. Attach a PDF document."))
    item = {"date": day, "summary": _bilingual(
        summary, "summary", BY_KEY["no_assessment_reason"].max_length), "pdf": stored}
    if not _filled(item["summary"]):
        raise Invalid("summary", _l("Summarise this assessment stage in at least one language."))
    assessment[stage.value] = item
    doc["assessment"] = assessment
    doc["no_assessment_reason"] = {"ko": None, "en": None}  # an assessment under way answers the "why not"
    try:
        doc = validate_document(doc, today=_today(now))
    except Invalid as e:
        raise Invalid({"assessment_date": "date", "assessment_summary": "summary"}.get(e.field, e.field),
                      e.message) from None
    if pdf is not None:
        # stored only once everything else is valid; a file left by a later rollback is harmless (by hash)
        name = clean_source(pdf.filename).replace("/", "_").replace("\\", "_").strip() or "assessment.pdf"
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        doc["assessment"][stage.value]["pdf"] = {"sha256": uploads.store(pdf.data), "filename": name[-200:],
                                                 "size": len(pdf.data)}
    ko, en = STAGE_NAMES[stage]
    note = Bilingual(f"인권영향평가 단계를 기록했습니다: {ko}", f"Recorded the assessment stage: {en}")
    try:
        return _revise(actor, entry, doc, note, now)
    except Invalid as e:
        raise Invalid("summary", e.message) from None


# ---- consultations -------------------------------------------------------------------------------------

def _linked(entry: RegisterEntry, consultation_id: int) -> EntryConsultation | None:
    return db.session.get(EntryConsultation, (entry.id, consultation_id))


def _link(actor: policy.Actor, entry: RegisterEntry, consultation: Any, kind: LinkKind,
          now: datetime) -> EntryConsultation:
    if _linked(entry, consultation.id) is not None:
        raise Invalid("consultation", _l("This consultation is already linked to the entry."))
    link = EntryConsultation(entry_id=entry.id, consultation_id=consultation.id, kind=kind, linked_at=now,
                             linked_by_id=actor.person.id)  # type: ignore[union-attr]
    db.session.add(link)
    if consultation.published_at is not None:
        entry.has_consultation = True
    record.append(EventType.REGISTER_CONSULTATION_LINKED, actor=actor, subject=entry, scope=entry, now=now,
                  payload={"consultation": consultation.id, "kind": str(kind)})
    return link


@atomic
def link_consultation(actor: policy.Actor, entry: RegisterEntry, consultation: Any, *,
                      now: datetime) -> EntryConsultation:
    """Link a published consultation of the entry's body to the entry (once)."""
    _lock(entry)
    if not policy.can_edit_entry(actor, entry):
        raise Denied(_l("Only officials of the body that operates this system can change its entry."))
    if consultation is None or consultation.published_at is None \
            or consultation.owner_org_id != entry.organization_id:
        raise Invalid("consultation", _l("Choose a published consultation of the body that operates this system."))
    return _link(actor, entry, consultation, LinkKind.RELATED, now)


def _assessment_text(entry: RegisterEntry, lang: str) -> str | None:
    doc = entry.content
    parts = [doc["summary"][lang]]
    for stage, item in doc["assessment"].items():
        if item["summary"][lang]:
            name = STAGE_NAMES[Stage(stage)][0 if lang == "ko" else 1]
            parts.append(f"[{name}] {item['summary'][lang]}" if lang == "ko" else f"[{name.capitalize()}] "
                         f"{item['summary'][lang]}")
    text = "\n\n".join(p for p in parts if p)
    return text[:3000] or None


@atomic
def open_assessment_consultation(actor: policy.Actor, entry: RegisterEntry, *, now: datetime) -> Any:
    """A draft consultation of the entry's body on its impact assessment, pre-filled from the entry and
    linked to it; the official completes and publishes it on the consultation's own pages."""
    from ..consultations import actions as consultations
    from ..consultations.models import Mode, NoticeType
    _lock(entry)
    if not policy.can_edit_entry(actor, entry) or not policy.can_create_consultation(actor):
        raise Denied(_l("Only officials of the body that operates this system can change its entry."))
    name = entry.content["system_name"]
    ko_name, en_name = name["ko"] or name["en"], name["en"] or name["ko"]
    title = Bilingual(f"「{ko_name}」 인권영향평가에 대한 의견수렴"[:300],
                      f"Consultation on the human rights impact assessment of {en_name}"[:300])
    start = datetime.combine(_today(now) + timedelta(days=1), time(9, 0), tzinfo=SEOUL)
    close = datetime.combine(start.date() + timedelta(days=ASSESSMENT_CONSULTATION_DAYS), time(18, 0), tzinfo=SEOUL)
    unit = entry.content["unit"]
    c = consultations.create_consultation(actor, consultations.ConsultationInput(
        title=title, summary=Bilingual(_assessment_text(entry, "ko"), _assessment_text(entry, "en")),
        department=Bilingual((unit["ko"] or "")[:120] or None, (unit["en"] or "")[:120] or None),
        instrument=Bilingual(None, None), notice_type=NoticeType.ADMINISTRATIVE, mode=Mode.OPEN,
        allows_individuals=False, target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA],
        opens_at=start, closes_at=close, short_period_reason=Bilingual(None, None)), now=now)
    version = consultations.editable_version(c)
    assert version is not None
    for number, (stage, item) in enumerate(entry.content["assessment"].items(), start=1):
        ko, en = STAGE_NAMES[Stage(stage)]
        consultations.save_section(actor, c, version, consultations.SectionInput(
            Bilingual(f"{number}.", f"{number}."), Bilingual(ko, en.capitalize()),
            Bilingual(item["summary"]["ko"], item["summary"]["en"])), now=now)
    _link(actor, entry, c, LinkKind.ASSESSMENT, now)
    return c


def consultation_published(consultation: Any) -> None:
    """Called when a consultation is published: entries linked to it now have a published consultation."""
    linked = select(EntryConsultation.entry_id).where(EntryConsultation.consultation_id == consultation.id)
    db.session.execute(update(RegisterEntry).where(RegisterEntry.id.in_(linked), RegisterEntry.has_consultation.is_(False))
                       .values(has_consultation=True).execution_options(synchronize_session="fetch"))


# ---- flags and answers ----------------------------------------------------------------------------------

def _plain(value: str | None, field: str, max_length: int) -> str:
    text = _text(value, field, None) or ""
    if not text:
        raise Invalid(field, _l("Write your text."))
    if len(text) > max_length:
        raise Invalid(field, _l("At most %(max)d characters.", max=max_length))
    return text


def _officials(org_id: int) -> list[tuple[str, str]]:
    return [(email, locale) for email, locale in db.session.execute(
        select(Person.email, Person.locale).join(Membership, Membership.person_id == Person.id)
        .where(Membership.organization_id == org_id, Person.erased_at.is_(None), Person.email.is_not(None))
        .order_by(Person.email))]


def _admins(org_id: int) -> list[tuple[str, str]]:
    return [(email, locale) for email, locale in db.session.execute(
        select(Person.email, Person.locale).join(Membership, Membership.person_id == Person.id)
        .where(Membership.organization_id == org_id, Membership.role == Role.ADMIN, Person.erased_at.is_(None),
               Person.email.is_not(None)).order_by(Person.email))]


def _flag_link(flag: Flag, locale: str) -> str:
    if flag.entry_id is not None:
        try:
            return external_url("register.show", lang=locale, entry_id=flag.entry_id) + f"#flag-{flag.id}"
        except BuildError:  # the entry page belongs to the read side; a mail must not fail without it
            return external_url("register.flag_entry", lang=locale, entry_id=flag.entry_id)
    return external_url("register.flag_body", lang=locale, org_id=flag.body_org_id)


@atomic
def flag_entry(actor: policy.Actor, *, body_org: Organization, entry: RegisterEntry | None = None,
               kind: FlagKind, field: str | None = None, body: str, lang: str, evidence_url: str | None = None,
               now: datetime) -> Flag:
    """A verified organisation's public flag on an entry, or on a body for a system it has not registered."""
    if entry is not None:
        _lock(entry)
    if not policy.can_flag(actor):
        raise Denied(_l("Only members of a verified organisation that is not a government body can flag entries."))
    try:
        kind = FlagKind(kind)
    except ValueError:
        raise Invalid("kind", _l("Choose one of the options.")) from None
    if body_org is None or not body_org.is_government or not body_org.is_verified:
        raise Invalid("kind", _l("Choose a verified government organisation."))
    if entry is not None and entry.organization_id != body_org.id:
        raise Invalid("kind", _l("This entry belongs to another body."))
    if kind is FlagKind.UNREGISTERED_SYSTEM:
        if entry is not None:
            raise Invalid("kind", _l("A system that is not registered is flagged on the body's page."))
    elif entry is None:
        raise Invalid("kind", _l("Flag missing information or a disagreement on the entry itself."))
    if kind is FlagKind.MISSING_INFORMATION:
        if field not in BY_KEY:
            raise Invalid("field", _l("Choose the field that is missing information."))
    else:
        field = None
    url = _url(evidence_url, "evidence_url")
    if kind is FlagKind.UNREGISTERED_SYSTEM and url is None:
        raise Invalid("evidence_url", _l("Link to the evidence that the body uses this system."))
    if lang not in ("ko", "en"):
        raise Invalid("lang", _l("Choose one of the options."))
    text = _plain(body, "body", FLAG_MAX)
    flag = Flag(body_org_id=body_org.id, entry_id=entry.id if entry else None, organization_id=actor.org.id,  # type: ignore[union-attr]
                person_id=actor.person.id, kind=kind, field=field, body=text, lang=lang,  # type: ignore[union-attr]
                evidence_url=url, created_at=now)
    db.session.add(flag)
    db.session.flush()
    record.append(EventType.REGISTER_FLAGGED, actor=actor, subject=flag, scope=entry or body_org, now=now, payload={
        "kind": str(kind), "field": field, "body": body_org.id, "body_sha256": record.sha256_hex(text),
        "evidence_url": url})
    for email, locale in _officials(body_org.id):
        enqueue(email, "register_flagged", lang=locale, now=now, flag=flag, flagger=actor.org, body=body_org,
                entry=entry, field_label=BY_KEY[field].label if field else None, link=_flag_link(flag, locale))
    return flag


@atomic
def answer_flag(actor: policy.Actor, flag: Flag, outcome: Any, answer: Bilingual, *, now: datetime) -> Flag:
    """The body's public answer to a flag, with the outcomes of a disposition; given once."""
    from ..consultations.models import Outcome
    entry = db.session.get(RegisterEntry, flag.entry_id) if flag.entry_id else None
    if entry is not None:
        _lock(entry)
    db.session.refresh(flag, [a.key for a in Flag.__mapper__.column_attrs])
    if not policy.can_answer_flag(actor, flag):
        raise Denied(_l("Only officials of the body concerned can answer this flag."))
    if flag.answered_at is not None:
        raise Invalid("answer", _l("This flag has already been answered."))
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise Invalid("outcome", _l("Choose one of the options.")) from None
    value = _bilingual(answer, "answer", ANSWER_MAX)
    if not _filled(value):
        raise Invalid("answer", _l("Write the answer in at least one language."))
    flag.outcome, flag.answer = outcome, Bilingual(value["ko"], value["en"])
    flag.answered_at, flag.answered_by_id = now, actor.person.id  # type: ignore[union-attr]
    body_org = db.session.get(Organization, flag.body_org_id)
    record.append(EventType.REGISTER_FLAG_ANSWERED, actor=actor, subject=flag, scope=entry or body_org, now=now,
                  payload={"outcome": str(outcome), "answer_sha256": record.sha256_hex(record.canonical(value))})
    flagger = db.session.get(Organization, flag.organization_id)
    for email, locale in _admins(flag.organization_id):
        enqueue(email, "register_flag_answered", lang=locale, now=now, flag=flag, flagger=flagger, body=body_org,
                entry=entry, link=_flag_link(flag, locale))
    return flag
