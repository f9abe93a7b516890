"""Reads of consultations: the public list, one consultation's versions, sections and comments, the
numbers of the result report. Each page costs a fixed number of queries whatever the data size."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import String, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import defer, joinedload, load_only, selectinload

from ..accounts.models import Person
from ..extensions import db
from ..orgs.models import Organization, OrgKind
from ..pagination import Page, read_moment_cursor
from .models import (Attachment, Comment, CommentRevision, CommentStatus, Consultation, DeadlineChange,
                     Disposition, NoticeType, Outcome, ResultReport, Section, Status, Version)

PAGE_SIZE = 20
COMMENT_PAGE_SIZE = 20


def consultation_or_404(consultation_id: int) -> Consultation:
    c = db.session.scalar(select(Consultation).where(Consultation.id == consultation_id)
                          .options(joinedload(Consultation.owner)))
    if c is None:
        abort(404)
    return c


def consultation_or_none(consultation_id: int) -> Consultation | None:
    if not 0 < consultation_id < 2**31:  # the column is INTEGER on PostgreSQL
        return None
    return db.session.scalar(select(Consultation).where(Consultation.id == consultation_id)
                             .options(joinedload(Consultation.owner)))


def status_clause(status: Status, now: datetime) -> Any:
    """SQL for "the consultation is in `status` at `now`" — the same rule as Consultation.status_at."""
    published = Consultation.published_at.is_not(None)
    not_concluded = Consultation.concluded_at.is_(None)
    return {
        Status.DRAFT: Consultation.published_at.is_(None),
        Status.SCHEDULED: and_(published, not_concluded, Consultation.opens_at > now),
        Status.OPEN: and_(published, not_concluded, Consultation.opens_at <= now, Consultation.closes_at > now),
        Status.CLOSED: and_(published, not_concluded, Consultation.closes_at <= now),
        Status.CONCLUDED: Consultation.concluded_at.is_not(None),
    }[status]


@dataclass(frozen=True)
class ListFilters:
    status: Status | None = None
    org: Organization | None = None
    notice_type: NoticeType | None = None

    def args(self) -> dict[str, str]:
        out = {}
        if self.status:
            out["status"] = self.status.value
        if self.org:
            out["org"] = self.org.slug
        if self.notice_type:
            out["notice_type"] = self.notice_type.value
        return out


def public_page(filters: ListFilters, after: str | None, now: datetime, limit: int = PAGE_SIZE) -> Page[Consultation]:
    """Published consultations, the latest opening first, narrowed by the filters; one query."""
    stmt = (select(Consultation).where(Consultation.published_at.is_not(None))
            .options(joinedload(Consultation.owner)))
    if filters.status:
        stmt = stmt.where(status_clause(filters.status, now))
    if filters.org:
        stmt = stmt.where(Consultation.owner_org_id == filters.org.id)
    if filters.notice_type:
        stmt = stmt.where(Consultation.notice_type == filters.notice_type)
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(Consultation.opens_at, Consultation.id) < key)
    rows = db.session.scalars(stmt.order_by(Consultation.opens_at.desc(), Consultation.id.desc())
                              .limit(limit + 1)).all()
    return Page.of(rows, limit, lambda c: (c.opens_at.isoformat(), c.id))


def status_counts(now: datetime) -> dict[Status, int]:
    """How many published consultations are in each state, in one query."""
    columns = [func.count(case((status_clause(s, now), 1))).label(s.value)
               for s in (Status.SCHEDULED, Status.OPEN, Status.CLOSED, Status.CONCLUDED)]
    row = db.session.execute(select(*columns).where(Consultation.published_at.is_not(None))).one()
    return {Status(k): v for k, v in row._mapping.items()}


def owners() -> list[Organization]:
    """Organisations with at least one published consultation (for the filter)."""
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(
        select(Consultation.owner_org_id).where(Consultation.published_at.is_not(None))))
        .order_by(Organization.name_ko)))


def comment_totals(consultation_ids: list[int]) -> dict[int, int]:
    if not consultation_ids:
        return {}
    rows = db.session.execute(select(Comment.consultation_id, func.count()).where(
        Comment.consultation_id.in_(consultation_ids)).group_by(Comment.consultation_id))
    return dict(rows.all())  # type: ignore[arg-type]


def drafts_of(org_id: int) -> list[Consultation]:
    """The organisation's unpublished consultations (for its officials)."""
    return list(db.session.scalars(select(Consultation).where(
        Consultation.owner_org_id == org_id, Consultation.published_at.is_(None))
        .order_by(Consultation.created_at.desc()).limit(100)))


