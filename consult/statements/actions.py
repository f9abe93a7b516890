"""Every change to joint statements: drafting, opening (which freezes the text), new versions, signing,
re-confirming and withdrawing signatures, publishing, closing and submitting to a consultation (SPEC §5)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy, record
from ..accounts.models import Person
from ..errors import Denied, Invalid
from ..extensions import atomic, db
from ..i18n import Bilingual
from ..mail.actions import enqueue, external_url
from ..orgs.models import Organization
from ..record import EventType
from ..sanitize import clean_source, sanitize
from . import queries
from .models import CoDrafter, Group, Signature, Statement, StatementVersion, Status, Submission

# submitted to a consultation, a statement becomes one comment, "**title**\n\ntext": it must fit in one
# (consultations.actions.MAX_COMMENT = 10,000 characters, with a title of at most 300)
MAX_BODY = 9_500
MAX_CO_DRAFTERS = 20


@dataclass(frozen=True)
class TextInput:
    title: Bilingual
    body: Bilingual
    change_note: Bilingual = Bilingual(None, None)


@dataclass(frozen=True)
class StatementInput:
    text: TextInput
    consultation_id: int | None = None
    co_drafter_ids: tuple[int, ...] = ()
    signing_deadline: datetime | None = None
    allows_individuals: bool = False


# ---- checks ---------------------------------------------------------------------------------------

def _clean(value: Bilingual) -> Bilingual:
    def side(text: str | None) -> str | None:
        return clean_source(text).strip() or None if text else None
    return Bilingual(side(value.ko), side(value.en))


def _check_text(text: TextInput) -> TextInput:
    title, body = _clean(text.title), _clean(text.body)
    if not title:
        raise Invalid("title", _l("Give the statement a title in at least one language."))
    if not body:
        raise Invalid("body", _l("Write the statement's text in at least one language."))
    for side in (title.ko, title.en):
        if side and len(side) > 300:
            raise Invalid("title", _l("A title has at most %(count)d characters.", count=300))
    for side in (body.ko, body.en):
        if side and len(side) > MAX_BODY:
            raise Invalid("body", _l("A statement has at most %(count)d characters in each language.",
                                     count=MAX_BODY))
        if side and not str(sanitize(side)).strip():
            raise Invalid("body", _l("Write the statement's text in at least one language."))
    return TextInput(title, body, _clean(text.change_note))


def _check_settings(owner_org_id: int, data: StatementInput, *, now: datetime) -> list[Organization]:
    from ..consultations import queries as consultation_queries
    if data.consultation_id is not None:
        c = consultation_queries.consultation_or_none(data.consultation_id)
        if c is None or c.published_at is None:
            raise Invalid("consultation", _l("Choose a published consultation."))
    if data.signing_deadline is not None and data.signing_deadline <= now:
        raise Invalid("signing_deadline", _l("The signing deadline must be in the future."))
    ids = list(dict.fromkeys(data.co_drafter_ids))
    if len(ids) > MAX_CO_DRAFTERS:
        raise Invalid("co_drafters", _l("At most %(count)d co-drafting organisations.", count=MAX_CO_DRAFTERS))
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))} if ids else {}
    for org_id in ids:
        org = orgs.get(org_id)
        if org is None or not org.is_verified or org.is_government:
            raise Invalid("co_drafters", _l("Co-drafters must be verified organisations that are not "
                                            "government bodies."))
        if org.id == owner_org_id:
            raise Invalid("co_drafters", _l("Your own organisation already drafts this statement."))
    return [orgs[i] for i in ids]


def content_of(v: StatementVersion) -> dict:  # type: ignore[type-arg]
    """What a frozen version's hash covers: its number, title, text and change note in both languages."""
    return {"statement": v.statement_id, "number": v.number, "title": v.title.as_dict(),
            "body": v.body_source.as_dict(), "change_note": v.change_note.as_dict()}


