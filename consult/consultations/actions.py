"""Every change to consultations, their versions, comments and dispositions (SPEC §2–§4)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import func, select

from .. import policy, record
from ..accounts.models import Person
from ..errors import Denied, Invalid
from ..extensions import atomic, db
from ..i18n import Bilingual
from ..mail.actions import BOTH, enqueue, external_url
from ..orgs.models import Membership, Organization, OrgKind, Role
from ..record import EventType
from ..sanitize import clean_source, sanitize
from . import campaigns, queries, uploads
from .models import (Attachment, Comment, CommentBand, CommentRevision, CommentStatus, Consultation,
                     DeadlineChange, Disposition, DispositionSection, Invitation, InvitationState, Meeting, MeetingFormat,
                     MeetingKind, MeetingOrganization, Mode, NoticeType, Outcome, ParticipationRequest, Purpose,
                     RequestDecision, ResultReport, Section, Status, Version)

MAX_COMMENT = 10_000
MAX_SECTIONS = 200
MAX_ATTACHMENTS = 10


# ---- consultations --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ConsultationInput:
    title: Bilingual
    summary: Bilingual
    department: Bilingual
    instrument: Bilingual
    notice_type: NoticeType
    mode: Mode
    allows_individuals: bool
    target_groups: list[OrgKind]
    opens_at: datetime
    closes_at: datetime
    short_period_reason: Bilingual


def _check_period(opens_at: datetime, closes_at: datetime, notice_type: NoticeType, reason: Bilingual) -> None:
    if closes_at <= opens_at:
        raise Invalid("closes_at", _l("The comment period must end after it opens."))
    if (closes_at - opens_at).days < notice_type.minimum_days and not reason:
        raise Invalid("short_period_reason", _l(
            "This period is shorter than the %(days)d days the law expects for this kind of notice: "
            "state the reason, which will be public.", days=notice_type.minimum_days))


def _check_input(data: ConsultationInput) -> None:
    if data.allows_individuals and data.mode is Mode.INVITED:
        raise Invalid("allows_individuals", _l("Individuals can comment only on a consultation open to all; "
                                               "in invited mode only invited organisations comment."))
    if not data.target_groups:
        raise Invalid("target_groups", _l("Choose at least one stakeholder group to hear."))
    _check_period(data.opens_at, data.closes_at, data.notice_type, data.short_period_reason)


def _apply(c: Consultation, data: ConsultationInput) -> None:
    c.title, c.summary, c.department, c.instrument = data.title, data.summary, data.department, data.instrument
    c.notice_type, c.mode, c.allows_individuals = data.notice_type, data.mode, data.allows_individuals
    c.target_groups = data.target_groups
    c.opens_at, c.closes_at, c.short_period_reason = data.opens_at, data.closes_at, data.short_period_reason


@atomic
def create_consultation(actor: policy.Actor, data: ConsultationInput, *, now: datetime) -> Consultation:
    """A draft consultation of actor.org, with an empty first version; visible only to its officials."""
    if not policy.can_create_consultation(actor):
        raise Denied(_l("Only officials of a verified government organisation can open consultations."))
    _check_input(data)
    c = Consultation(owner_org_id=actor.org.id, created_by_id=actor.person.id, created_at=now)  # type: ignore[union-attr]
    _apply(c, data)
    db.session.add(c)
    db.session.flush()
    db.session.add(Version(consultation_id=c.id, number=1, title=data.title, summary=data.summary,
                           change_note=Bilingual(None, None), created_at=now))
    # the draft's existence is recorded, its content only when published
    record.append(EventType.CONSULTATION_CREATED, actor=actor, subject=c, now=now)
    return c


@atomic
def update_consultation(actor: policy.Actor, c: Consultation, data: ConsultationInput, *,
                        now: datetime) -> Consultation:
    """Change a draft's details; after publication only the deadline moves (change_deadline)."""
    if not policy.can_edit_draft(actor, c, now=now):
        raise Denied(_l("Only the owning organisation's officials can edit this consultation."))
    if c.published_at is not None:
        raise Invalid("title", _l("A published consultation's details are fixed; publish a new version "
                                  "or change the deadline instead."))
    _check_input(data)
    _apply(c, data)
    first = db.session.scalar(select(Version).where(Version.consultation_id == c.id, Version.number == 1))
    if first is not None:
        first.title, first.summary = data.title, data.summary
    return c


def content_of(version: Version) -> dict:  # type: ignore[type-arg]
    """What a published version's hash covers: its texts, sections in order, attachments by hash."""
    return {
        "consultation": version.consultation_id, "number": version.number,
        "title": version.title.as_dict(), "summary": version.summary.as_dict(),
        "change_note": version.change_note.as_dict(),
        "sections": [{"key": s.key, "number": s.number.as_dict(), "heading": s.heading.as_dict(),
                      "body": s.body.as_dict()} for s in queries.sections(version)],
        "attachments": [{"filename": a.filename, "sha256": a.sha256, "size": a.size}
                        for a in queries.attachments(version)],
    }