# ---- one consultation ---------------------------------------------------------------------------

def versions(c: Consultation, *, include_unpublished: bool = False) -> list[Version]:
    stmt = select(Version).where(Version.consultation_id == c.id).order_by(Version.number)
    if not include_unpublished:
        stmt = stmt.where(Version.published_at.is_not(None))
    return list(db.session.scalars(stmt))


def sections(version: Version) -> list[Section]:
    return list(db.session.scalars(select(Section).where(Section.version_id == version.id)
                                   .order_by(Section.position, Section.id)))


def attachments(version: Version) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.version_id == version.id)
                                   .order_by(Attachment.id)))


def attachment_or_404(version: Version, attachment_id: int) -> Attachment:
    a = db.session.get(Attachment, attachment_id)
    if a is None or a.version_id != version.id:
        abort(404)
    return a


def section_counts(c: Consultation) -> dict[int | None, int]:
    """Published comments per section id (None: on the whole draft), one GROUP BY."""
    rows = db.session.execute(select(Comment.section_id, func.count()).where(
        Comment.consultation_id == c.id).group_by(Comment.section_id))
    return dict(rows.all())  # type: ignore[arg-type]


def section_counts_by_key(c: Consultation) -> dict[str | None, int]:
    """Comments per section key across versions (None: on the whole draft): a GROUP BY that reads only
    the (consultation_id, section_id) index, then the keys of the sections counted."""
    by_id = dict(db.session.execute(select(Comment.section_id, func.count()).where(
        Comment.consultation_id == c.id).group_by(Comment.section_id)).all())
    keys = dict(db.session.execute(select(Section.id, Section.key).where(
        Section.id.in_([i for i in by_id if i is not None]))).all())
    counts: dict[str | None, int] = {}
    for section_id, n in by_id.items():
        key = keys.get(section_id) if section_id is not None else None
        counts[key] = counts.get(key, 0) + n
    return counts


def section_ids_for_key(c: Consultation, key: str) -> list[int]:
    """The ids of the section with this key in every version."""
    return list(db.session.scalars(select(Section.id).join(Version, Section.version_id == Version.id)
                                   .where(Version.consultation_id == c.id, Section.key == key[:20])))


def comment_subjects(comment: Comment) -> list[tuple[str, int]]:
    """The record subjects that tell a comment's story: the comment and its disposition."""
    subjects = [("comment", comment.id)]
    if comment.disposition is not None:
        subjects.append(("disposition", comment.disposition.id))
    return subjects


def deadline_changes(c: Consultation) -> list[DeadlineChange]:
    return list(db.session.scalars(select(DeadlineChange).where(DeadlineChange.consultation_id == c.id)
                                   .order_by(DeadlineChange.changed_at)))


def report(c: Consultation) -> ResultReport | None:
    return db.session.scalar(select(ResultReport).where(ResultReport.consultation_id == c.id)
                             .options(joinedload(ResultReport.published_by)))


def _comment_options(stmt: Any, *, sources: bool = True) -> Any:
    if not sources:  # pages show the sanitised HTML; the Markdown sources are for exports and editing
        stmt = stmt.options(defer(Comment.body_source), defer(Comment.translation_source))
    # people and organisations: only what a comment card shows (their other columns are many and unused)
    person = (Person.id, Person.display_name, Person.display_name_latin, Person.consent_publish_name,
              Person.erased_at, Person.is_platform_admin)
    return stmt.options(joinedload(Comment.author_org).load_only(
                            Organization.id, Organization.slug, Organization.kind, Organization.name_ko,
                            Organization.name_en, Organization.status),
                        joinedload(Comment.author).load_only(*person),
                        # the rest in their own small queries: one query joining eight tables costs
                        # PostgreSQL ~7 ms of planning on every request, more than all of these together
                        selectinload(Comment.section), selectinload(Comment.version),
                        selectinload(Comment.disposition).joinedload(Disposition.decided_by).load_only(*person),
                        selectinload(Comment.disposition).selectinload(Disposition.changed_sections)
                        .joinedload(Section.version))