def content_hash(v: StatementVersion) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of content_of(v)."""
    return record.sha256_hex(record.canonical(content_of(v)))


def _write(v: StatementVersion, text: TextInput) -> None:
    v.title, v.body_source = text.title, text.body
    v.body_html_ko = str(sanitize(text.body.ko)) if text.body.ko else None
    v.body_html_en = str(sanitize(text.body.en)) if text.body.en else None


def _set_co_drafters(s: Statement, orgs: list[Organization]) -> None:
    db.session.execute(db.delete(CoDrafter).where(CoDrafter.statement_id == s.id))
    db.session.add_all(CoDrafter(statement_id=s.id, organization_id=o.id, position=i) for i, o in enumerate(orgs))


def _lock(s: Statement, *signatures: Signature) -> None:
    """Re-read the statement under a row lock (FOR UPDATE on PostgreSQL; SQLite's writers queue anyway),
    then these signatures: changes to one statement and its signatures run one after another, each seeing
    what the one before committed (two withdrawals of one signature must not both count)."""
    db.session.refresh(s, [a.key for a in Statement.__mapper__.column_attrs], with_for_update=True)
    for sig in signatures:
        db.session.refresh(sig, [a.key for a in Signature.__mapper__.column_attrs])


# ---- drafting -------------------------------------------------------------------------------------

@atomic
def create_statement(actor: policy.Actor, data: StatementInput, *, now: datetime) -> Statement:
    """A draft statement of actor.org with its first text; private to the drafting organisations."""
    if not policy.can_draft_statement(actor):
        raise Denied(_l("Only members of a verified organisation that is not a government body can draft "
                        "joint statements."))
    text = _check_text(data.text)
    co = _check_settings(actor.org.id, data, now=now)  # type: ignore[union-attr]
    s = Statement(owner_org_id=actor.org.id, created_by_id=actor.person.id, created_at=now,  # type: ignore[union-attr]
                  consultation_id=data.consultation_id, allows_individuals=data.allows_individuals,
                  signing_deadline=data.signing_deadline, title=text.title, current_version=1,
                  signature_count=0)
    db.session.add(s)
    db.session.flush()
    v = StatementVersion(statement_id=s.id, number=1, written_at=now, written_by_id=actor.person.id,  # type: ignore[union-attr]
                         change_note=Bilingual(None, None))
    _write(v, text)
    db.session.add(v)
    _set_co_drafters(s, co)
    # nothing is recorded yet: a draft is private; the record starts when it opens for signature
    return s


@atomic
def update_draft(actor: policy.Actor, s: Statement, data: StatementInput, *, now: datetime) -> Statement:
    """Change a draft's text and settings in place (only before it opens; afterwards: revise)."""
    _lock(s)
    drafters = queries.drafter_ids(s)
    if not policy.can_edit_statement(actor, s, drafters, now=now):
        raise Denied(_l("Only members of the drafting organisations can edit this statement."))
    if s.opened_at is not None:
        raise Invalid("title", _l("This statement is open for signature: its text is frozen. Save a new "
                                  "version instead."))
    text = _check_text(data.text)
    co = _check_settings(s.owner_org_id, data, now=now)
    v = queries.current(s)
    _write(v, text)
    v.written_at, v.written_by_id = now, actor.person.id  # type: ignore[union-attr]
    s.title = text.title
    s.consultation_id, s.allows_individuals = data.consultation_id, data.allows_individuals
    s.signing_deadline = data.signing_deadline
    _set_co_drafters(s, co)
    return s


def _freeze(v: StatementVersion, now: datetime) -> None:
    v.frozen_at = now
    v.content_sha256 = content_hash(v)


@atomic
def open_statement(actor: policy.Actor, s: Statement, *, now: datetime) -> Statement:
    """Open a draft for signature: version 1 is frozen and its content hash recorded."""
    _lock(s)
    if not policy.can_release_statement(actor, s, queries.drafter_ids(s), now=now):
        raise Denied(_l("Only an admin of a drafting organisation can open this statement for signature."))
    if s.opened_at is not None:
        raise Invalid("open", _l("This statement is already open for signature."))
    if s.signing_deadline is not None and s.signing_deadline <= now:
        raise Invalid("signing_deadline", _l("The signing deadline has passed: choose a later one first."))
    v = queries.current(s)
    _freeze(v, now)
    s.opened_at, s.opened_by_id = now, actor.person.id  # type: ignore[union-attr]
    record.append(EventType.STATEMENT_OPENED, actor=actor, subject=s, now=now, payload={
        "version": v.number, "content_sha256": v.content_sha256,
        "deadline": record.rfc3339(s.signing_deadline) if s.signing_deadline else None,
        "individuals": s.allows_individuals, "consultation": s.consultation_id,
        "co_drafters": sorted(queries.drafter_ids(s) - {s.owner_org_id})})
    return s


@atomic
def revise(actor: policy.Actor, s: Statement, text: TextInput, *, now: datetime) -> StatementVersion:
    """Change an opened statement's text: a new frozen version with a public change note. Signatures on
    earlier versions stay bound to them until their signatories re-confirm; each is asked by mail."""
    _lock(s)
    if not policy.can_edit_statement(actor, s, queries.drafter_ids(s), now=now):
        raise Denied(_l("Only members of the drafting organisations can change this statement while it is "
                        "open for signature."))
    if s.opened_at is None:
        raise Invalid("title", _l("This statement is still a draft: edit its text in place."))
    text = _check_text(text)
    if not text.change_note:
        raise Invalid("change_note", _l("Say what changed: signatories read this note before re-confirming."))
    old = queries.current(s)
    if text.title == old.title and text.body == old.body_source:
        raise Invalid("body", _l("The text is the same as version %(number)d: nothing to save.", number=old.number))
    v = StatementVersion(statement_id=s.id, number=old.number + 1, written_at=now,
                         written_by_id=actor.person.id, change_note=text.change_note)  # type: ignore[union-attr]
    _write(v, text)
    db.session.add(v)
    db.session.flush()
    _freeze(v, now)
    s.current_version, s.title = v.number, text.title
    asked = db.session.execute(update(Signature).where(
        Signature.statement_id == s.id, Signature.withdrawn_at.is_(None), Signature.version < v.number)
        .values(reconfirmation_requested_at=now)).rowcount
    _ask_to_reconfirm(s, v, now)
    record.append(EventType.STATEMENT_VERSIONED, actor=actor, subject=v, scope=s, now=now, payload={
        "number": v.number, "previous": old.number, "content_sha256": v.content_sha256,
        "previous_sha256": old.content_sha256, "reconfirmations_requested": asked})
    return v


def _ask_to_reconfirm(s: Statement, v: StatementVersion, now: datetime) -> None:
    """Mail every active signatory of an earlier version in their language: an individual themself, an
    organisation through its current admins (whoever signed may have left it since)."""
    from ..orgs.models import Membership, Role
    pending = (Signature.statement_id == s.id, Signature.withdrawn_at.is_(None), Signature.version < v.number)
    individuals = select(Person.email, Person.locale).join(Signature, Signature.person_id == Person.id).where(
        *pending, Signature.organization_id.is_(None))
    admins = select(Person.email, Person.locale).join(Membership, Membership.person_id == Person.id).join(
        Signature, Signature.organization_id == Membership.organization_id).where(*pending, Membership.role == Role.ADMIN)
    rows = db.session.execute(select(individuals.union(admins).subquery())).all()
    link = external_url("statements.show", statement_id=s.id, lang="ko")
    for email, locale in sorted(rows):
        if email:
            enqueue(email, "statement_reconfirm", lang=locale, now=now, statement=s, version=v,
                    link=link.replace("/ko/", f"/{locale}/", 1))


@atomic
def publish_statement(actor: policy.Actor, s: Statement, *, now: datetime) -> Statement:
    """Publish the statement as issued by its signatories; signing may stay open until the deadline."""
    _lock(s)
    if not policy.can_release_statement(actor, s, queries.drafter_ids(s), now=now):
        raise Denied(_l("Only an admin of a drafting organisation can publish this statement."))
    if s.opened_at is None:
        raise Invalid("publish", _l("Open the statement for signature before publishing it."))
    if s.published_at is not None:
        raise Invalid("publish", _l("This statement is already published."))
    s.published_at, s.published_by_id = now, actor.person.id  # type: ignore[union-attr]
    record.append(EventType.STATEMENT_PUBLISHED, actor=actor, subject=s, now=now, payload={
        "version": s.current_version, "signatures": s.signature_count})
    return s


@atomic
def close_statement(actor: policy.Actor, s: Statement, *, now: datetime) -> Statement:
    """End signing before the deadline (or where there is none)."""
    _lock(s)
    if not policy.can_release_statement(actor, s, queries.drafter_ids(s), now=now):
        raise Denied(_l("Only an admin of a drafting organisation can close signing."))
    if s.status_at(now) is not Status.OPEN:
        raise Invalid("close", _l("This statement is not open for signature."))
    s.closed_at = now
    record.append(EventType.STATEMENT_CLOSED, actor=actor, subject=s, now=now, payload={
        "version": s.current_version, "signatures": s.signature_count})
    return s


# ---- signatures -----------------------------------------------------------------------------------

def signer_key(actor: policy.Actor) -> str:
    return f"org:{actor.org.id}" if actor.org is not None else f"person:{actor.person.id}"  # type: ignore[union-attr]


def _names(actor: policy.Actor, name_public: bool) -> tuple[Group, str, str]:
    """The signature's list group and the names it sorts by."""
    if actor.org is not None:
        name = actor.org.name
        return Group.of_kind(actor.org.kind), (name.ko or name.en or ""), (name.en or name.ko or "")
    person = actor.person
    if not name_public or person is None or not person.display_name:
        return Group.UNNAMED, "", ""
    return Group.INDIVIDUAL, person.display_name, person.display_name_latin or person.display_name


def _count(s: Statement, delta: int) -> None:
    # one UPDATE in SQL: concurrent signers never lose each other's increments
    db.session.execute(update(Statement).where(Statement.id == s.id)
                       .values(signature_count=Statement.signature_count + delta))
    db.session.refresh(s, ["signature_count"])


@atomic
def sign(actor: policy.Actor, s: Statement, *, name_public: bool = True, now: datetime) -> Signature:
    """Sign the current version for actor.org (through an admin) or as an individual. One signature per
    signatory, enforced by the database; a withdrawn signature can be given again."""
    _lock(s)
    if not policy.can_sign(actor, s, now=now):
        if s.status_at(now) is not Status.OPEN:
            raise Denied(_l("This statement is not open for signature. Nothing was saved."))
        if actor.org is None:
            raise Denied(_l("This statement is signed by organisations only."))
        raise Denied(_l("Only an admin of a verified organisation can sign on its behalf."))
    v = queries.current(s)
    signer = signer_key(actor)
    group, name_ko, name_en = _names(actor, name_public)
    sig = queries.signature_of(s, signer)
    again = sig is not None
    if sig is not None and not sig.is_withdrawn:
        raise Invalid("sign", _l("This signature is already on the statement."))
    if sig is None:
        sig = Signature(statement_id=s.id, signer=signer, organization_id=actor.org.id if actor.org else None)
        db.session.add(sig)
    sig.person_id = actor.person.id  # type: ignore[union-attr]
    sig.name_public = actor.org is not None or name_public
    sig.list_group, sig.sort_name_ko, sig.sort_name_en = int(group), name_ko, name_en
    sig.version = sig.first_version = v.number
    sig.signed_at = now
    sig.reconfirmation_requested_at = sig.reconfirmed_at = sig.withdrawn_at = None
    sig.withdrawal_reason = Bilingual(None, None)
    try:
        db.session.flush()
    except IntegrityError:
        # a concurrent request signed for the same signatory first
        raise Invalid("sign", _l("This signature is already on the statement.")) from None
    _count(s, +1)
    record.append(EventType.STATEMENT_SIGNED, actor=actor, subject=sig, scope=s, now=now, payload={
        "version": v.number, "content_sha256": v.content_sha256, "individual": actor.org is None,
        "again": again})
    return sig


def _signature_statement(sig: Signature) -> Statement:
    s = db.session.get(Statement, sig.statement_id)
    assert s is not None
    return s


@atomic
def reconfirm(actor: policy.Actor, sig: Signature, *, now: datetime) -> Signature:
    """Bind a signature given on an earlier version to the current text."""
    s = _signature_statement(sig)
    _lock(s, sig)
    if not policy.can_change_signature(actor, sig, s, now=now):
        raise Denied(_l("Only the signatory can re-confirm this signature while signing is open."))
    if not sig.is_pending(s.current_version):
        raise Invalid("reconfirm", _l("This signature is already on the current version."))
    previous = sig.version
    v = queries.current(s)
    sig.version, sig.reconfirmed_at = v.number, now
    record.append(EventType.STATEMENT_RECONFIRMED, actor=actor, subject=sig, scope=s, now=now, payload={
        "version": v.number, "previous": previous, "content_sha256": v.content_sha256})
    return sig


@atomic
def withdraw_signature(actor: policy.Actor, sig: Signature, reason: Bilingual, *, now: datetime) -> Signature:
    """Withdraw a signature: it stays on the list as withdrawn, with its date and optional reason."""
    s = _signature_statement(sig)
    _lock(s, sig)
    if not policy.can_change_signature(actor, sig, s, now=now):
        raise Denied(_l("Only the signatory can withdraw this signature while signing is open."))
    if sig.is_withdrawn:
        raise Invalid("withdraw", _l("This signature is already withdrawn."))
    reason = _clean(reason)
    for side in (reason.ko, reason.en):
        if side and len(side) > 1000:
            raise Invalid("reason", _l("At most %(max)d characters.", max=1000))
    sig.withdrawn_at, sig.withdrawal_reason = now, reason
    sig.list_group = int(Group.WITHDRAWN)
    _count(s, -1)
    record.append(EventType.STATEMENT_SIGNATURE_WITHDRAWN, actor=actor, subject=sig, scope=s, now=now, payload={
        "version": sig.version, "reason_sha256": record.sha256_hex(record.canonical(reason.as_dict()))
        if reason else None})
    return sig


def follow_organization(org: Organization) -> None:
    """After an organisation's profile changed: its signatures sort and group under its current name and kind."""
    name = org.name
    db.session.execute(update(Signature).where(Signature.organization_id == org.id).values(
        sort_name_ko=name.ko or name.en or "", sort_name_en=name.en or name.ko or "",
        list_group=case((Signature.withdrawn_at.is_(None), int(Group.of_kind(org.kind))), else_=int(Group.WITHDRAWN))))


def forget_person(person_id: int) -> None:
    """On erasure: an individual's signatures keep counting but no longer carry a name."""
    db.session.execute(update(Signature).where(Signature.person_id == person_id, Signature.organization_id.is_(None))
                       .values(name_public=False, sort_name_ko="", sort_name_en="",
                               list_group=case((Signature.withdrawn_at.is_(None), int(Group.UNNAMED)),
                                               else_=int(Group.WITHDRAWN))))


# ---- submitting to a consultation -----------------------------------------------------------------

def _joint_text(v: StatementVersion, lang: str) -> str | None:
    title, body = getattr(v.title, lang), getattr(v.body_source, lang)
    if not body:
        return None
    return f"**{title}**\n\n{body}" if title else body


@atomic
def submit_to_consultation(actor: policy.Actor, s: Statement, consultation_id: int, *, now: datetime) -> Submission:
    """Send a published statement to an open consultation as one joint comment of actor.org carrying
    its current signatories; it then receives a disposition like any comment."""
    from ..consultations import actions as consultation_actions
    from ..consultations import queries as consultation_queries
    _lock(s)
    if not policy.can_release_statement(actor, s, queries.drafter_ids(s), now=now):
        raise Denied(_l("Only an admin of a drafting organisation can submit this statement."))
    if s.published_at is None:
        raise Invalid("consultation", _l("Publish the statement before submitting it to a consultation."))
    c = consultation_queries.consultation_or_none(consultation_id)
    if c is None or c.published_at is None:
        raise Invalid("consultation", _l("Choose a published consultation."))
    if db.session.scalar(select(Submission.id).where(Submission.statement_id == s.id,
                                                     Submission.consultation_id == c.id)):
        raise Invalid("consultation", _l("This statement was already submitted to that consultation."))
    v = queries.current(s)
    ko, en = _joint_text(v, "ko"), _joint_text(v, "en")
    lang = "ko" if ko else "en"
    comment = consultation_actions.submit_comment(actor, c, consultation_actions.CommentInput(
        body=(ko or en or ""), lang=lang, translation=en if ko else None), now=now)
    signers = db.session.execute(select(Signature.signer, Signature.version).where(
        Signature.statement_id == s.id, Signature.withdrawn_at.is_(None)).order_by(Signature.signer)).all()
    digest = record.sha256_hex(record.canonical([[signer, number] for signer, number in signers]))
    sub = Submission(statement_id=s.id, consultation_id=c.id, comment_id=comment.id, version=v.number,
                     signatory_count=len(signers), signatories_sha256=digest, submitted_at=now,
                     submitted_by_id=actor.person.id)  # type: ignore[union-attr]
    db.session.add(sub)
    try:
        db.session.flush()
    except IntegrityError:
        raise Invalid("consultation", _l("This statement was already submitted to that consultation.")) from None
    record.append(EventType.STATEMENT_SUBMITTED, actor=actor, subject=sub, scope=s, now=now, payload={
        "consultation": c.id, "comment": comment.id, "version": v.number, "content_sha256": v.content_sha256,
        "signatories": len(signers), "signatories_sha256": digest})
    return sub
