"""Realistic people and organisations, made through the actions (as the demo loader does)."""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from consult.accounts import actions as accounts
from consult.accounts.models import Person
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import GovSubkind, Membership, Organization, OrgKind, Role
from consult.policy import Actor

PASSWORD = "correct horse battery staple"
_n = itertools.count(1)

KOREAN_NAMES = ["김하늘", "이서준", "박지민", "최유나", "정민호", "강수아", "조현우", "윤서연"]


def make_person(*, email: str | None = None, verified: bool = True, platform_admin: bool = False,
                publish_name: bool = True, name: str | None = None, locale: str = "ko",
                now: datetime | None = None) -> Person:
    n = next(_n)
    now = now or utcnow() - timedelta(days=30)
    person = accounts.register(accounts.RegistrationInput(
        email=email or f"person{n}@example.org", display_name=name or KOREAN_NAMES[n % len(KOREAN_NAMES)],
        display_name_latin=f"Person {n}", password=PASSWORD, consent_collection=True,
        consent_publish_name=publish_name, locale=locale), now=now, send_mail=False)
    if verified:
        accounts.mark_email_verified(person, now=now)
    if platform_admin:
        accounts.grant_platform_admin(person, now=now)
    return person


def make_org(*, kind: OrgKind = OrgKind.CIVIL_SOCIETY, verified: bool = True, admin: Person | None = None,
             editors: tuple[Person, ...] = (), name_ko: str | None = None, name_en: str | None = None,
             now: datetime | None = None) -> Organization:
    n = next(_n)
    now = now or utcnow() - timedelta(days=20)
    admin = admin or make_person()
    org = orgs.create_organization(Actor(admin), orgs.OrgInput(
        name=Bilingual(name_ko or f"디지털권리단체 {n}", name_en or f"Digital Rights Group {n}"),
        short_name=Bilingual(None, None), kind=kind,
        subkind=GovSubkind.MINISTRY if kind == OrgKind.GOVERNMENT else None,
        website=f"https://org{n}.example.org", description=Bilingual("설명", "About")), now=now)
    for editor in editors:
        orgs.add_member_directly(org, editor, Role.EDITOR, Bilingual(None, None), now=now)
    if verified:
        orgs.decide_verification(Actor(platform_admin()), org, "verify",
                                 Bilingual("등록증 확인", "Checked the registration certificate"), now=now,
                                 notify=False)
    return org


def platform_admin() -> Person:
    """The platform administrator of the test database (made on first use)."""
    from consult.extensions import db
    existing = db.session.scalar(db.select(Person).where(Person.is_platform_admin.is_(True)))
    return existing or make_person(email="platform.admin@example.org", platform_admin=True)


# ---- consultations --------------------------------------------------------------------------------

def make_official(org: Organization | None = None, role: Role = Role.ADMIN) -> Actor:
    """An official: a member of a verified government organisation (made if not given), as an Actor."""
    if org is None:
        org = make_org(kind=OrgKind.GOVERNMENT, name_ko=f"과학기술부 {next(_n)}", name_en=f"Ministry of Science {next(_n)}")
        from consult.extensions import db
        admin_id = db.session.scalar(db.select(Membership.person_id).where(
            Membership.organization_id == org.id))
        person = db.session.get(Person, admin_id)
        if role == Role.ADMIN:
            return Actor(person, org, Role.ADMIN)
    person = make_person()
    orgs.add_member_directly(org, person, role, Bilingual("주무관", "Deputy Director"), now=utcnow() - timedelta(days=20))
    return Actor(person, org, role)


SECTIONS = [
    (("제1조", "Article 1"), ("목적", "Purpose"),
     ("이 지침은 공공기관의 인공지능 이용에 관하여 필요한 사항을 정함을 목적으로 한다.",
      "This guideline sets out what public bodies must do when they use artificial intelligence.")),
    (("제2조", "Article 2"), ("영향평가", "Impact assessment"),
     ("공공기관은 고영향 인공지능을 도입하기 전에 인권영향평가를 실시하여야 한다.",
      "A public body shall carry out a human rights impact assessment before introducing high-impact AI.")),
    (("제3조", "Article 3"), ("공개", "Disclosure"),
     ("공공기관은 평가 결과를 누리집에 공개하여야 한다.",
      "A public body shall publish the results of the assessment on its website.")),
]