def comment_page(c: Consultation, *, section_ids: list[int] | None = None, whole_draft: bool = False,
                 undisposed: bool = False, after: str | None = None,
                 limit: int = COMMENT_PAGE_SIZE, sources: bool = False) -> Page[Comment]:
    """One page of comments in the order they came: two queries whatever the total (the second loads
    the changed sections of the page's dispositions). `sources`: with the Markdown texts (the API's)."""
    stmt = select(Comment).where(Comment.consultation_id == c.id)
    if section_ids is not None:
        stmt = stmt.where(Comment.section_id.in_(section_ids))
    if whole_draft:
        stmt = stmt.where(Comment.section_id.is_(None))
    if undisposed:
        stmt = stmt.where(Comment.status == CommentStatus.PUBLISHED, ~Comment.disposition.has())
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(Comment.submitted_at, Comment.id) > key)
    rows = db.session.scalars(_comment_options(stmt, sources=sources).order_by(Comment.submitted_at, Comment.id)
                              .limit(limit + 1)).all()
    return Page.of(rows, limit, lambda m: (m.submitted_at.isoformat(), m.id))


def comment_or_404(c: Consultation, comment_id: int) -> Comment:
    comment = db.session.scalar(_comment_options(select(Comment).where(Comment.id == comment_id)))
    if comment is None or comment.consultation_id != c.id:
        abort(404)
    return comment


def revisions(comment: Comment) -> list[CommentRevision]:
    return list(db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)
                                   .order_by(CommentRevision.number)))


def campaign_sizes(comments: list[Comment]) -> dict[int, int]:
    """Size of each campaign the given comments belong to, in one query."""
    ids = {m.campaign_id for m in comments if m.campaign_id}
    if not ids:
        return {}
    rows = db.session.execute(select(Comment.campaign_id, func.count()).where(
        Comment.campaign_id.in_(ids)).group_by(Comment.campaign_id))
    return dict(rows.all())  # type: ignore[arg-type]


@dataclass
class Campaign:
    id: int
    size: int
    undisposed: int
    first: Comment | None = None


def campaigns(c: Consultation) -> list[Campaign]:
    """The consultation's groups of identical or near-identical comments, largest first (two queries)."""
    rows = db.session.execute(
        select(Comment.campaign_id, func.count(),
               func.count(case((and_(Comment.status == CommentStatus.PUBLISHED, Disposition.id.is_(None)), 1))))
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(Comment.consultation_id == c.id, Comment.campaign_id.is_not(None))
        .group_by(Comment.campaign_id).having(func.count() > 1)  # a revised comment can leave a group of one
        .order_by(func.count().desc(), Comment.campaign_id).limit(100)).all()
    groups = [Campaign(cid, size, undisposed) for cid, size, undisposed in rows]
    firsts = {m.id: m for m in db.session.scalars(select(Comment).where(
        Comment.id.in_([g.id for g in groups])).options(joinedload(Comment.author_org)))} if groups else {}
    for g in groups:
        g.first = firsts.get(g.id)
    return groups


def later_sections(c: Consultation, after_version: int) -> list[tuple[Version, Section]]:
    """Sections of published versions later than `after_version` (what a disposition can point to)."""
    rows = db.session.execute(select(Version, Section).join(Section, Section.version_id == Version.id).where(
        Version.consultation_id == c.id, Version.published_at.is_not(None), Version.number > after_version)
        .order_by(Version.number, Section.position))
    return [(v, s) for v, s in rows]


# ---- the result report's numbers ------------------------------------------------------------------

INDIVIDUALS = "individual"