def content_hash(version: Version) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of content_of(version)."""
    return record.sha256_hex(record.canonical(content_of(version)))


def _seal(actor: policy.Actor, c: Consultation, version: Version, now: datetime) -> None:
    if not queries.sections(version):
        raise Invalid("sections", _l("Add at least one section before publishing."))
    version.content_sha256 = content_hash(version)
    version.published_at = now
    record.append(EventType.VERSION_PUBLISHED, actor=actor, subject=version, scope=c,
                  payload={"number": version.number, "content_sha256": version.content_sha256}, now=now)


@atomic
def publish_consultation(actor: policy.Actor, c: Consultation, *, now: datetime) -> Consultation:
    """Publish a draft with its first version: scheduled until opens_at, then open (by the clock)."""
    if not policy.can_manage_consultation(actor, c):
        raise Denied(_l("Only the owning organisation's officials can publish this consultation."))
    if c.published_at is not None:
        raise Invalid("publish", _l("This consultation is already published."))
    if c.closes_at <= now:
        raise Invalid("closes_at", _l("The deadline has already passed: choose a later one."))
    if c.opens_at < now - timedelta(days=1):
        raise Invalid("opens_at", _l("The opening date has passed: choose today or a later day."))
    opens_at = max(c.opens_at, now)
    _check_period(opens_at, c.closes_at, c.notice_type, c.short_period_reason)
    c.opens_at = opens_at
    c.published_at = now
    c.published_by_id = actor.person.id  # type: ignore[union-attr]
    from ..register.actions import consultation_published  # AI register: entries linked to c now have a
    consultation_published(c)  # published consultation (issue 8)
    first = db.session.scalar(select(Version).where(Version.consultation_id == c.id, Version.number == 1))
    record.append(EventType.CONSULTATION_PUBLISHED, actor=actor, subject=c, payload={
        "title": c.title.as_dict(), "notice_type": str(c.notice_type), "mode": str(c.mode),
        "allows_individuals": c.allows_individuals, "target_groups": [str(k) for k in c.target_groups],
        "opens_at": record.rfc3339(c.opens_at), "closes_at": record.rfc3339(c.closes_at),
        "period_days": c.period_days, "short_period_reason": c.short_period_reason.as_dict(),
    }, now=now)
    _seal(actor, c, first, now)  # type: ignore[arg-type]
    return c


@atomic
def change_deadline(actor: policy.Actor, c: Consultation, closes_at: datetime, reason: Bilingual, *,
                    now: datetime) -> DeadlineChange:
    """Extend or shorten the comment period after publication, with a public reason."""
    if not policy.can_change_deadline(actor, c, now=now):
        raise Denied(_l("The deadline of this consultation cannot be changed now."))
    if not reason:
        raise Invalid("reason", _l("State why the deadline changes; the reason will be public."))
    if closes_at <= now or closes_at <= c.opens_at:
        raise Invalid("closes_at", _l("Choose a new deadline in the future and after the opening."))
    if closes_at == c.closes_at:
        raise Invalid("closes_at", _l("The new deadline is the same as the current one."))
    change = DeadlineChange(consultation_id=c.id, changed_at=now, changed_by_id=actor.person.id,  # type: ignore[union-attr]
                            old_closes_at=c.closes_at, new_closes_at=closes_at, reason=reason)
    db.session.add(change)
    c.closes_at = closes_at
    record.append(EventType.CONSULTATION_DEADLINE_CHANGED, actor=actor, subject=c, payload={
        "old_closes_at": record.rfc3339(change.old_closes_at), "new_closes_at": record.rfc3339(closes_at),
        "reason": reason.as_dict()}, now=now)
    return change


# ---- versions and sections ------------------------------------------------------------------------

def editable_version(c: Consultation) -> Version | None:
    """The version being prepared (not yet published), if any."""
    return db.session.scalar(select(Version).where(Version.consultation_id == c.id,
                                                   Version.published_at.is_(None)))


def _check_editable(actor: policy.Actor, c: Consultation, version: Version, now: datetime) -> None:
    if not policy.can_edit_draft(actor, c, now=now) or version.consultation_id != c.id:
        raise Denied(_l("Only the owning organisation's officials can edit this draft."))
    if version.is_published:
        raise Invalid("version", _l("A published version cannot be changed; start a new version instead."))


@dataclass(frozen=True)
class SectionInput:
    number: Bilingual
    heading: Bilingual
    body: Bilingual


def _new_key(c: Consultation) -> str:
    """A key no section of any version of c has used: s1, s2, …"""
    keys = db.session.scalars(select(Section.key).join(Version, Section.version_id == Version.id)
                              .where(Version.consultation_id == c.id))
    used = [int(k[1:]) for k in keys if re.fullmatch(r"s\d+", k)]
    return f"s{max(used, default=0) + 1}"


@atomic
def save_section(actor: policy.Actor, c: Consultation, version: Version, data: SectionInput, *,
                 now: datetime, section: Section | None = None, key: str | None = None) -> Section:
    """Add a section at the end of an unpublished version, or change one of its sections."""
    _check_editable(actor, c, version, now)
    if not data.body:
        raise Invalid("body", _l("Write the text of the section."))
    if section is None:
        existing = queries.sections(version)
        if len(existing) >= MAX_SECTIONS:
            raise Invalid("body", _l("A version has at most %(count)d sections.", count=MAX_SECTIONS))
        if key is not None and any(s.key == key for s in existing):
            raise Invalid("key", _l("This section already exists in this version."))
        section = Section(version_id=version.id, key=key or _new_key(c),
                          position=max((s.position for s in existing), default=0) + 1)
        db.session.add(section)
    elif section.version_id != version.id:
        raise Invalid("section", _l("Choose a section of this version."))
    section.number, section.heading, section.body = data.number, data.heading, data.body
    return section


@atomic
def delete_section(actor: policy.Actor, c: Consultation, version: Version, section: Section, *,
                   now: datetime) -> None:
    _check_editable(actor, c, version, now)
    if section.version_id != version.id:
        raise Invalid("section", _l("Choose a section of this version."))
    db.session.delete(section)


@atomic
def move_section(actor: policy.Actor, c: Consultation, version: Version, section: Section, step: int, *,
                 now: datetime) -> None:
    """Swap a section with its neighbour above (step -1) or below (+1)."""
    _check_editable(actor, c, version, now)
    ordered = queries.sections(version)
    ids = [s.id for s in ordered]
    if section.id not in ids or step not in (-1, 1):
        raise Invalid("section", _l("Choose a section of this version."))
    i = ids.index(section.id)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i].position, ordered[j].position = ordered[j].position, ordered[i].position


@atomic
def update_version(actor: policy.Actor, c: Consultation, version: Version, *, title: Bilingual,
                   summary: Bilingual, change_note: Bilingual, now: datetime) -> Version:
    _check_editable(actor, c, version, now)
    if not title:
        raise Invalid("title", _l("Fill in at least one language."))
    version.title, version.summary, version.change_note = title, summary, change_note
    return version


@atomic
def add_attachment(actor: policy.Actor, c: Consultation, version: Version, filename: str, data: bytes, *,
                   now: datetime) -> Attachment:
    """Attach a PDF (checked by its content, at most 10 MB) to an unpublished version."""
    _check_editable(actor, c, version, now)
    if len(data) > uploads.MAX_PDF_BYTES:
        raise Invalid("file", _l("The file is larger than 10 MB."))
    if not uploads.looks_like_pdf(data):
        raise Invalid("file", _l("This file is not a PDF. Attach a PDF document."))
    if len(queries.attachments(version)) >= MAX_ATTACHMENTS:
        raise Invalid("file", _l("A version has at most %(count)d attachments.", count=MAX_ATTACHMENTS))
    name = clean_source(filename).replace("/", "_").replace("\\", "_").strip() or "attachment.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    attachment = Attachment(version_id=version.id, filename=name[-200:], size=len(data),
                            sha256=uploads.store(data), uploaded_at=now, uploaded_by_id=actor.person.id)  # type: ignore[union-attr]
    db.session.add(attachment)
    return attachment


@atomic
def remove_attachment(actor: policy.Actor, c: Consultation, version: Version, attachment: Attachment, *,
                      now: datetime) -> None:
    _check_editable(actor, c, version, now)
    if attachment.version_id != version.id:
        raise Invalid("file", _l("Choose an attachment of this version."))
    db.session.delete(attachment)


@atomic
def start_version(actor: policy.Actor, c: Consultation, *, now: datetime) -> Version:
    """Begin the next version as a copy of the latest published one (same section keys)."""
    if not policy.can_edit_draft(actor, c, now=now) or c.published_at is None:
        raise Denied(_l("A new version can be prepared only for a published consultation that is not concluded."))
    if editable_version(c) is not None:
        raise Invalid("version", _l("A new version is already being prepared."))
    latest = db.session.scalar(select(Version).where(Version.consultation_id == c.id)
                               .order_by(Version.number.desc()).limit(1))
    assert latest is not None
    version = Version(consultation_id=c.id, number=latest.number + 1, title=latest.title, summary=latest.summary,
                      change_note=Bilingual(None, None), created_at=now)
    db.session.add(version)
    db.session.flush()
    for s in queries.sections(latest):
        db.session.add(Section(version_id=version.id, key=s.key, position=s.position, number=s.number,
                               heading=s.heading, body=s.body))
    return version


@atomic
def publish_version(actor: policy.Actor, c: Consultation, version: Version, *, now: datetime) -> Version:
    """Publish a later version; it becomes the one people read and comment on. Its hash is recorded."""
    _check_editable(actor, c, version, now)
    if c.published_at is None or version.number < 2:
        raise Invalid("version", _l("Publish the consultation itself first."))
    if not version.change_note:
        raise Invalid("change_note", _l("Say what changed in this version; the note is public."))
    _seal(actor, c, version, now)
    return version


# ---- comments -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommentInput:
    body: str
    lang: str
    section_id: int | None = None
    translation: str | None = None


def _check_text(data: CommentInput) -> tuple[str, str | None]:
    body = clean_source(data.body).strip()
    translation = clean_source(data.translation).strip() if data.translation else None
    if not body:
        raise Invalid("body", _l("Write your comment."))
    if len(body) > MAX_COMMENT or (translation and len(translation) > MAX_COMMENT):
        raise Invalid("body", _l("A comment has at most %(count)d characters.", count=MAX_COMMENT))
    if data.lang not in ("ko", "en"):
        raise Invalid("lang", _l("Choose the language you wrote in."))
    if not str(sanitize(body)).strip():
        raise Invalid("body", _l("Write your comment."))
    return body, translation or None


def latest_published(c: Consultation) -> Version | None:
    return db.session.scalar(select(Version).where(Version.consultation_id == c.id,
                                                   Version.published_at.is_not(None))
                             .order_by(Version.number.desc()).limit(1))


def _group(comment: Comment, text: str) -> None:
    """Put the comment in a campaign with an identical or near-identical comment of the consultation."""
    db.session.execute(db.delete(CommentBand).where(CommentBand.comment_id == comment.id))
    comment.campaign_id = None
    digests = campaigns.bands(text)
    match = db.session.scalar(select(Comment).where(
        Comment.consultation_id == comment.consultation_id, Comment.text_sha256 == comment.text_sha256,
        Comment.id != comment.id).order_by(Comment.id).limit(1))
    if match is None:
        candidate_ids = set(db.session.scalars(select(CommentBand.comment_id).where(
            CommentBand.consultation_id == comment.consultation_id,
            CommentBand.comment_id != comment.id,
            db.or_(*[db.and_(CommentBand.band == i, CommentBand.digest == d) for i, d in enumerate(digests)]))
            .limit(50)))
        if candidate_ids:
            for other in db.session.scalars(select(Comment).where(Comment.id.in_(candidate_ids))
                                            .order_by(Comment.id)):
                if campaigns.similar(other.body_source, text):
                    match = other
                    break
    if match is not None:
        root_id = match.campaign_id or match.id
        match.campaign_id = root_id
        comment.campaign_id = root_id
    db.session.add_all(CommentBand(comment_id=comment.id, band=i, consultation_id=comment.consultation_id,
                                   digest=d) for i, d in enumerate(digests))


def is_participant(c: Consultation, org: Organization | None) -> bool:
    """Invited (and not declined or withdrawn) or granted a place: may take part in an invited consultation."""
    if org is None:
        return False
    invited = db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.consultation_id == c.id, Invitation.organization_id == org.id,
        Invitation.state.in_([InvitationState.SENT, InvitationState.ACCEPTED])))
    granted = db.session.scalar(select(func.count()).select_from(ParticipationRequest).where(
        ParticipationRequest.consultation_id == c.id, ParticipationRequest.organization_id == org.id,
        ParticipationRequest.decision == RequestDecision.GRANTED))
    return bool(invited or granted)


@atomic
def submit_comment(actor: policy.Actor, c: Consultation, data: CommentInput, *, now: datetime) -> Comment:
    """Submit a comment for actor.org (or actor.person) on the current version and record it."""
    participating = c.mode is Mode.INVITED and is_participant(c, actor.org)
    if not policy.can_comment(actor, c, now=now, participating=participating):
        if c.status_at(now) is not Status.OPEN:
            raise Denied(_l("This consultation is not open for comments: the deadline has passed or it "
                            "has not opened yet. Nothing was saved."))
        raise Denied(_l("You cannot comment on this consultation on behalf of this organisation."))
    version = latest_published(c)
    assert version is not None
    if data.section_id is not None:
        section = db.session.get(Section, data.section_id)
        if section is None or section.version_id != version.id:
            raise Invalid("section_id", _l("Choose a section of the current version."))
    body, translation = _check_text(data)
    comment = Comment(consultation_id=c.id, version_id=version.id, section_id=data.section_id,
                      author_org_id=actor.org.id if actor.org else None, author_id=actor.person.id,  # type: ignore[union-attr]
                      lang=data.lang, body_source=body, body_html=str(sanitize(body)),
                      translation_source=translation,
                      translation_html=str(sanitize(translation)) if translation else None,
                      status=CommentStatus.PUBLISHED, submitted_at=now, revision_count=1,
                      text_sha256=campaigns.text_digest(body))
    db.session.add(comment)
    db.session.flush()
    db.session.add(CommentRevision(comment_id=comment.id, number=1, written_at=now, lang=data.lang,
                                   body_source=body, body_html=comment.body_html, translation_source=translation))
    _group(comment, body)
    record.append(EventType.COMMENT_SUBMITTED, actor=actor, subject=comment, scope=c, payload={
        "version": version.number, "section": data.section_id, "lang": data.lang,
        "body_sha256": record.sha256_hex(body), "individual": actor.org is None}, now=now)
    return comment


def _comment_consultation(comment: Comment) -> Consultation:
    c = db.session.get(Consultation, comment.consultation_id)
    assert c is not None
    return c


@atomic
def revise_comment(actor: policy.Actor, comment: Comment, data: CommentInput, *, now: datetime) -> Comment:
    """A new text for the comment, until the deadline; the earlier texts stay as revisions."""
    c = _comment_consultation(comment)
    if not policy.can_edit_comment(actor, comment, c, now=now):
        raise Denied(_l("This comment can no longer be changed: the deadline has passed, or it is not yours."))
    body, translation = _check_text(data)
    comment.revision_count += 1
    comment.lang, comment.body_source, comment.body_html = data.lang, body, str(sanitize(body))
    comment.translation_source = translation
    comment.translation_html = str(sanitize(translation)) if translation else None
    comment.revised_at = now
    comment.text_sha256 = campaigns.text_digest(body)
    db.session.add(CommentRevision(comment_id=comment.id, number=comment.revision_count, written_at=now,
                                   lang=data.lang, body_source=body, body_html=comment.body_html,
                                   translation_source=translation))
    _group(comment, body)
    record.append(EventType.COMMENT_REVISED, actor=actor, subject=comment, scope=c, payload={
        "revision": comment.revision_count, "lang": data.lang, "body_sha256": record.sha256_hex(body)}, now=now)
    return comment


@atomic
def withdraw_comment(actor: policy.Actor, comment: Comment, reason: Bilingual, *, now: datetime) -> Comment:
    """Withdraw a comment: its text leaves the page, a public tombstone (date, reason) stays."""
    c = _comment_consultation(comment)
    if not policy.can_edit_comment(actor, comment, c, now=now):
        raise Denied(_l("This comment can no longer be withdrawn: the deadline has passed, or it is not yours."))
    comment.status = CommentStatus.WITHDRAWN
    comment.withdrawn_at, comment.withdrawal_reason = now, reason
    record.append(EventType.COMMENT_WITHDRAWN, actor=actor, subject=comment, scope=c,
                  payload={"reason": reason.as_dict()}, now=now)
    return comment


@atomic
def hide_comment(actor: policy.Actor, comment: Comment, reason: Bilingual, *, now: datetime) -> Comment:
    """A platform admin hides a comment's text; the fact, the date and the reason stay public."""
    if not policy.can_moderate(actor):
        raise Denied(_l("Only platform administrators moderate comments."))
    if not reason:
        raise Invalid("reason", _l("State the reason for hiding the comment; it will be public."))
    if comment.status is not CommentStatus.PUBLISHED:
        raise Invalid("reason", _l("Only a published comment can be hidden."))
    c = _comment_consultation(comment)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = now, actor.person.id, reason  # type: ignore[union-attr]
    record.append(EventType.COMMENT_HIDDEN, actor=actor, subject=comment, scope=c,
                  payload={"reason": reason.as_dict()}, now=now)
    return comment