def consultation_input(**overrides: object) -> "ConsultationInput":
    from consult.consultations.actions import ConsultationInput
    from consult.consultations.models import Mode, NoticeType
    now = utcnow()
    values: dict[str, object] = dict(
        title=Bilingual("인공지능 공공이용 지침(안) 행정예고", "Administrative notice: draft guideline on public-sector AI"),
        summary=Bilingual("공공기관의 인공지능 이용 원칙을 정합니다.", "Sets principles for public bodies' use of AI."),
        department=Bilingual("인공지능정책과", "AI Policy Division"), instrument=Bilingual("지침", "Guideline"),
        notice_type=NoticeType.ADMINISTRATIVE, mode=Mode.OPEN, allows_individuals=False,
        target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA], opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=31), short_period_reason=Bilingual(None, None))
    values.update(overrides)
    return ConsultationInput(**values)  # type: ignore[arg-type]


def make_consultation(official: Actor | None = None, *, published: bool = True, sections: int = 3,
                      opened_days_ago: int | None = 5, days_open: int = 30, **overrides: object):  # type: ignore[no-untyped-def]
    """A consultation with `sections` sections; by default published and open for `days_open` days
    since `opened_days_ago` days (None: scheduled to open tomorrow)."""
    from consult.consultations import actions as consult
    official = official or make_official()
    now = utcnow()
    if opened_days_ago is None:
        created = now - timedelta(hours=1)
        opens = now + timedelta(days=1)
    else:
        created = now - timedelta(days=opened_days_ago, hours=1)
        opens = now - timedelta(days=opened_days_ago)
    data = consultation_input(**{"opens_at": opens, "closes_at": opens + timedelta(days=days_open),
                                 **overrides})
    c = consult.create_consultation(official, data, now=created)
    version = consult.editable_version(c)
    for number, heading, body in SECTIONS[:sections] + [
            ((f"제{i}조", f"Article {i}"), ("기타", "Other"), ("기타 사항.", "Other matters."))
            for i in range(len(SECTIONS) + 1, sections + 1)]:
        consult.save_section(official, c, version, consult.SectionInput(Bilingual(*number), Bilingual(*heading),
                                                                        Bilingual(*body)), now=created)
    if published:
        consult.publish_consultation(official, c, now=created)
    return c


def commenter(kind: OrgKind = OrgKind.CIVIL_SOCIETY, role: Role = Role.ADMIN) -> Actor:
    """A member of a new verified organisation, able to comment on open consultations."""
    admin = make_person()
    org = make_org(kind=kind, admin=admin)
    if role == Role.ADMIN:
        return Actor(admin, org, Role.ADMIN)
    editor = make_person()
    orgs.add_member_directly(org, editor, role, Bilingual(None, None), now=utcnow() - timedelta(days=20))
    return Actor(editor, org, role)


def make_comment(c, actor: Actor | None = None, body: str = "제2조의 평가 시점을 명확히 해 주십시오.",  # type: ignore[no-untyped-def]
                 section_id: int | None = None, lang: str = "ko", now: datetime | None = None):
    from consult.consultations import actions as consult
    return consult.submit_comment(actor or commenter(), c, consult.CommentInput(body=body, lang=lang,
                                                                                  section_id=section_id),
                                  now=now or utcnow())