@dataclass
class Outcomes:
    """Dispositions by stakeholder group: the chart and its table."""

    groups: list[str] = field(default_factory=list)  # OrgKind values and "individual"
    counts: dict[str, Counter] = field(default_factory=dict)  # type: ignore[type-arg]
    totals: dict[str, int] = field(default_factory=dict)  # published comments per group
    comments: int = 0
    disposed: int = 0
    withdrawn: int = 0
    hidden: int = 0
    mean_days: float | None = None

    @property
    def response_rate(self) -> int | None:
        """Per cent of published comments with a disposition (None when there are none)."""
        return round(100 * self.disposed / self.comments) if self.comments else None

    def by_outcome(self) -> Counter:  # type: ignore[type-arg]
        total: Counter = Counter()  # type: ignore[type-arg]
        for counts in self.counts.values():
            total.update(counts)
        return total


def _days_between(earlier: Any, later: Any) -> Any:
    """SQL for the days from one moment to another, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400


def outcomes(c: Consultation) -> Outcomes:
    """Response rate, outcomes per stakeholder group and mean time to respond: three queries, each an
    aggregate over an index (the comment table's big rows are never read)."""
    result = Outcomes()
    totals = db.session.execute(select(Comment.author_org_id, Comment.status, func.count()).where(
        Comment.consultation_id == c.id).group_by(Comment.author_org_id, Comment.status)).all()
    decided = db.session.execute(
        select(Comment.author_org_id, Disposition.outcome, func.count(),
               func.sum(_days_between(Comment.submitted_at, Disposition.decided_at)))
        .join(Comment, Comment.id == Disposition.comment_id)
        .where(Disposition.consultation_id == c.id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.author_org_id, Disposition.outcome)).all()
    kinds = {o.id: o.kind.value for o in db.session.scalars(select(Organization).where(Organization.id.in_(
        {org_id for org_id, *_ in totals if org_id is not None})))}
    for org_id, status, n in totals:
        if status is CommentStatus.WITHDRAWN:
            result.withdrawn += n
        elif status is CommentStatus.HIDDEN:
            result.hidden += n
        else:
            group = kinds.get(org_id, INDIVIDUALS) if org_id is not None else INDIVIDUALS
            result.totals[group] = result.totals.get(group, 0) + n
            result.comments += n
    days = 0.0
    for org_id, outcome, n, span in decided:
        group = kinds.get(org_id, INDIVIDUALS) if org_id is not None else INDIVIDUALS
        result.counts.setdefault(group, Counter())[Outcome(outcome)] += n
        result.disposed += n
        days += max(0.0, float(span or 0))
    if result.disposed:
        result.mean_days = round(days / result.disposed, 1)
    order = [k.value for k in OrgKind] + [INDIVIDUALS]
    result.groups = [k for k in order if k in result.totals]
    return result


def export_rows(c: Consultation) -> Any:
    """Every comment with its disposition, for CSV/JSON downloads, streamed in batches."""
    stmt = _comment_options(select(Comment).where(Comment.consultation_id == c.id)) \
        .order_by(Comment.submitted_at, Comment.id).execution_options(yield_per=500)
    return db.session.scalars(stmt)


def group_label(group: str) -> str:
    from flask_babel import gettext as _
    return _("Individuals") if group == INDIVIDUALS else OrgKind(group).label



# ---- the record page ------------------------------------------------------------------------------
# SPEC §7: everything that happened on one consultation, in a fixed number of queries whatever the number
# of invitations, requests, meetings, comments and events.

# what the record page links to its entries in the log: (subject_type, subject_id) → {event type: seq}
RECORD_SUBJECTS = ("invitation", "participation_request", "meeting", "consultation_version", "consultation")
FEED_DISPOSITIONS = 30


@dataclass
class GroupInclusion:
    """One target stakeholder group: organisations on the platform and how far they took part."""

    kind: OrgKind
    verified: int = 0  # verified organisations of this kind on the platform
    invited: int = 0  # organisations with an invitation not withdrawn
    accepted: int = 0  # organisations that accepted an invitation
    commented: int = 0  # organisations with a published comment


@dataclass
class RecordData:
    """What the record page shows, loaded at once (see record_data)."""

    invitations: list[Any]  # the first `limit` in the order they were sent (all when no limit)
    invitation_count: int
    requests: list[Any]  # likewise
    request_count: int
    meetings: list[Any]
    meeting_orgs: dict[int, list[Any]]  # meeting id → its MeetingOrganization rows, organisation loaded
    people: dict[int, Person]  # the officials (and members) named on the page
    orgs: dict[int, Organization]
    inclusion: list[GroupInclusion]
    uninvited: dict[OrgKind, list[Organization]]  # verified organisations of a target group not invited
    events: dict[tuple[str, int], dict[str, int]]


_PERSON_COLUMNS = (Person.id, Person.display_name, Person.display_name_latin, Person.consent_publish_name,
                   Person.erased_at, Person.is_platform_admin)
_ORG_COLUMNS = (Organization.id, Organization.slug, Organization.kind, Organization.name_ko,
                Organization.name_en, Organization.status)


def record_events(c: Consultation, invitations: list[Any], requests: list[Any]) -> dict[tuple[str, int], dict[str, int]]:
    """The log entries of the shown invitations and requests, the meetings, versions and the consultation
    itself, in one query that reads the (subject_type, subject_id) index, never the comment events."""
    from ..record import Event
    from .models import Meeting
    owned: dict[str, Any] = {"meeting": select(Meeting.id).where(Meeting.consultation_id == c.id),
                             "consultation_version": select(Version.id).where(Version.consultation_id == c.id)}
    if invitations:
        owned["invitation"] = [i.id for i in invitations]
    if requests:
        owned["participation_request"] = [r.id for r in requests]
    clauses = [and_(Event.subject_type == kind, Event.subject_id.in_(ids)) for kind, ids in owned.items()]
    clauses.append(and_(Event.subject_type == "consultation", Event.subject_id == c.id))
    rows = db.session.execute(select(Event.subject_type, Event.subject_id, Event.event_type, Event.seq)
                              .where(or_(*clauses)).order_by(Event.seq)).all()
    events: dict[tuple[str, int], dict[str, int]] = {}
    for subject_type, subject_id, event_type, seq in rows:
        events.setdefault((subject_type, subject_id), {})[event_type] = seq  # the latest of each type wins
    return events


def inclusion(c: Consultation) -> list[GroupInclusion]:
    """Per target group: verified organisations, organisations invited (an invitation not withdrawn) and
    accepting, and organisations commenting: three GROUP BY queries, whatever the number of rows."""
    from .models import Invitation, InvitationState
    groups = {k: GroupInclusion(k) for k in c.target_groups}
    if not groups:
        return []
    kinds = list(groups)
    verified = db.session.execute(select(Organization.kind, func.count()).where(
        Organization.kind.in_(kinds), Organization.status == _verified_status(),
        Organization.id != c.owner_org_id).group_by(Organization.kind)).all()
    for kind, n in verified:
        groups[OrgKind(kind)].verified = n
    org = Invitation.organization_id
    invited = db.session.execute(
        select(Organization.kind,
               func.count(func.distinct(case((Invitation.state != InvitationState.WITHDRAWN, org)))),
               func.count(func.distinct(case((Invitation.state == InvitationState.ACCEPTED, org)))))
        .join(Organization, Organization.id == org)
        .where(Invitation.consultation_id == c.id, Organization.kind.in_(kinds)).group_by(Organization.kind)).all()
    for kind, n_invited, n_accepted in invited:
        groups[OrgKind(kind)].invited, groups[OrgKind(kind)].accepted = n_invited, n_accepted
    commented = db.session.execute(
        select(Organization.kind, func.count(func.distinct(Comment.author_org_id)))
        .join(Organization, Organization.id == Comment.author_org_id)
        .where(Comment.consultation_id == c.id, Comment.status == CommentStatus.PUBLISHED,
               Organization.kind.in_(kinds)).group_by(Organization.kind)).all()
    for kind, n in commented:
        groups[OrgKind(kind)].commented = n
    return list(groups.values())


def _verified_status() -> Any:
    from ..orgs.models import VerificationStatus
    return VerificationStatus.VERIFIED


def uninvited(c: Consultation) -> dict[OrgKind, list[Organization]]:
    """Verified organisations of the consultation's target groups without an invitation (or whose every
    invitation was withdrawn), by kind in the order of OrgKind, names in 가나다 order: one query."""
    from .models import Invitation, InvitationState
    if not c.target_groups:
        return {}
    invited = select(Invitation.organization_id).where(Invitation.consultation_id == c.id,
                                                       Invitation.organization_id.is_not(None),
                                                       Invitation.state != InvitationState.WITHDRAWN)
    rows = db.session.scalars(select(Organization).options(load_only(*_ORG_COLUMNS)).where(
        Organization.kind.in_(c.target_groups), Organization.status == _verified_status(),
        Organization.id != c.owner_org_id, Organization.id.not_in(invited))
        .order_by(Organization.name_ko, Organization.id)).all()
    out: dict[OrgKind, list[Organization]] = {}
    for kind in OrgKind:
        members = [o for o in rows if o.kind == kind]
        if members:
            out[kind] = members
    return out


def record_data(c: Consultation, *, invitations: int | None = None, requests: int | None = None) -> RecordData:
    """The first `invitations` invitations and `requests` requests (all when None) with their counts,
    the meetings with their organisations, the people and organisations they name, inclusion per target
    group and the log entries: fourteen queries whatever the data. Only shown rows are loaded: objects a
    page builds and drops are what the garbage collector spends its time on."""
    from .models import Invitation, Meeting, MeetingOrganization, ParticipationRequest
    # whole rows: deferring columns costs a callback per object, more than reading the few extra bytes
    shown_invitations = list(db.session.scalars(select(Invitation)
                                                .where(Invitation.consultation_id == c.id)
                                                .order_by(Invitation.sent_at, Invitation.id).limit(invitations)))
    shown_requests = list(db.session.scalars(select(ParticipationRequest)
                                             .where(ParticipationRequest.consultation_id == c.id)
                                             .order_by(ParticipationRequest.requested_at, ParticipationRequest.id)
                                             .limit(requests)))
    invitation_count = db.session.scalar(select(func.count()).select_from(Invitation)
                                         .where(Invitation.consultation_id == c.id)) or 0
    request_count = db.session.scalar(select(func.count()).select_from(ParticipationRequest)
                                      .where(ParticipationRequest.consultation_id == c.id)) or 0
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.consultation_id == c.id)
                                       .order_by(Meeting.held_at.desc(), Meeting.id.desc())))
    meeting_orgs: dict[int, list[Any]] = {}
    if meetings:
        for row in db.session.scalars(select(MeetingOrganization).where(
                MeetingOrganization.meeting_id.in_([m.id for m in meetings]))):
            meeting_orgs.setdefault(row.meeting_id, []).append(row)
    org_ids = {i.organization_id for i in shown_invitations if i.organization_id} \
        | {r.organization_id for r in shown_requests} \
        | {row.organization_id for rows in meeting_orgs.values() for row in rows}
    orgs = {o.id: o for o in db.session.scalars(select(Organization)
                                                .where(Organization.id.in_(org_ids)))} if org_ids else {}
    for rows in meeting_orgs.values():
        rows.sort(key=lambda row: (orgs[row.organization_id].name_ko or orgs[row.organization_id].name_en or ""))
    person_ids = {i.invited_by_id for i in shown_invitations} | {i.withdrawn_by_id for i in shown_invitations} \
        | {r.decided_by_id for r in shown_requests} | {m.recorded_by_id for m in meetings}
    person_ids.discard(None)
    people = {p.id: p for p in db.session.scalars(select(Person).options(load_only(*_PERSON_COLUMNS))
                                                  .where(Person.id.in_(person_ids)))} if person_ids else {}
    return RecordData(invitations=shown_invitations, invitation_count=invitation_count, requests=shown_requests,
                      request_count=request_count, meetings=meetings, meeting_orgs=meeting_orgs, people=people,
                      orgs=orgs, inclusion=inclusion(c), uninvited=uninvited(c),
                      events=record_events(c, shown_invitations, shown_requests))