# ---- dispositions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DispositionInput:
    outcome: Outcome
    reason: Bilingual
    changed_section_ids: tuple[int, ...] = ()


def _changed_sections(c: Consultation, comment: Comment, ids: tuple[int, ...]) -> list[Section]:
    if not ids:
        return []
    rows = db.session.execute(select(Section, Version).join(Version, Section.version_id == Version.id)
                              .where(Section.id.in_(set(ids)))).all()
    commented = db.session.get(Version, comment.version_id)
    if len(rows) != len(set(ids)) or any(
            v.consultation_id != c.id or not v.is_published or v.number <= commented.number  # type: ignore[union-attr]
            for _, v in rows):
        raise Invalid("changed_sections", _l("Choose sections of a later published version of this draft."))
    return [s for s, _ in rows]


@atomic
def record_disposition(actor: policy.Actor, comment: Comment, data: DispositionInput, *,
                       now: datetime) -> Disposition:
    """Record (or change) how a comment was handled; one disposition per comment (UNIQUE). The commenter
    is told by mail, in the same transaction."""
    disposition, news = _decide(actor, comment, data, now)
    _tell_commenters(_comment_consultation(comment), [(comment, news)], data, now=now)
    return disposition


def _decide(actor: policy.Actor, comment: Comment, data: DispositionInput,
            now: datetime) -> tuple[Disposition, str | None]:
    """Write one disposition and its event; also says what the commenter should hear: "recorded",
    "changed", or None when a saved disposition was saved again as it was."""
    c = _comment_consultation(comment)
    if not policy.can_decide_disposition(actor, c, now=now):
        raise Denied(_l("Only the owning organisation's officials record dispositions, until the "
                        "consultation is concluded."))
    if comment.status is not CommentStatus.PUBLISHED:
        raise Invalid("outcome", _l("A withdrawn or hidden comment gets no disposition."))
    if not data.reason:
        raise Invalid("reason", _l("Give the reason for this outcome; it will be public."))
    sections = _changed_sections(c, comment, data.changed_section_ids)
    disposition = db.session.scalar(select(Disposition).where(Disposition.comment_id == comment.id))
    event = EventType.DISPOSITION_CHANGED if disposition else EventType.DISPOSITION_RECORDED
    news: str | None = "recorded"
    if disposition is None:
        disposition = Disposition(comment_id=comment.id, consultation_id=c.id, decided_at=now)
        db.session.add(disposition)
    else:
        before = (disposition.outcome, disposition.reason, set(db.session.scalars(
            select(DispositionSection.section_id).where(DispositionSection.disposition_id == disposition.id))))
        news = None if before == (data.outcome, data.reason, {s.id for s in sections}) else "changed"
        disposition.changed_at = now
    disposition.outcome, disposition.reason = data.outcome, data.reason
    disposition.decided_by_id = actor.person.id  # type: ignore[union-attr]
    db.session.flush()
    db.session.execute(db.delete(DispositionSection).where(DispositionSection.disposition_id == disposition.id))
    db.session.add_all(DispositionSection(disposition_id=disposition.id, section_id=s.id) for s in sections)
    record.append(event, actor=actor, subject=disposition, scope=c, payload={
        "comment": comment.id, "outcome": str(data.outcome), "reason": data.reason.as_dict(),
        "changed_sections": sorted(s.id for s in sections)}, now=now)
    return disposition, news