def bulk_comments(c, n: int, authors: list[Actor], *, official: Actor | None = None,  # type: ignore[no-untyped-def]
                  disposed_every: int = 2, campaign_every: int = 10) -> None:
    """n comments (and every `disposed_every`-th a disposition) inserted in bulk, for query-count tests and
    benchmarks: rows only, no events (what pages read, not how it got there). Spread over the sections
    of the current version; every `campaign_every`-th joins one campaign."""
    from sqlalchemy import func, insert, select

    from consult.consultations import actions as consult
    from consult.consultations.models import (Comment, CommentRevision, CommentStatus, Disposition,
                                              Outcome, Section)
    from consult.extensions import db
    from consult.sanitize import sanitize
    version = consult.latest_published(c)
    section_ids = [None, *db.session.scalars(select(Section.id).where(Section.version_id == version.id))]
    start = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
    outcomes = list(Outcome)
    base = c.opens_at + timedelta(minutes=1)
    body = "제2조의 평가 시점을 **명확히** 해 주십시오. 도입 전 평가가 원칙이어야 합니다.\n\n- 평가 공개\n- 시민 참여"
    html = str(sanitize(body))
    comments, revisions, dispositions = [], [], []
    for i in range(n):
        cid = start + i
        actor = authors[i % len(authors)]
        at = base + timedelta(seconds=i)
        campaign = start if i % campaign_every == 0 else None
        comments.append(dict(id=cid, consultation_id=c.id, version_id=version.id,
                             section_id=section_ids[i % len(section_ids)],
                             author_org_id=actor.org.id if actor.org else None, author_id=actor.person.id,
                             lang="ko", body_source=f"{body} ({i})", body_html=html, status=CommentStatus.PUBLISHED.value,
                             submitted_at=at, revision_count=1, text_sha256=f"{cid:064x}", campaign_id=campaign))
        revisions.append(dict(comment_id=cid, number=1, written_at=at, lang="ko", body_source=f"{body} ({i})",
                              body_html=html))
        if official is not None and i % disposed_every == 0:
            dispositions.append(dict(comment_id=cid, consultation_id=c.id, outcome=outcomes[i % 5].value,
                                     reason_ko="검토 결과 일부 반영합니다.", reason_en="Partly reflected after review.",
                                     decided_by_id=official.person.id, decided_at=at + timedelta(days=1)))
    for table, rows in ((Comment, comments), (CommentRevision, revisions), (Disposition, dispositions)):
        for k in range(0, len(rows), 1000):
            db.session.execute(insert(table), rows[k:k + 1000])
    db.session.commit()


# ---- joint statements -----------------------------------------------------------------------------

STATEMENT_TITLE = ("공공기관 인공지능 등록제 도입을 촉구하는 공동성명",
                   "Joint statement calling for a register of AI used by public bodies")
STATEMENT_BODY = (
    "공공기관의 인공지능 도입이 빠르게 늘고 있지만, 어느 기관이 어떤 시스템을 무슨 목적으로 쓰는지 "
    "한눈에 볼 수 있는 관리 체계는 없습니다.\n\n"
    "우리는 다음을 요구합니다.\n\n"
    "- 모든 공공기관이 이용하는 인공지능을 **공개 등록부**에 등록할 것\n"
    "- 도입 전에 인권영향평가를 거치고 그 결과를 공개할 것",
    "Public bodies are adopting AI at speed, yet there is no system that shows which body uses which "
    "system and for what purpose.\n\n"
    "We call for the following.\n\n"
    "- Every public body enters the AI it uses in a **public register**\n"
    "- A human rights impact assessment precedes every introduction, and its results are published")


def statement_input(**overrides: object) -> "StatementInput":
    """What a drafter types: a bilingual title and Markdown text, a deadline in 10 days, individuals
    allowed. `title`, `body` and `change_note` (Bilingual) replace parts of the text; the other keywords
    are StatementInput's."""
    from consult.statements.actions import StatementInput, TextInput
    text = TextInput(title=overrides.pop("title", Bilingual(*STATEMENT_TITLE)),  # type: ignore[arg-type]
                     body=overrides.pop("body", Bilingual(*STATEMENT_BODY)),  # type: ignore[arg-type]
                     change_note=overrides.pop("change_note", Bilingual(None, None)))  # type: ignore[arg-type]
    values: dict[str, object] = dict(text=text, consultation_id=None, co_drafter_ids=(),
                                     signing_deadline=utcnow() + timedelta(days=10), allows_individuals=True)
    values.update(overrides)
    return StatementInput(**values)  # type: ignore[arg-type]


def make_statement(drafter: Actor | None = None, *, opened: bool = True,
                   co_drafters: tuple[Organization | Actor, ...] = (), deadline_days: int | None = 10,
                   allows_individuals: bool = True, **overrides: object):  # type: ignore[no-untyped-def]
    """A statement drafted two days ago by `drafter` (by default the admin of a new verified civil-society
    organisation), with these co-drafting organisations (or actors' organisations); by default opened for
    signature a day ago, closing in `deadline_days` days (None: no deadline)."""
    from consult.statements import actions as statements
    drafter = drafter or commenter()
    now = utcnow()
    deadline = now + timedelta(days=deadline_days) if deadline_days is not None else None
    ids = tuple(c.org.id if isinstance(c, Actor) else c.id for c in co_drafters)  # type: ignore[union-attr]
    data = statement_input(co_drafter_ids=ids, signing_deadline=deadline, allows_individuals=allows_individuals,
                           **overrides)
    s = statements.create_statement(drafter, data, now=now - timedelta(days=2))
    if opened:
        statements.open_statement(drafter, s, now=now - timedelta(days=1))
    return s