def latest_dispositions(c: Consultation, limit: int = FEED_DISPOSITIONS) -> list[Disposition]:
    """The latest dispositions recorded or changed on published comments (for the record's feed)."""
    moment = func.coalesce(Disposition.changed_at, Disposition.decided_at)
    return list(db.session.scalars(select(Disposition).join(Comment, Comment.id == Disposition.comment_id)
                                   .where(Disposition.consultation_id == c.id,
                                          Comment.status == CommentStatus.PUBLISHED)
                                   .order_by(moment.desc(), Disposition.id.desc()).limit(limit)))


def meetings(c: Consultation) -> list[Any]:
    from .models import Meeting
    return list(db.session.scalars(select(Meeting).where(Meeting.consultation_id == c.id)
                                   .order_by(Meeting.held_at.desc(), Meeting.id.desc())))


# ---- participation (pages) -------------------------------------------------------------------------

CANDIDATE_LIMIT = 50


def invitations_of(c: Consultation) -> list[Any]:
    """The consultation's invitations in the order they were sent, with organisation and inviting
    official; one query."""
    from .models import Invitation
    return list(db.session.scalars(select(Invitation).where(Invitation.consultation_id == c.id)
                                   .options(joinedload(Invitation.organization), joinedload(Invitation.invited_by))
                                   .order_by(Invitation.sent_at, Invitation.id)))