@atomic
def record_campaign_disposition(actor: policy.Actor, c: Consultation, campaign_id: int, data: DispositionInput,
                                *, now: datetime) -> list[Disposition]:
    """Answer every published comment of one campaign (form-letter group) at once; each author hears of it
    in one mail, however many of the group's comments are theirs."""
    members = list(db.session.scalars(select(Comment).where(
        Comment.consultation_id == c.id, Comment.campaign_id == campaign_id,
        Comment.status == CommentStatus.PUBLISHED).order_by(Comment.id)))
    if not members:
        raise Invalid("campaign", _l("There is no such group of comments in this consultation."))
    decided = [_decide(actor, m, data, now) for m in members]
    _tell_commenters(c, [(m, news) for m, (_, news) in zip(members, decided)], data, now=now,
                     group_size=len(members))
    return [d for d, _ in decided]


def _tell_commenters(c: Consultation, answered: list[tuple[Comment, str | None]], data: DispositionInput, *,
                     now: datetime, group_size: int = 0) -> None:
    """Mail each author of an answered comment in the recipient's language: an organisation through its
    current admins (whoever wrote the comment may have left since), an individual themself; erased people
    and people without an address get nothing. One mail per author and recipient, listing their comments."""
    by_author: dict[tuple[str, int], list[tuple[Comment, str]]] = {}
    for comment, news in answered:
        if news is None:
            continue
        if comment.author_org_id is not None:
            by_author.setdefault(("org", comment.author_org_id), []).append((comment, news))
        elif comment.author_id is not None:
            by_author.setdefault(("person", comment.author_id), []).append((comment, news))
    if not by_author:
        return
    org_ids = [i for kind, i in by_author if kind == "org"]
    person_ids = [i for kind, i in by_author if kind == "person"]
    reachable = (Person.erased_at.is_(None), Person.email.is_not(None))
    recipients: dict[tuple[str, int], list[tuple[str, str]]] = {}
    if org_ids:
        for org_id, email, locale in db.session.execute(
                select(Membership.organization_id, Person.email, Person.locale)
                .join(Person, Membership.person_id == Person.id)
                .where(Membership.organization_id.in_(org_ids), Membership.role == Role.ADMIN, *reachable)
                .order_by(Person.email)):
            recipients.setdefault(("org", org_id), []).append((email, locale))
    if person_ids:
        for person_id, email, locale in db.session.execute(
                select(Person.id, Person.email, Person.locale).where(Person.id.in_(person_ids), *reachable)):
            recipients[("person", person_id)] = [(email, locale)]
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(
        Organization.id.in_([*org_ids, c.owner_org_id])))}
    for author, items in by_author.items():
        for email, locale in recipients.get(author, []):
            links = [external_url("consultations.comment", lang=locale, consultation_id=c.id, comment_id=m.id)
                     for m, _ in items]
            enqueue(email, "disposition_recorded", lang=locale, now=now, consultation=c,
                    owner=orgs[c.owner_org_id], org=orgs.get(author[1]) if author[0] == "org" else None,
                    changed=all(news == "changed" for _, news in items), outcome=data.outcome,
                    reason=data.reason, links=links, group_size=group_size)