def bulk_signatures(statement, n: int, *, orgs: Sequence[Organization] = (),  # type: ignore[no-untyped-def]
                    unnamed_every: int = 7, withdrawn_every: int = 0) -> None:
    """n signatures of an opened statement inserted in bulk, for query-count tests and benchmarks.

    The rows are what statements.actions.sign writes — signer key, person who signed, list_group and
    the sort names in both languages, version = first_version = the current version, signed_at — and the
    statement's signature_count grows by the signatures that count, as sign's UPDATE does; every
    `withdrawn_every`-th (0: none) is then as withdraw_signature leaves it (Group.WITHDRAWN, not
    counted). No events and no mail: what pages read, not how it got there.

    The first len(orgs) signatures are those organisations' (signed by their first admin); the others are
    individuals, whose Person rows (verified, no password: they cannot log in) are inserted in bulk too,
    every `unnamed_every`-th without consent to publish their name (Group.UNNAMED, no sort names).
    Signed one second apart after the last existing signature (or the opening)."""
    from sqlalchemy import func, insert, select, update

    from consult.extensions import db
    from consult.statements.models import Group, Signature, Statement
    assert statement.opened_at is not None, "sign an opened statement"
    assert len(orgs) == n or statement.allows_individuals, "individuals may not sign this statement"
    first = db.session.scalar(select(func.max(Signature.signed_at)).where(Signature.statement_id == statement.id))
    base = (first or statement.opened_at) + timedelta(seconds=1)
    admins = dict(db.session.execute(select(Membership.organization_id, func.min(Membership.person_id)).where(
        Membership.organization_id.in_([o.id for o in orgs]), Membership.role == Role.ADMIN)
        .group_by(Membership.organization_id)).all()) if orgs else {}
    individuals, batch = n - len(orgs), next(_n)
    moment = statement.opened_at
    people = [dict(email=f"signer{batch}-{i:05d}@example.org", display_name=f"{KOREAN_NAMES[i % len(KOREAN_NAMES)]}{i}",
                   display_name_latin=f"Signer {i:05d}", locale="ko", created_at=moment, email_verified_at=moment,
                   consent_collection_at=moment, consent_publish_name=(i + 1) % unnamed_every != 0,
                   consent_publish_name_at=moment if (i + 1) % unnamed_every else None, is_platform_admin=False)
              for i in range(individuals)]
    for k in range(0, len(people), 1000):
        db.session.execute(insert(Person), people[k:k + 1000])
    ids = dict(db.session.execute(select(Person.email, Person.id).where(Person.email.like(f"signer{batch}-%"))).all())
    for p in people:
        p["id"] = ids[p["email"]]
    rows = []
    for i, org in enumerate(orgs):
        name = org.name
        rows.append(dict(signer=f"org:{org.id}", organization_id=org.id, person_id=admins[org.id], name_public=True,
                         list_group=int(Group.of_kind(org.kind)), sort_name_ko=name.ko or name.en or "",
                         sort_name_en=name.en or name.ko or ""))
    for p in people:
        named = p["consent_publish_name"]
        rows.append(dict(signer=f"person:{p['id']}", organization_id=None, person_id=p["id"], name_public=named,
                         list_group=int(Group.INDIVIDUAL if named else Group.UNNAMED),
                         sort_name_ko=p["display_name"] if named else "",
                         sort_name_en=p["display_name_latin"] if named else ""))
    withdrawn = 0
    for i, row in enumerate(rows):
        at = base + timedelta(seconds=i)
        row.update(statement_id=statement.id, version=statement.current_version,
                   first_version=statement.current_version, signed_at=at, withdrawn_at=None)
        if withdrawn_every and (i + 1) % withdrawn_every == 0:
            row.update(list_group=int(Group.WITHDRAWN), withdrawn_at=at + timedelta(minutes=1))
            withdrawn += 1
    for k in range(0, len(rows), 1000):
        db.session.execute(insert(Signature), rows[k:k + 1000])
    db.session.execute(update(Statement).where(Statement.id == statement.id)
                       .values(signature_count=Statement.signature_count + len(rows) - withdrawn))
    db.session.commit()
    db.session.refresh(statement)