def invitation_or_404(c: Consultation, invitation_id: int) -> Any:
    from .models import Invitation
    found = db.session.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                       Invitation.consultation_id == c.id)
                              .options(joinedload(Invitation.organization)))
    if found is None:
        abort(404)
    return found


def requests_of(c: Consultation) -> list[Any]:
    """The consultation's participation requests, pending ones first, then by date; one query."""
    from .models import ParticipationRequest, RequestDecision
    pending_first = case((ParticipationRequest.decision == RequestDecision.PENDING, 0), else_=1)
    return list(db.session.scalars(select(ParticipationRequest).where(ParticipationRequest.consultation_id == c.id)
                                   .options(joinedload(ParticipationRequest.organization))
                                   .order_by(pending_first, ParticipationRequest.requested_at,
                                             ParticipationRequest.id)))


def request_or_404(c: Consultation, request_id: int) -> Any:
    from .models import ParticipationRequest
    found = db.session.scalar(select(ParticipationRequest).where(ParticipationRequest.id == request_id,
                                                                 ParticipationRequest.consultation_id == c.id)
                              .options(joinedload(ParticipationRequest.organization)))
    if found is None:
        abort(404)
    return found


def meetings_of(c: Consultation) -> list[Any]:
    """The meetings recorded on the consultation, the latest first."""
    from .models import Meeting
    return list(db.session.scalars(select(Meeting).where(Meeting.consultation_id == c.id)
                                   .order_by(Meeting.held_at.desc(), Meeting.id.desc())))