# ---- conclusion -----------------------------------------------------------------------------------

def undisposed_count(c: Consultation) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).outerjoin(
        Disposition, Disposition.comment_id == Comment.id).where(
        Comment.consultation_id == c.id, Comment.status == CommentStatus.PUBLISHED,
        Disposition.id.is_(None))) or 0


@atomic
def conclude(actor: policy.Actor, c: Consultation, *, title: Bilingual, body: Bilingual,
             undisposed_reason: Bilingual, now: datetime) -> ResultReport:
    """Publish the result report, which concludes the consultation. Every comment needs a disposition,
    or the official states publicly why some have none."""
    if not policy.can_conclude(actor, c, now=now):
        raise Denied(_l("A consultation can be concluded by its officials once the comment period has closed."))
    if not title:
        raise Invalid("title", _l("Fill in at least one language."))
    if not body:
        raise Invalid("body", _l("Write the report."))
    missing = undisposed_count(c)
    if missing and not undisposed_reason:
        raise Invalid("undisposed_reason", _ln(
            "%(num)d comment has no disposition yet: record it, or state publicly why not.",
            "%(num)d comments have no disposition yet: record them, or state publicly why not.", missing))
    body = Bilingual(clean_source(body.ko) if body.ko else None, clean_source(body.en) if body.en else None)
    report = ResultReport(consultation_id=c.id, published_at=now, published_by_id=actor.person.id,  # type: ignore[union-attr]
                          title=title, body=body,
                          body_html=Bilingual(str(sanitize(body.ko)) if body.ko else None,
                                              str(sanitize(body.en)) if body.en else None),
                          undisposed_reason=undisposed_reason if missing else Bilingual(None, None))
    db.session.add(report)
    c.concluded_at = now
    record.append(EventType.CONSULTATION_CONCLUDED, actor=actor, subject=c, payload={
        "report_sha256": record.sha256_hex(record.canonical({"title": title.as_dict(), "body": body.as_dict()})),
        "undisposed": missing, "undisposed_reason": report.undisposed_reason.as_dict()}, now=now)
    return report


# ---- who takes part (the interface arrives with the invitations issue) ----------------------------

# ---- participation: invitations, requests, meetings (SPEC §2, §7) -------------------------------------