def bulk_participation(c, official: Actor, *, invitations: int = 500, requests: int = 100,  # type: ignore[no-untyped-def]
                       meetings: int = 10, orgs_per_meeting: int = 20) -> None:
    """Invitations (every state, every 25th by email), participation requests (granted, denied, pending)
    and meetings with their organisations, inserted in bulk for the record page's query-count test and
    benchmark: rows only, no events. Makes the verified organisations it needs (three purposes each)."""
    from sqlalchemy import func, insert, select

    from consult.consultations.models import (Invitation, InvitationState, Meeting, MeetingFormat, MeetingKind,
                                              MeetingOrganization, ParticipationRequest, Purpose, RequestDecision)
    from consult.extensions import db
    from consult.orgs.models import VerificationStatus
    kinds = [k for k in OrgKind if k is not OrgKind.GOVERNMENT]
    purposes, states, decisions = list(Purpose), list(InvitationState), list(RequestDecision)
    batch = (db.session.scalar(select(func.max(Organization.id))) or 0) + 1
    n_orgs = max(requests, orgs_per_meeting, -(-invitations // len(purposes)))
    at = c.opens_at
    db.session.execute(insert(Organization), [dict(
        slug=f"bulk-{batch}-{i}", kind=kinds[i % len(kinds)].value, name_ko=f"참여 단체 {batch}-{i:04d}",
        name_en=f"Participant {batch}-{i:04d}" if i % 4 else None, created_at=at, verification_requested_at=at,
        status=VerificationStatus.VERIFIED.value, decided_at=at, description_ko="소개", description_en="About")
        for i in range(n_orgs)])
    org_ids = list(db.session.scalars(select(Organization.id).where(Organization.slug.like(f"bulk-{batch}-%"))
                                      .order_by(Organization.id)))
    rows = []
    for i in range(invitations):
        state = states[i % len(states)]
        by_email = i % 25 == 24
        when = at + timedelta(minutes=i)
        rows.append(dict(
            consultation_id=c.id, organization_id=None if by_email else org_ids[i // len(purposes)],
            invited_email=f"bulk{batch}-{i}@example.org" if by_email else None,
            invited_name_ko=f"새 단체 {i}" if by_email else None, invited_name_en=f"New group {i}" if by_email else None,
            invited_by_id=official.person.id, sent_at=when, purpose=purposes[i % len(purposes)].value,  # type: ignore[union-attr]
            message_ko="의견을 부탁드립니다.", message_en="Please comment.", state=state.value,
            answered_at=when + timedelta(hours=1) if state in (InvitationState.ACCEPTED, InvitationState.DECLINED) else None,
            answer_reason_ko="검토했습니다." if state is InvitationState.DECLINED else None,
            withdrawn_at=when + timedelta(hours=2) if state is InvitationState.WITHDRAWN else None,
            withdrawn_by_id=official.person.id if state is InvitationState.WITHDRAWN else None,  # type: ignore[union-attr]
            withdrawal_reason_ko="잘못 보냈습니다." if state is InvitationState.WITHDRAWN else None))
    for k in range(0, len(rows), 1000):
        db.session.execute(insert(Invitation), rows[k:k + 1000])
    if requests:
        db.session.execute(insert(ParticipationRequest), [dict(
            consultation_id=c.id, organization_id=org_ids[i], requested_at=at + timedelta(minutes=i),
            motivation_ko="참여하고 싶습니다.\n\n관련 연구를 했습니다.", motivation_en="We want to take part.",
            decision=decisions[i % 3].value,
            decided_by_id=official.person.id if i % 3 else None,  # type: ignore[union-attr]
            decided_at=at + timedelta(days=1) if i % 3 else None,
            reason_ko="검토 결과입니다." if i % 3 else None, reason_en="After review." if i % 3 else None)
            for i in range(requests)])
    for m in range(meetings):
        meeting_id = db.session.scalar(insert(Meeting).returning(Meeting.id).values(
            consultation_id=c.id, kind=list(MeetingKind)[m % 3].value, format=list(MeetingFormat)[m % 3].value,
            held_at=at + timedelta(days=1, hours=m), title_ko=f"간담회 {m}", title_en=f"Roundtable {m}",
            place_ko="정부서울청사", minutes_ko="회의록 첫 문단.\n\n둘째 문단.", minutes_en="Minutes.",
            recorded_at=at + timedelta(days=2), recorded_by_id=official.person.id))  # type: ignore[union-attr]
        db.session.execute(insert(MeetingOrganization), [dict(
            meeting_id=meeting_id, organization_id=org_ids[(m * 7 + j) % len(org_ids)], invited=True,
            attended=j % 2 == 0) for j in range(orgs_per_meeting)])
    db.session.commit()


# ---- the AI register ------------------------------------------------------------------------------

def entry_document(**overrides: object) -> dict:  # type: ignore[type-arg]
    """A complete, valid register entry document (fields.FIELDS shapes), realistic in both languages;
    keyword arguments replace whole fields."""
    from consult.register.fields import empty_content
    today = utcnow().date()
    doc = empty_content()
    doc.update({
        "system_name": {"ko": "복지급여 부정수급 위험 예측 시스템", "en": "Welfare benefit fraud risk prediction system"},
        "unit": {"ko": "복지정책관 급여기준과", "en": "Benefit Standards Division, Welfare Policy Bureau"},
        "officer_title": {"ko": "급여기준과장", "en": "Director of Benefit Standards"},
        "purpose": {"ko": "부정수급 가능성이 높은 사례를 선별하여 조사 담당자가 우선 검토하도록 돕습니다.",
                    "en": "Selects cases with a high risk of fraud so that investigators review them first."},
        "summary": {"ko": "인공지능이 급여 자료를 분석해 부정수급 위험이 높은 사례를 골라 담당자에게 알립니다. "
                          "급여 중단 여부는 담당자가 직접 확인한 뒤 결정합니다.",
                    "en": "AI analyses benefit records and points investigators to cases with a high risk of fraud. "
                          "Investigators check each case themselves before any benefit is stopped."},
        "status": "pilot",
        "status_dates": {"planning": (today - timedelta(days=400)).isoformat(),
                         "development": (today - timedelta(days=300)).isoformat(),
                         "pilot": (today - timedelta(days=120)).isoformat(), "in_operation": None, "retired": None},
        "high_impact": "yes",
        "areas": ["public_service_decisions"],
        "supplier": {"ko": "한국사회보장정보원", "en": "Korea Social Security Information Service"},
        "data_sources": {"ko": "사회보장정보시스템 급여 자료", "en": "Benefit records of the social security information system"},
        "data_categories": {"ko": "소득, 재산, 가구 구성", "en": "Income, assets, household composition"},
        "personal_data": True,
        "model_type": {"ko": "그래디언트 부스팅 분류 모형", "en": "Gradient-boosted classification model"},
        "decision_role": {"ko": "위험 점수는 조사 순서를 정하는 데에만 쓰입니다.",
                          "en": "Risk scores only set the order in which cases are investigated."},
        "human_oversight": {"ko": "모든 사례를 담당자가 검토합니다.", "en": "An investigator reviews every case."},
        "contest": {"ko": "급여 결정에 대해서는 이의신청을 할 수 있습니다.",
                    "en": "Benefit decisions can be appealed through the usual objection procedure."},
        "assessment": {"planning": {"date": (today - timedelta(days=30)).isoformat(),
                                    "summary": {"ko": "평가 계획을 수립했습니다.", "en": "The assessment plan was drawn up."},
                                    "pdf": None}},
        "risks": [{"risk": {"ko": "특정 집단에 대한 편향", "en": "Bias against particular groups"},
                   "mitigation": {"ko": "반기마다 집단별 오류율을 점검합니다.",
                                  "en": "Error rates by group are checked every six months."}}],
    })
    doc.update(overrides)
    return doc


def make_entry(actor: Actor, *, now: datetime | None = None, **overrides: object):  # type: ignore[no-untyped-def]
    """A registered entry of actor.org (an official's body) with entry_document(**overrides)."""
    from consult.register import actions as register
    return register.register_system(actor, entry_document(**overrides), now=now or utcnow() - timedelta(days=2))