def meeting_or_404(c: Consultation, meeting_id: int) -> Any:
    from .models import Meeting
    found = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id, Meeting.consultation_id == c.id))
    if found is None:
        abort(404)
    return found


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def invite_candidates(c: Consultation, kind: OrgKind | None, name: str, lang: str,
                      limit: int = CANDIDATE_LIMIT) -> Page[Organization]:
    """Verified organisations an official may invite (never the owner), narrowed by kind and a part of
    the name in either language, in name order; one query (`next_cursor` only says there are more)."""
    from ..orgs.models import VerificationStatus
    first, second = (Organization.name_ko, Organization.name_en) if lang == "ko" else \
        (Organization.name_en, Organization.name_ko)
    stmt = select(Organization).where(Organization.status == VerificationStatus.VERIFIED,
                                      Organization.id != c.owner_org_id)
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    if name:
        pattern = _like(name.lower())
        stmt = stmt.where(func.lower(func.coalesce(Organization.name_ko, "")).like(pattern, escape="\\")
                          | func.lower(func.coalesce(Organization.name_en, "")).like(pattern, escape="\\")
                          | func.lower(func.coalesce(Organization.short_name_ko, "")).like(pattern, escape="\\")
                          | func.lower(func.coalesce(Organization.short_name_en, "")).like(pattern, escape="\\"))
    rows = db.session.scalars(stmt.order_by(func.coalesce(first, second), Organization.id).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda o: (o.id,))