MAX_INVITATIONS_AT_ONCE = 200
MAX_MEETING_ORGS = 200
REMINDER_BEFORE = timedelta(days=3)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _admins(org_id: int) -> list[tuple[str, str]]:
    """(email, locale) of an organisation's current admins who can receive mail."""
    from ..accounts.models import Person
    from ..orgs.models import Membership, Role
    return list(db.session.execute(select(Person.email, Person.locale).join(Membership, Membership.person_id == Person.id)
                                   .where(Membership.organization_id == org_id, Membership.role == Role.ADMIN,
                                          Person.email.is_not(None), Person.erased_at.is_(None))
                                   .order_by(Person.id)).all())


def _mail(recipients: list[tuple[str, str]], template: str, c: Consultation, *, now: datetime,
          **context: object) -> None:
    """One mail per recipient in their language (or both, mail.BOTH), linking to the consultation's page
    in that language."""
    from ..mail.actions import PerLanguage, enqueue, external_url
    owner = db.session.get(Organization, c.owner_org_id)
    links = PerLanguage({lang: external_url("consultations.show", lang=lang, consultation_id=c.id)
                         for lang in ("ko", "en")})
    for email, locale in recipients:
        enqueue(email, template, lang=locale, now=now, consultation=c, owner=owner, link=links, **context)


def _check_message(message: Bilingual, field: str = "message") -> None:
    for side in (message.ko, message.en):
        if side and len(side) > 3000:
            raise Invalid(field, _l("At most %(max)d characters.", max=3000))


def _can_invite(actor: policy.Actor, c: Consultation, now: datetime) -> None:
    if not policy.can_invite(actor, c, now=now):
        raise Denied(_l("Only the owning organisation's officials invite organisations, while the consultation "
                        "is published and not yet closed."))


@atomic
def invite_organization(actor: policy.Actor, c: Consultation, org: Organization, purpose: Purpose,
                        message: Bilingual, *, now: datetime) -> Invitation:
    """Invite a verified organisation for one purpose; its admins are mailed."""
    _can_invite(actor, c, now)
    _check_message(message)
    if not org.is_verified:
        raise Invalid("organization", _l("Only verified organisations can be invited."))
    if org.id == c.owner_org_id:
        raise Invalid("organization", _l("The owning organisation does not invite itself."))
    if db.session.scalar(select(Invitation.id).where(Invitation.consultation_id == c.id,
                                                     Invitation.organization_id == org.id,
                                                     Invitation.purpose == purpose)):
        raise Invalid("organization", _l("This organisation is already invited for this purpose."))
    invitation = Invitation(consultation_id=c.id, organization_id=org.id, invited_by_id=actor.person.id,  # type: ignore[union-attr]
                            sent_at=now, purpose=purpose, message=message, state=InvitationState.SENT,
                            answer_reason=Bilingual(None, None), invited_name=Bilingual(None, None),
                            withdrawal_reason=Bilingual(None, None))
    db.session.add(invitation)
    record.append(EventType.INVITATION_SENT, actor=actor, subject=invitation, scope=c,
                  payload={"organization": org.id, "purpose": str(purpose)}, now=now)
    _mail(_admins(org.id), "invitation_sent", c, now=now, invitation=invitation, org=org)
    return invitation


@atomic
def invite_organizations(actor: policy.Actor, c: Consultation, org_ids: list[int], purpose: Purpose,
                         message: Bilingual, *, now: datetime) -> list[Invitation]:
    """Invite several organisations at once (one transaction: all or none)."""
    ids = list(dict.fromkeys(org_ids))
    if not ids:
        raise Invalid("organizations", _l("Choose at least one organisation to invite."))
    if len(ids) > MAX_INVITATIONS_AT_ONCE:
        raise Invalid("organizations", _l("Invite at most %(count)d organisations at once.",
                                          count=MAX_INVITATIONS_AT_ONCE))
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))}
    if len(orgs) != len(ids):
        raise Invalid("organizations", _l("Only verified organisations can be invited."))
    return [invite_organization(actor, c, orgs[i], purpose, message, now=now) for i in ids]


@atomic
def invite_by_email(actor: policy.Actor, c: Consultation, email: str, name: Bilingual, purpose: Purpose,
                    message: Bilingual, *, now: datetime) -> Invitation:
    """Invite an organisation not yet on the platform by email: the invitation is public under the name
    given (never the address) and attaches to the organisation once it registers and is verified."""
    from ..accounts.models import Person
    from ..orgs.models import Membership
    _can_invite(actor, c, now)
    _check_message(message)
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise Invalid("email", _l("Enter a valid email address."))
    if not name:
        raise Invalid("name", _l("Give the organisation's name: it is shown publicly with the invitation."))
    member_of = db.session.scalars(select(Membership.organization_id).join(Person, Person.id == Membership.person_id)
                                   .where(func.lower(Person.email) == email)).all()
    verified = db.session.scalars(select(Organization).where(Organization.id.in_(member_of))).all() if member_of else []
    verified = [o for o in verified if o.is_verified and o.id != c.owner_org_id]
    if len(verified) == 1:  # the address belongs to a verified organisation on the platform: invite it directly
        return invite_organization(actor, c, verified[0], purpose, message, now=now)
    if db.session.scalar(select(Invitation.id).where(Invitation.consultation_id == c.id,
                                                     Invitation.invited_email == email,
                                                     Invitation.purpose == purpose)):
        raise Invalid("email", _l("This address is already invited for this purpose."))
    invitation = Invitation(consultation_id=c.id, invited_email=email, invited_name=name,
                            invited_by_id=actor.person.id, sent_at=now, purpose=purpose, message=message,  # type: ignore[union-attr]
                            state=InvitationState.SENT, answer_reason=Bilingual(None, None),
                            withdrawal_reason=Bilingual(None, None))
    db.session.add(invitation)
    # the address stays out of the record; its hash lets anyone holding the address check the entry
    record.append(EventType.INVITATION_SENT, actor=actor, subject=invitation, scope=c,
                  payload={"organization": None, "name": name.as_dict(), "email_sha256": record.sha256_hex(email),
                           "purpose": str(purpose)}, now=now)
    _mail([(email, BOTH)], "invitation_by_email", c, now=now, invitation=invitation)  # reader's language unknown
    return invitation


def attach_email_invitations(org: Organization, *, now: datetime) -> int:
    """When an organisation is verified: invitations sent by email to one of its members become its own
    (called inside the verification action). Returns how many attached."""
    from ..accounts.models import Person
    from ..orgs.models import Membership
    emails = [e.lower() for e in db.session.scalars(select(Person.email).join(Membership, Membership.person_id == Person.id)
                                                    .where(Membership.organization_id == org.id,
                                                           Person.email.is_not(None)))]
    if not emails:
        return 0
    attached = 0
    for invitation in db.session.scalars(select(Invitation).where(Invitation.organization_id.is_(None),
                                                                  Invitation.invited_email.in_(emails))
                                         .order_by(Invitation.id)).all():
        taken = db.session.scalar(select(Invitation.id).where(
            Invitation.consultation_id == invitation.consultation_id, Invitation.organization_id == org.id,
            Invitation.purpose == invitation.purpose))
        if taken:
            continue
        invitation.organization_id, invitation.attached_at = org.id, now
        c = db.session.get(Consultation, invitation.consultation_id)
        record.append(EventType.INVITATION_ATTACHED, actor=None, subject=invitation, scope=c,
                      payload={"organization": org.id}, now=now)
        attached += 1
    return attached


@atomic
def withdraw_invitation(actor: policy.Actor, invitation: Invitation, reason: Bilingual, *,
                        now: datetime) -> Invitation:
    """Withdraw an invitation (never delete it): the reason is public and the organisation is told."""
    c = db.session.get(Consultation, invitation.consultation_id)
    if c is None or not policy.can_manage_consultation(actor, c) or c.status_at(now) is Status.CONCLUDED:
        raise Denied(_l("Only the owning organisation's officials withdraw invitations, until the consultation "
                        "concludes."))
    if invitation.state not in (InvitationState.SENT, InvitationState.ACCEPTED):
        raise Invalid("reason", _l("This invitation can no longer be withdrawn."))
    if not reason:
        raise Invalid("reason", _l("Give the reason for withdrawing the invitation; it will be public."))
    _check_message(reason, "reason")
    invitation.state, invitation.withdrawn_at = InvitationState.WITHDRAWN, now
    invitation.withdrawn_by_id, invitation.withdrawal_reason = actor.person.id, reason  # type: ignore[union-attr]
    record.append(EventType.INVITATION_WITHDRAWN, actor=actor, subject=invitation, scope=c,
                  payload={"reason": reason.as_dict()}, now=now)
    if invitation.organization_id is not None:
        _mail(_admins(invitation.organization_id), "invitation_withdrawn", c, now=now, invitation=invitation)
    elif invitation.invited_email:  # not yet on the platform: the address that was invited is told
        _mail([(invitation.invited_email, BOTH)], "invitation_withdrawn", c, now=now, invitation=invitation)
    return invitation


@atomic
def answer_invitation(actor: policy.Actor, invitation: Invitation, accept: bool, reason: Bilingual, *,
                      now: datetime) -> Invitation:
    """The invited organisation accepts or declines (with an optional public reason)."""
    org = db.session.get(Organization, invitation.organization_id) if invitation.organization_id else None
    if org is None or not policy.can_act_for(actor, org):
        raise Denied(_l("Only members of the invited organisation can answer its invitation."))
    if invitation.state is not InvitationState.SENT:
        raise Invalid("answer", _l("This invitation was already answered."))
    c = db.session.get(Consultation, invitation.consultation_id)
    if c is None or c.status_at(now) in (Status.CLOSED, Status.CONCLUDED):
        raise Invalid("answer", _l("This consultation has closed; the invitation can no longer be answered."))
    _check_message(reason, "reason")
    invitation.state = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
    invitation.answered_at, invitation.answer_reason = now, reason
    invitation.answered_by_id = actor.person.id  # type: ignore[union-attr]
    record.append(EventType.INVITATION_ANSWERED, actor=actor, subject=invitation, scope=c,
                  payload={"state": str(invitation.state), "reason": reason.as_dict()}, now=now)
    return invitation


@atomic
def request_participation(actor: policy.Actor, c: Consultation, motivation: Bilingual, *,
                          now: datetime) -> ParticipationRequest:
    """A verified organisation asks to take part in an invited consultation; the request is public."""
    if actor.org is None or not policy.can_act_for(actor, actor.org) or c.published_at is None \
            or actor.org.id == c.owner_org_id:
        raise Denied(_l("Only members of a verified organisation can ask to take part."))
    if c.mode is not Mode.INVITED or c.status_at(now) not in (Status.SCHEDULED, Status.OPEN):
        raise Invalid("motivation", _l("Only a scheduled or open consultation for invited organisations takes requests."))
    if not motivation:
        raise Invalid("motivation", _l("Say why your organisation should take part."))
    _check_message(motivation, "motivation")
    if db.session.scalar(select(ParticipationRequest.id).where(ParticipationRequest.consultation_id == c.id,
                                                               ParticipationRequest.organization_id == actor.org.id)):
        raise Invalid("motivation", _l("Your organisation has already asked to take part in this consultation."))
    if db.session.scalar(select(Invitation.id).where(
            Invitation.consultation_id == c.id, Invitation.organization_id == actor.org.id,
            Invitation.state.in_((InvitationState.SENT, InvitationState.ACCEPTED)))):
        raise Invalid("motivation", _l("Your organisation is already invited to this consultation; answer the "
                                       "invitation instead."))
    request = ParticipationRequest(consultation_id=c.id, organization_id=actor.org.id,
                                   requested_by_id=actor.person.id, requested_at=now,  # type: ignore[union-attr]
                                   motivation=motivation, decision=RequestDecision.PENDING,
                                   reason=Bilingual(None, None))
    db.session.add(request)
    record.append(EventType.PARTICIPATION_REQUESTED, actor=actor, subject=request, scope=c,
                  payload={"organization": actor.org.id, "motivation": motivation.as_dict()}, now=now)
    return request