def invite_candidates_by_id(c: Consultation, ids: list[int]) -> list[Organization]:
    """The verified organisations among `ids` an official may invite, by name; one query."""
    from ..orgs.models import VerificationStatus
    return list(db.session.scalars(select(Organization).where(
        Organization.id.in_(ids), Organization.status == VerificationStatus.VERIFIED,
        Organization.id != c.owner_org_id).order_by(Organization.name_ko, Organization.id)))


def meeting_choices(c: Consultation) -> list[Organization]:
    """Organisations to tick as invited to or attending a meeting: those invited to the consultation
    (not withdrawn) and those granted a place, by Korean name; one query."""
    from .models import Invitation, InvitationState, ParticipationRequest, RequestDecision
    invited = select(Invitation.organization_id).where(Invitation.consultation_id == c.id,
                                                       Invitation.organization_id.is_not(None),
                                                       Invitation.state != InvitationState.WITHDRAWN)
    granted = select(ParticipationRequest.organization_id).where(
        ParticipationRequest.consultation_id == c.id, ParticipationRequest.decision == RequestDecision.GRANTED)
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(invited.union(granted)))
                                   .order_by(Organization.name_ko, Organization.id)))


@dataclass
class Participation:
    """What the consultation page shows a logged-in member about their organisations' part in it."""

    invitations: list[Any] = field(default_factory=list)  # to organisations the person acts for
    requests: list[Any] = field(default_factory=list)  # made by those organisations
    may_request: list[Organization] = field(default_factory=list)  # verified, not invited, not yet asked
    actors: dict[int, Any] = field(default_factory=dict)  # organisation id → the person acting for it


def participation_of(c: Consultation, person: Person) -> Participation:
    """The person's organisations' invitations and requests on c: two queries (one if they belong to
    no organisation), whatever the numbers."""
    from .. import policy
    from ..orgs.models import Membership
    from .models import Invitation, InvitationState, ParticipationRequest
    rows = db.session.execute(
        select(Membership, ParticipationRequest).join(Membership.organization)
        .outerjoin(ParticipationRequest, and_(ParticipationRequest.organization_id == Membership.organization_id,
                                              ParticipationRequest.consultation_id == c.id))
        .where(Membership.person_id == person.id).options(joinedload(Membership.organization))
        .order_by(Organization.name_ko, Organization.id)).all()
    result = Participation()
    for membership, request in rows:
        actor = policy.actor_for(person, membership.organization, membership)
        if policy.can_act_for(actor, membership.organization) and membership.organization_id != c.owner_org_id:
            result.actors[membership.organization_id] = actor
            if request is not None:  # its organisation: actors[request.organization_id].org
                result.requests.append(request)
    if not result.actors:
        return result
    result.invitations = list(db.session.scalars(
        select(Invitation).where(Invitation.consultation_id == c.id,
                                 Invitation.organization_id.in_(list(result.actors)))
        .options(joinedload(Invitation.organization)).order_by(Invitation.sent_at, Invitation.id)))
    invited = {i.organization_id for i in result.invitations
               if i.state in (InvitationState.SENT, InvitationState.ACCEPTED)}
    asked = {r.organization_id for r in result.requests}
    result.may_request = [result.actors[i].org for i in result.actors if i not in invited and i not in asked]
    return result


# ---- the AI register (issue 8): the consultation side of "linked both ways" --------------------------

def register_entries(c: Consultation) -> list[Any]:
    """The AI register entries linked to c (about the system it consults on), by name: one query."""
    from ..register.models import EntryConsultation, RegisterEntry
    return list(db.session.scalars(
        select(RegisterEntry).join(EntryConsultation, EntryConsultation.entry_id == RegisterEntry.id)
        .where(EntryConsultation.consultation_id == c.id)
        .options(load_only(RegisterEntry.id, RegisterEntry.name_ko, RegisterEntry.name_en, RegisterEntry.status))
        .order_by(RegisterEntry.id)))