@atomic
def decide_participation(actor: policy.Actor, request: ParticipationRequest, grant: bool, reason: Bilingual, *,
                         now: datetime) -> ParticipationRequest:
    """Grant or deny a request with a public reason; the requesting organisation's admins are told."""
    c = db.session.get(Consultation, request.consultation_id)
    if c is None or not policy.can_manage_consultation(actor, c) or c.status_at(now) is Status.CONCLUDED:
        raise Denied(_l("Only the owning organisation's officials decide participation requests, until "
                        "the consultation concludes."))
    if request.decision is not RequestDecision.PENDING:
        raise Invalid("decision", _l("This request was already decided."))
    if not reason:
        raise Invalid("reason", _l("Give the reason for the decision; it will be public."))
    _check_message(reason, "reason")
    request.decision = RequestDecision.GRANTED if grant else RequestDecision.DENIED
    request.decided_by_id, request.decided_at, request.reason = actor.person.id, now, reason  # type: ignore[union-attr]
    record.append(EventType.PARTICIPATION_DECIDED, actor=actor, subject=request, scope=c,
                  payload={"decision": str(request.decision), "reason": reason.as_dict()}, now=now)
    _mail(_admins(request.organization_id), "participation_decided", c, now=now, request=request)
    return request


@dataclass(frozen=True)
class MeetingInput:
    kind: MeetingKind
    format: MeetingFormat
    held_at: datetime
    title: Bilingual
    place: Bilingual
    minutes: Bilingual
    invited_org_ids: tuple[int, ...] = ()
    attended_org_ids: tuple[int, ...] = ()
    minutes_pdf: bytes | None = None
    minutes_filename: str | None = None
    ends_at: datetime | None = None


@atomic
def record_meeting(actor: policy.Actor, c: Consultation, data: MeetingInput, *, now: datetime) -> Meeting:
    """Record a hearing or meeting held on a published consultation, with its organisations and minutes."""
    if not policy.can_manage_consultation(actor, c) or c.published_at is None:
        raise Denied(_l("Only the owning organisation's officials record meetings on a published consultation."))
    if not data.title:
        raise Invalid("title", _l("Give the meeting a title."))
    if data.ends_at is not None and data.ends_at <= data.held_at:
        raise Invalid("ends_at", _l("A meeting ends after it starts."))
    if data.held_at > now:
        raise Invalid("held_on", _l("Record a meeting once it has been held: the date is in the future."))
    if data.held_at < c.published_at - timedelta(days=365):
        raise Invalid("held_on", _l("The meeting date is more than a year before the consultation was published."))
    for value in (data.minutes.ko, data.minutes.en):
        if value and len(value) > 50_000:
            raise Invalid("minutes", _l("At most %(max)d characters.", max=50_000))
    ids = set(data.invited_org_ids) | set(data.attended_org_ids)
    if len(ids) > MAX_MEETING_ORGS:
        raise Invalid("attended", _l("At most %(count)d organisations per meeting.", count=MAX_MEETING_ORGS))
    orgs = {o.id for o in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))} if ids else set()
    if orgs != ids:
        raise Invalid("attended", _l("Choose organisations registered on the platform."))
    meeting = Meeting(consultation_id=c.id, kind=data.kind, format=data.format, held_at=data.held_at,
                      ends_at=data.ends_at,
                      title=data.title, place=data.place, minutes=data.minutes, recorded_at=now,
                      recorded_by_id=actor.person.id)  # type: ignore[union-attr]
    if data.minutes_pdf is not None:
        if len(data.minutes_pdf) > uploads.MAX_PDF_BYTES:
            raise Invalid("minutes_pdf", _l("The file is larger than 10 MB."))
        if not uploads.looks_like_pdf(data.minutes_pdf):
            raise Invalid("minutes_pdf", _l("This file is not a PDF. Attach a PDF document."))
        name = clean_source(data.minutes_filename or "").replace("/", "_").replace("\\", "_").strip() or "minutes.pdf"
        meeting.minutes_filename = (name if name.lower().endswith(".pdf") else name + ".pdf")[-200:]
        meeting.minutes_sha256, meeting.minutes_size = uploads.store(data.minutes_pdf), len(data.minutes_pdf)
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all(MeetingOrganization(meeting_id=meeting.id, organization_id=i,
                                           invited=i in data.invited_org_ids, attended=i in data.attended_org_ids)
                       for i in sorted(ids))
    record.append(EventType.MEETING_RECORDED, actor=actor, subject=meeting, scope=c, now=now, payload={
        "kind": str(data.kind), "format": str(data.format), "held_at": record.rfc3339(data.held_at),
        "invited": sorted(data.invited_org_ids), "attended": sorted(data.attended_org_ids),
        "minutes_sha256": record.sha256_hex(record.canonical(data.minutes.as_dict())),
        "minutes_pdf_sha256": meeting.minutes_sha256})
    return meeting


@atomic
def send_reminders(*, now: datetime) -> int:
    """Three days before a consultation closes, remind each invited organisation (sent or accepted) that
    has not commented yet; each invitation is reminded once. Returns how many invitations were reminded."""
    due = db.session.scalars(select(Invitation).join(Consultation, Consultation.id == Invitation.consultation_id).where(
        Invitation.organization_id.is_not(None), Invitation.reminded_at.is_(None),
        Invitation.state.in_([InvitationState.SENT, InvitationState.ACCEPTED]),
        Consultation.published_at.is_not(None), Consultation.concluded_at.is_(None),
        Consultation.opens_at <= now, Consultation.closes_at > now,
        Consultation.closes_at <= now + REMINDER_BEFORE).order_by(Invitation.id)).all()
    reminded = 0
    # organisations already reminded of a consultation (by an earlier run, through another invitation)
    done: set[tuple[int, int]] = {(row[0], row[1]) for row in db.session.execute(
        select(Invitation.consultation_id, Invitation.organization_id).where(
            Invitation.consultation_id.in_({i.consultation_id for i in due}),
            Invitation.reminded_at.is_not(None)))} if due else set()
    for invitation in due:
        invitation.reminded_at = now
        key = (invitation.consultation_id, invitation.organization_id)  # type: ignore[assignment]
        commented = db.session.scalar(select(Comment.id).where(
            Comment.consultation_id == invitation.consultation_id,
            Comment.author_org_id == invitation.organization_id, Comment.status == CommentStatus.PUBLISHED).limit(1))
        if commented or key in done:  # one mail per organisation and consultation, whatever the purposes
            continue
        done.add(key)
        c = db.session.get(Consultation, invitation.consultation_id)
        _mail(_admins(invitation.organization_id), "consultation_reminder", c, now=now)  # type: ignore[arg-type]
        reminded += 1
    return reminded
