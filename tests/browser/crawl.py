"""What the page checkers look at, shared by tests/browser/test_accessibility.py (axe-core in chromium)
and tests/web/test_html_validity.py (the Nu HTML Checker on test-client responses).

build_site() makes data that puts something on every page; Crawler visits every GET page reachable by
links from the seeds, once per (endpoint, language); required_pages() is what it must reach.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urljoin, urlsplit

from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from consult.accounts import actions as accounts
from consult.consultations import actions as consult
from consult.consultations import queries
from consult.consultations.models import Mode, NoticeType, Outcome
from consult.extensions import db, utcnow
from consult.i18n import LANGS, Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from consult.statements import actions as statements

from ..factories import PASSWORD, SECTIONS, consultation_input, make_org, make_person, platform_admin

# GET endpoints that answer with something other than an HTML page: not crawled, not required.
NOT_PAGES = {
    "accounts.download_data": "the JSON download of one's data (an attachment, not a page)",
    "consultations.attachment": "a draft's PDF attachment (application/pdf, sent as a download)",
    "consultations.comments_csv": "every comment of a consultation as CSV (text/csv, sent as a download)",
    "consultations.comments_json": "every comment of a consultation as JSON (application/json, sent as a download)",
    "consultations.feed": "the Atom feed of new consultations, overall or one public body's (application/atom+xml)",
    "consultations.record_feed": "the Atom feed of a consultation's record (application/atom+xml)",
    "consultations.minutes_pdf": "a meeting's minutes as PDF (application/pdf, sent as a download)",
    "statements.signatories_csv": "a statement's signatory list as CSV (text/csv, sent as a download)",
    "statements.signatories_json": "a statement's signatory list as JSON (application/json)",
    "statements.feed": "the Atom feed of new statements (application/atom+xml, for feed readers)",
    "register.export_csv": "the whole AI register as CSV (text/csv, sent as a download)",
    "register.export_json": "the whole AI register as JSON (application/json)",
    "register.entry_json": "one AI register entry as JSON (application/json)",
    "register.feed": "the Atom feed of changes to the AI register (application/atom+xml)",
    "register.assessment_pdf": "an impact assessment stage's PDF (application/pdf, sent as a download)",
}

Key = tuple[str, "str | None"]  # (endpoint, lang); endpoint "404" for an address no rule matches


@dataclass(frozen=True)
class Seed:
    """Where a crawl starts, and the status that address must answer with.

    A seed with `again` is checked after everything reachable from the other seeds, even when a page of
    its kind (endpoint, language) was checked already, unless that very address was: it shows what the
    first page of its kind did not (a closed consultation's links, a hidden comment's tombstone …)."""

    path: str
    status: int = 200
    why: str = ""
    again: bool = False


@dataclass
class Consultations:
    """The ids of build_site()'s consultations (all owned by the ministry) and of some comments."""

    draft: int  # unpublished: one section and a PDF
    open: int  # open, individuals allowed, three sections, version 2 published, comments of every kind
    closed: int  # its period is over: some comments have a disposition, it can be concluded
    concluded: int  # with its result report
    commented: int  # on the open one: the forum's comment on section 2, answered with a changed section
    withdrawn: int  # on the open one, withdrawn by the forum
    hidden: int  # on the open one, hidden by the platform administrator
    invited: int = 0  # invited mode, open: invitations in every state, requests granted and denied, a meeting
    asking: int = 0  # invited mode, open: the forum may ask to take part; the labour union's request is pending


@dataclass
class Statements:
    """The ids of build_site()'s joint statements (drafted by the forum, whose admin is the org_admin
    crawl, unless said otherwise) and of some signatures."""

    draft: int  # being drafted with the research society: visible to the two drafting organisations only
    open: int  # co-drafted with the research society, at version 2, naming the open consultation: signed by
    #            the forum (version 1, re-confirmation pending), the society (re-confirmed), the labour union
    #            (withdrawn, with a reason), a named and an unnamed individual
    published: int  # signed by three organisations, published, submitted to the open consultation
    closed: int  # the research society's, co-drafted by the forum; signing closed early
    joint_comment: int  # the comment the published statement became on the open consultation
    forum_signature: int  # the forum's signature on `open`, awaiting re-confirmation of version 2


@dataclass
class Site:
    """The data of build_site(): who logs in, and the pages no link leads to."""

    admin_email: str
    org_admin_email: str
    official_email: str  # the ministry's administrator, who owns the consultations
    verified_slug: str
    reset_path: str  # a valid password reset link (Korean)
    invitation_path: str  # an open invitation addressed to org_admin_email (Korean)
    consultations: Consultations
    statements: Statements
    register: "Register | None" = None
    password: str = PASSWORD


@dataclass
class Register:
    """The ids of build_site()'s AI register data (the ministry's entries, the forum's flags)."""

    entry: int  # at revision 3 (an assessment stage with a PDF, a change), linked to the open consultation
    flag: int  # the forum's missing-information flag on `entry`, unanswered
    answered: int  # the forum's disagreement on `entry`, answered by the ministry
    body: int  # the ministry's organisation id (for its unregistered-system flag form)


def crawls(site: Site) -> list[tuple[str, str | None]]:
    """Each crawl's name and who logs in for it (None: a visitor)."""
    return [("anonymous", None), ("platform_admin", site.admin_email), ("org_admin", site.org_admin_email),
            ("official", site.official_email)]


def _mail_path(outbox: Callable[[], list], to: str) -> str:
    """The path of the link in the newest mail to `to` (mail links start with PUBLIC_URL)."""
    body = [m for m in outbox() if m.to_address == to][-1].body
    match = re.search(r"http://gongnon\.test(/\S+)", body)
    assert match, body
    return match.group(1)


ADMIN_EMAIL = "admin@gongnon.example.org"


def loginable_platform_admin():  # type: ignore[no-untyped-def]
    """The platform administrator, made before factories.platform_admin() would make its own: that one's
    address, admin@gongnon.test, is refused by the login form (email-validator rejects the special-use
    .test domain), so a browser could not log in with it."""
    return platform_admin() if _has_admin() else make_person(email=ADMIN_EMAIL, platform_admin=True)


def _has_admin() -> bool:
    from consult.accounts.models import Person
    return bool(db.session.scalar(db.select(db.func.count()).select_from(Person)
                                  .where(Person.is_platform_admin.is_(True))))


def build_site(outbox: Callable[[], list]) -> Site:
    """Organisations in every state, members, open invitations, a password reset and consultations in
    every state, made through the real actions; the session is closed afterwards so the live server's
    requests never wait on it."""
    now = utcnow()
    admin = loginable_platform_admin()
    org_admin = make_person(email="kim.haneul@digitalrights.example.org", name="김하늘")
    editor = make_person(email="lee.seojun@digitalrights.example.org", name="이서준")
    forum = make_org(admin=org_admin, editors=(editor,), name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    orgs.set_member_title(forum, editor, Bilingual("정책팀장", "Head of policy"), now=now)
    ministry_admin = make_person(email="official@msit.example.go.kr", name="정민호")
    ministry = make_org(kind=OrgKind.GOVERNMENT, admin=ministry_admin, name_ko="과학기술정보통신부",
                        name_en="Ministry of Science and ICT")
    scholar = make_person(email="choi.yuna@ailaw.example.ac.kr", name="최유나")
    academia = make_org(kind=OrgKind.ACADEMIA, admin=scholar, name_ko="한국AI법학회",
                        name_en="Korean Society for AI and Law")
    organiser = make_person(email="kang.sua@platformlabour.example.org", name="강수아")
    labour = make_org(kind=OrgKind.LABOUR, admin=organiser, name_ko="플랫폼노동연대",
                      name_en=None)  # no English name: fallback shown
    make_org(verified=False, name_ko="AI윤리연구소", name_en="AI Ethics Institute")  # in the queue
    rejected = make_org(verified=False, name_ko="가짜시민연합", name_en="Fake Citizens Union")
    orgs.decide_verification(Actor(admin), rejected, "reject",
                             Bilingual("등록 서류가 없습니다", "No registration documents"), now=now, notify=False)
    orgs.invite_member(Actor(org_admin, forum, Role.ADMIN), forum, "new.member@example.org", Role.EDITOR,
                       lang="ko", now=now)
    orgs.invite_member(Actor(ministry_admin, ministry, Role.ADMIN), ministry, org_admin.email, Role.EDITOR,
                       lang="ko", now=now)
    accounts.request_password_reset(editor.email, lang="ko", now=now)
    # read the mailed links first: a disposition mails its commenters, and a new statement version its
    # signatories (these two among them)
    reset_path, invitation_path = _mail_path(outbox, editor.email), _mail_path(outbox, org_admin.email)
    consultations = _consultations(
        now, official=Actor(ministry_admin, ministry, Role.ADMIN), forum=Actor(org_admin, forum, Role.ADMIN),
        academia=Actor(scholar, academia, Role.ADMIN), labour=Actor(organiser, labour, Role.ADMIN),
        individual=Actor(editor), admin=Actor(admin))
    consultations.asking = _asking(Actor(ministry_admin, ministry, Role.ADMIN), labour=Actor(organiser, labour, Role.ADMIN))
    statements = _statements(
        now, consultations, forum=Actor(org_admin, forum, Role.ADMIN), academia=Actor(scholar, academia, Role.ADMIN),
        labour=Actor(organiser, labour, Role.ADMIN), named=Actor(editor),
        unnamed=Actor(make_person(email="anonymous.signer@example.org", name="익명서명자")))
    register_ids = _register(now, consultations, official=Actor(ministry_admin, ministry, Role.ADMIN),
                             forum=Actor(org_admin, forum, Role.ADMIN))
    site = Site(admin_email=admin.email, org_admin_email=org_admin.email, official_email=ministry_admin.email,
                verified_slug=forum.slug, reset_path=reset_path, invitation_path=invitation_path,
                consultations=consultations, statements=statements, register=register_ids)
    db.session.commit()
    db.session.remove()  # on SQLite an open transaction here would hold the write lock (BEGIN IMMEDIATE)
    return site


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _text(ko: str, en: str | None) -> Bilingual:
    return Bilingual(ko, en)


def _comment(actor: Actor, c, body: str, *, now, section=None, lang: str = "ko",  # type: ignore[no-untyped-def]
             translation: str | None = None):
    return consult.submit_comment(actor, c, consult.CommentInput(
        body=body, lang=lang, section_id=section.id if section is not None else None, translation=translation),
        now=now)


def _answer(official: Actor, comment, outcome: Outcome, ko: str, en: str | None, *, now,  # type: ignore[no-untyped-def]
            changed: tuple[int, ...] = ()) -> None:
    consult.record_disposition(official, comment, consult.DispositionInput(outcome, _text(ko, en), changed),
                               now=now)


def _publish_new(official: Actor, days_ago: int, title: tuple[str, str], **overrides):  # type: ignore[no-untyped-def]
    """A consultation created and published `days_ago` days ago, open from then for `days` (default
    25) days, with the three sections of factories.SECTIONS; returns it and its sections."""
    start = utcnow() - timedelta(days=days_ago)
    days = overrides.pop("days", 25)
    c = consult.create_consultation(official, consultation_input(
        title=_text(*title), opens_at=start, closes_at=start + timedelta(days=days), **overrides), now=start)
    version = consult.editable_version(c)
    sections = [consult.save_section(official, c, version, consult.SectionInput(
        Bilingual(*number), Bilingual(*heading), Bilingual(*body)), now=start) for number, heading, body in SECTIONS]
    consult.publish_consultation(official, c, now=start)
    return c, sections, start


def _consultations(now, *, official: Actor, forum: Actor, academia: Actor,  # type: ignore[no-untyped-def]
                   labour: Actor, individual: Actor, admin: Actor) -> Consultations:
    """A draft, an open consultation with two versions and comments in every state, a closed one and a
    concluded one, all of the ministry; made through the actions, with `now` in the past where needed."""
    # a draft (legislative, with a period shorter than the law's 40 days and its reason), a section and a PDF
    draft = consult.create_consultation(official, consultation_input(
        title=_text("인공지능 학습데이터 공개에 관한 고시(안)", "Draft notice on disclosing AI training data"),
        notice_type=NoticeType.LEGISLATIVE, opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=33),
        short_period_reason=_text("법 시행일에 맞추기 위해 기간을 단축합니다.", "Shortened to meet the date the Act takes effect.")),
        now=now)
    version = consult.editable_version(draft)
    consult.save_section(official, draft, version, consult.SectionInput(
        _text("제1조", "Article 1"), _text("목적", "Purpose"),
        _text("이 고시는 학습데이터의 출처 공개에 필요한 사항을 정한다.",
              "This notice sets out how the sources of training data are disclosed.")), now=now)
    consult.add_attachment(official, draft, version, "고시안_초안.pdf", PDF, now=now)

    # open: open mode, individuals allowed; comments of every kind, then version 2 and a disposition
    c, sections, start = _publish_new(
        official, 10, ("인공지능 공공이용 지침(안) 행정예고", "Administrative notice: draft guideline on public-sector AI"),
        mode=Mode.OPEN, allows_individuals=True, days=30)
    at = iter(start + timedelta(days=1, hours=h) for h in range(100))
    commented = _comment(forum, c, "제2조의 평가 시점을 **도입 전**으로 명확히 해 주십시오.\n\n- 평가 결과 공개\n- 시민 참여",
                         section=sections[1], now=next(at),
                         translation="Please make clear that the assessment comes **before** introduction.")
    _comment(forum, c, "지침 전체에 대하여: 용어 정의 조항을 추가할 것을 제안합니다.", now=next(at))
    revised = _comment(forum, c, "제3조의 공개 범위가 좁습니다.", section=sections[2], now=next(at))
    consult.revise_comment(forum, revised, consult.CommentInput(
        body="제3조의 공개 범위가 좁습니다. 평가 보고서 **전문**을 공개하도록 해 주십시오.", lang="ko"), now=next(at))
    withdrawn = _comment(forum, c, "제1조에 대한 의견은 다른 의견으로 대신합니다.", section=sections[0], now=next(at))
    consult.withdraw_comment(forum, withdrawn, _text("중복 제출", "Submitted twice"), now=next(at))
    campaign = "고영향 인공지능의 정의를 법률과 일치시켜 주십시오. 정의가 다르면 현장에서 혼란이 생깁니다."
    _comment(forum, c, campaign, now=next(at))
    _comment(academia, c, campaign, now=next(at))
    hidden = _comment(forum, c, "광고: 저렴한 인공지능 컨설팅을 제공합니다.", now=next(at))
    consult.hide_comment(admin, hidden, _text("광고성 게시물", "Advertising"), now=next(at))
    _comment(individual, c, "A citizen's view: please publish the assessments in plain language.", lang="en",
             section=sections[2], now=next(at))
    _comment(labour, c, "플랫폼 노동자에 대한 영향평가를 포함해 주십시오.", section=sections[1], now=next(at))
    v2_at = start + timedelta(days=5)
    v2 = consult.start_version(official, c, now=v2_at)
    v2_sections = queries.sections(v2)
    number, heading, _body = SECTIONS[1]
    consult.save_section(official, c, v2, consult.SectionInput(Bilingual(*number), Bilingual(*heading), _text(
        "공공기관은 고영향 인공지능을 도입하기 전에 인권영향평가를 실시하고 그 결과를 공개하여야 한다.",
        "A public body shall carry out a human rights impact assessment before introducing high-impact AI "
        "and publish its results.")), section=v2_sections[1], now=v2_at)
    consult.update_version(official, c, v2, title=v2.title, summary=v2.summary, change_note=_text(
        "제2조에 평가 결과 공개 의무를 추가했습니다.", "Article 2 now requires the assessment's results to be published."),
        now=v2_at)
    consult.add_attachment(official, c, v2, "guideline-v2.pdf", PDF, now=v2_at)
    consult.publish_version(official, c, v2, now=v2_at + timedelta(hours=1))
    _answer(official, commented, Outcome.PARTIALLY_ACCEPTED, "평가 결과 공개를 제2조에 반영했습니다.",
            "Article 2 now requires publishing the results.", changed=(v2_sections[1].id,),
            now=v2_at + timedelta(days=1))
    consult.change_deadline(official, c, c.closes_at + timedelta(days=7),
                            _text("의견 제출 요청이 많아 연장합니다.", "Extended because many asked for more time."),
                            now=v2_at + timedelta(days=2))

    # closed: the period ended; some comments answered, one not yet
    closed, sections, start = _publish_new(
        official, 40, ("생성형 인공지능 표시 가이드라인(안)", "Draft guideline on labelling generative AI output"))
    at = iter(start + timedelta(days=2, hours=h) for h in range(100))
    answered = [_comment(forum, closed, "워터마크 의무를 명시해 주십시오.", section=sections[0], now=next(at)),
                _comment(academia, closed, "Labels should be machine-readable.", lang="en", now=next(at))]
    _comment(labour, closed, "노동 현장의 생성형 AI 사용도 표시 대상에 포함해 주십시오.", section=sections[2], now=next(at))
    _answer(official, answered[0], Outcome.ACCEPTED, "제1조에 반영합니다.", "Reflected in Article 1.",
            now=start + timedelta(days=26))
    _answer(official, answered[1], Outcome.NOTED, "기술 표준 마련 시 검토하겠습니다.", None,
            now=start + timedelta(days=27))

    # concluded: every outcome, comments of three groups and an individual, then the result report
    done, sections, start = _publish_new(
        official, 80, ("공공부문 인공지능 조달 지침(안)", "Draft guideline on public procurement of AI"),
        allows_individuals=True)
    at = iter(start + timedelta(days=1, hours=h) for h in range(100))
    written = [(forum, "조달 계약서에 감사 권한을 넣어 주십시오.", Outcome.ACCEPTED),
               (academia, "Require model documentation in tenders.", Outcome.PARTIALLY_ACCEPTED),
               (labour, "조달 심사에 노동자 대표를 참여시켜 주십시오.", Outcome.NOT_ACCEPTED),
               (forum, "중소기업 참여 방안을 마련해 주십시오.", Outcome.NOTED),
               (individual, "Please also cover the price of the software.", Outcome.OUT_OF_SCOPE)]
    for n, (actor, body, outcome) in enumerate(written):
        item = _comment(actor, done, body, lang="en" if body.isascii() else "ko",
                        section=sections[n % 3] if n % 2 else None, now=next(at))
        _answer(official, item, outcome, "검토 결과를 반영했습니다.", "Decided after review.",
                now=start + timedelta(days=10 + n))
    _comment(forum, done, "평가 기관의 독립성을 보장해 주십시오.", section=sections[1], now=next(at))
    consult.conclude(official, done, title=_text("공공부문 인공지능 조달 지침 의견수렴 결과보고서",
                                                  "Result report: guideline on public procurement of AI"),
                     body=_text("의견 **6건**을 검토했습니다.\n\n- 감사 권한 조항 신설\n- 문서화 요건 일부 반영",
                                "We reviewed **six** comments.\n\n- A new audit clause\n"
                                "- Documentation partly required"),
                     undisposed_reason=_text("마감 직전 제출된 의견 1건은 다음 개정 때 검토합니다.",
                                             "One comment sent just before the deadline will be considered "
                                             "in the next revision."),
                     now=start + timedelta(days=30))
    return Consultations(draft=draft.id, open=c.id, closed=closed.id, concluded=done.id, commented=commented.id,
                         withdrawn=withdrawn.id, hidden=hidden.id,
                         invited=_invited(official, forum=forum, academia=academia, labour=labour).id)


def _invited(official: Actor, *, forum: Actor, academia: Actor, labour: Actor):  # type: ignore[no-untyped-def]
    """An invited-mode consultation for its record page: invitations accepted, declined, withdrawn and by
    email, a request granted and one denied, a hearing with minutes and a PDF, a comment."""
    from consult.consultations.models import MeetingFormat, MeetingKind, Purpose
    c, _sections, start = _publish_new(
        official, 6, ("공공기관 얼굴인식 CCTV 운영 지침(안)", "Draft guideline on face recognition CCTV in public bodies"),
        mode=Mode.INVITED, days=30, target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA, OrgKind.LABOUR])
    at = iter(start + timedelta(hours=h) for h in range(1, 100))
    ask = _text("초안에 대한 의견을 부탁드립니다.", "Please comment on the draft.")
    written = consult.invite_organizations(official, c, [forum.org.id, academia.org.id], Purpose.WRITTEN_INPUT,  # type: ignore[union-attr]
                                           ask, now=next(at))
    hearing = consult.invite_organizations(official, c, [forum.org.id], Purpose.HEARING, ask, now=next(at))  # type: ignore[union-attr]
    consult.answer_invitation(academia, written[1], True, _text("참여하겠습니다.", "We will take part."), now=next(at))
    consult.withdraw_invitation(official, hearing[0], _text("공청회 일정이 바뀌었습니다.", "The hearing was rescheduled."),
                                now=next(at))
    consult.invite_by_email(official, c, "office@privacywatch.example.org", _text("프라이버시감시", "Privacy Watch"),
                            Purpose.EXPERT_MEETING, ask, now=next(at))
    consult.decide_participation(official, consult.request_participation(
        labour, c, _text("현장 노동자에 대한 영향을 말씀드리고 싶습니다.", "We want to speak to the effect on workers."),
        now=next(at)), True, _text("노동 현장의 의견이 필요합니다.", "Workers' views are needed."), now=next(at))
    _comment(forum, c, "얼굴인식 정보의 보관 기간을 명시해 주십시오.", now=next(at))
    consult.record_meeting(official, c, consult.MeetingInput(
        kind=MeetingKind.PUBLIC_HEARING, format=MeetingFormat.HYBRID, held_at=next(at),
        title=_text("지침안 공청회", "Public hearing on the draft guideline"), place=_text("정부서울청사 별관", None),
        minutes=_text("위원장이 개회를 선언했습니다.\n\n참석 단체가 의견을 발표했습니다.",
                      "The chair opened the hearing.\n\nThe organisations present gave their views."),
        invited_org_ids=(forum.org.id, academia.org.id), attended_org_ids=(academia.org.id,),  # type: ignore[union-attr]
        minutes_pdf=PDF, minutes_filename="공청회_회의록.pdf"), now=next(at))
    return c


def _asking(official: Actor, *, labour: Actor) -> int:
    """An invited-mode consultation the forum is not invited to (its page shows the form to ask to take
    part), with the labour union's request awaiting the officials' decision."""
    c, _sections, start = _publish_new(
        official, 2, ("인공지능 채용 도구 점검 기준(안)", "Draft criteria for checking AI hiring tools"), mode=Mode.INVITED)
    consult.request_participation(labour, c, _text("플랫폼 노동자의 채용 경험을 전하고자 합니다.",
                                                   "We want to report platform workers' experience of hiring."),
                                  now=start + timedelta(hours=2))
    return c.id


def _statement(drafter: Actor, title: tuple[str, str | None], body: tuple[str | None, str | None], *, at,  # type: ignore[no-untyped-def]
               co: tuple[Actor, ...] = (), **settings):
    """A statement drafted by drafter at `at`; settings are StatementInput's (deadline, individuals …)."""
    return statements.create_statement(drafter, statements.StatementInput(
        statements.TextInput(Bilingual(*title), Bilingual(*body)), co_drafter_ids=tuple(a.org.id for a in co),  # type: ignore[union-attr]
        **settings), now=at)


REGISTER_BODY = (
    "공공기관의 인공지능 도입이 빠르게 늘고 있지만, 어느 기관이 어떤 시스템을 무슨 목적으로 쓰는지 알 수 없습니다.\n\n"
    "우리는 다음을 요구합니다.\n\n- 모든 공공기관의 인공지능을 **공개 등록부**에 올릴 것\n"
    "- 도입 전에 인권영향평가를 하고 그 결과를 공개할 것\n\n"
    "> 시민은 자신에게 영향을 미치는 결정을 알 권리가 있습니다.",
    "Public bodies are adopting AI at speed, yet no one can tell which body uses which system and why.\n\n"
    "We call for the following.\n\n- Every public body enters the AI it uses in a **public register**\n"
    "- A human rights impact assessment precedes every introduction, and its results are published\n\n"
    "> People have a right to know about the decisions that affect them.")


def _statements(now, consultations: Consultations, *, forum: Actor, academia: Actor, labour: Actor,  # type: ignore[no-untyped-def]
                named: Actor, unnamed: Actor) -> Statements:
    """A draft, an open statement at version 2 with signatures in every state, a published one submitted to
    the open consultation and a closed one; made through the actions, with `now` in the past where needed."""
    day, hour = timedelta(days=1), timedelta(hours=1)
    reason = Bilingual("내부 의결 절차를 다시 거치기로 했습니다.", "We will take it through our board again.")

    draft = _statement(forum, ("얼굴인식 CCTV 도입 중단을 요구하는 공동성명(초안)",
                               "Joint statement: halt the roll-out of face recognition CCTV (draft)"),
                       ("경찰의 얼굴인식 CCTV 도입을 **즉시 중단**하고 공론화 절차를 거칠 것을 요구합니다.",
                        "We call on the police to **halt** the roll-out of face recognition CCTV and consult the "
                        "public first."),
                       co=(academia,), at=now - day, signing_deadline=now + 30 * day)

    # open: co-drafted, version 2; the forum has not yet re-confirmed, the society has
    opened = now - 7 * day
    s = _statement(forum, ("공공기관 인공지능 등록제 도입을 촉구하는 공동성명",
                           "Joint statement calling for a register of AI used by public bodies"), REGISTER_BODY,
                   co=(academia,), at=opened - day, signing_deadline=now + 21 * day, allows_individuals=True,
                   consultation_id=consultations.open)
    statements.open_statement(forum, s, now=opened)
    forum_signature = statements.sign(forum, s, now=opened + hour)
    academia_signature = statements.sign(academia, s, now=opened + 2 * hour)
    labour_signature = statements.sign(labour, s, now=opened + 3 * hour)
    statements.sign(named, s, now=opened + 4 * hour)
    statements.sign(unnamed, s, name_public=False, now=opened + 5 * hour)
    statements.withdraw_signature(labour, labour_signature, reason, now=opened + day)
    ko, en = REGISTER_BODY
    statements.revise(forum, s, statements.TextInput(
        Bilingual("공공기관 인공지능 등록제 도입을 촉구하는 공동성명",
                  "Joint statement calling for a register of AI used by public bodies"),
        Bilingual(ko.replace("결과를 공개할 것", "결과를 30일 안에 공개할 것"),
                  en.replace("results are published", "results are published within 30 days")),
        Bilingual("평가 결과의 공개 기한(30일)을 넣었습니다.", "Added a deadline (30 days) for publishing the results.")),
        now=opened + 3 * day)
    statements.reconfirm(academia, academia_signature, now=opened + 4 * day)

    # published, then submitted to the open consultation as one joint comment
    published_at = now - 15 * day
    p = _statement(forum, ("학교 인공지능 디지털교과서 도입 속도 조절을 요구하는 공동성명",
                           "Joint statement: slow down AI digital textbooks in schools"),
                   ("인공지능 디지털교과서의 학습 데이터 처리 기준을 먼저 마련해야 합니다.",
                    "Rules for the learning data of AI digital textbooks must come first."),
                   at=published_at - day)
    statements.open_statement(forum, p, now=published_at)
    for n, signer in enumerate((forum, academia, labour), start=1):
        statements.sign(signer, p, now=published_at + n * hour)
    statements.publish_statement(forum, p, now=published_at + 3 * day)
    submission = statements.submit_to_consultation(forum, p, consultations.open, now=now - 2 * day)

    # closed early by the research society; Korean text only (the English page shows the fallback)
    closed_at = now - 30 * day
    c = _statement(academia, ("복지 부정수급 탐지 인공지능에 관한 연구자 성명", "Researchers' statement on welfare fraud AI"),
                   ("복지 부정수급 탐지 알고리즘의 **오탐률**을 공개해야 합니다.", None), co=(forum,), at=closed_at - day)
    statements.open_statement(academia, c, now=closed_at)
    for n, signer in enumerate((academia, labour, forum), start=1):
        statements.sign(signer, c, now=closed_at + n * hour)
    statements.close_statement(academia, c, now=closed_at + 10 * day)
    return Statements(draft=draft.id, open=s.id, published=p.id, closed=c.id, joint_comment=submission.comment_id,
                      forum_signature=forum_signature.id)


def _register(now, consultations: Consultations, *, official: Actor, forum: Actor) -> Register:  # type: ignore[no-untyped-def]
    """An entry with three revisions and a withheld field, linked to the open consultation, and two flags."""
    from consult.register import actions as register
    from consult.register.models import FlagKind, Stage
    from ..factories import entry_document
    from consult.consultations.models import Consultation
    withheld = [{"field": "supplier", "label": {"ko": None, "en": None}, "ground": 7,
                 "reason": {"ko": "영업상 비밀입니다.", "en": "A trade secret."}}]
    entry = register.register_system(official, entry_document(supplier={"ko": None, "en": None}, withheld=withheld),
                                     now=now - timedelta(days=20))
    register.record_assessment_stage(official, entry, Stage.ANALYSIS, (now - timedelta(days=10)).date(),
                                     Bilingual("분석을 마쳤습니다.", "The analysis is done."),
                                     register.PdfUpload("분석.pdf", PDF), now=now - timedelta(days=10))
    register.revise_entry(official, entry, {**entry.content, "status": "in_operation"},
                          Bilingual("운영을 시작했습니다.", "Now in operation."), now=now - timedelta(days=5))
    register.link_consultation(official, entry, db.session.get(Consultation, consultations.open), now=now)
    flag = register.flag_entry(forum, body_org=official.org, entry=entry, kind=FlagKind.MISSING_INFORMATION,  # type: ignore[arg-type]
                               field="model_type", body="모형의 종류를 밝혀 주십시오.", lang="ko", now=now)
    answered = register.flag_entry(forum, body_org=official.org, entry=entry, kind=FlagKind.DISAGREEMENT,  # type: ignore[arg-type]
                                   body="The assessment leaves out appeals.", lang="en", now=now)
    register.answer_flag(official, answered, Outcome.NOTED, Bilingual("다음 단계에서 검토합니다.", None), now=now)
    return Register(entry=entry.id, flag=flag.id, answered=answered.id, body=official.org.id)  # type: ignore[union-attr]


def _both(path: str) -> list[str]:
    """The Korean path and its English twin."""
    assert path.startswith("/ko/"), path
    return [path, "/en/" + path[4:]]


def _again(path: str, why: str) -> list[Seed]:
    return [Seed(p, 200, why, again=True) for p in _both(path)]


def seeds(site: Site, crawl: str) -> list[Seed]:
    """Where each crawl starts. Everything else must be reached by following links; pages that no link
    leads to are listed here, each with the reason. Seeds with `again` are pages reached by links whose
    kind was checked already at another address, and that show what that one did not."""
    start = [Seed("/ko/"), Seed("/en/")]
    ids, st = site.consultations, site.statements
    on = f"/ko/consultations/{ids.open}"
    if crawl == "anonymous":
        return start + [
            *(Seed(p, 404, "the error page") for p in _both("/ko/no-such-page")),
            *(Seed(p, 400, "reached from a mail: an invalid verification link")
              for p in _both("/ko/verify-email/not-a-valid-token")),
            *(Seed(p, 200, "reached from a mail: the password reset form") for p in _both(site.reset_path)),
            *_again(f"/ko/consultations/{ids.closed}", "a closed consultation: no comment form, the figures so far"),
            *_again(f"/ko/consultations/{ids.concluded}", "a concluded consultation, the only one whose page "
                    "links to its result report (with the chart)"),
            *_again(f"{on}/comments/{ids.withdrawn}", "a withdrawn comment's public note"),
            *_again(f"{on}/comments/{ids.hidden}", "a hidden comment's public note"),
            *_again(f"{on}/comments/{st.joint_comment}", "a joint comment: the statement it came from"),
            *_again(f"/ko/consultations/{ids.invited}/record", "the record of an invited consultation: invitations in "
                    "every state, requests granted, a meeting with minutes"),
            *_again(f"/ko/statements/{st.open}", "an open statement at version 2: the signatory list with "
                    "pending, re-confirmed, withdrawn and unnamed signatures"),
            *_again(f"/ko/statements/{st.open}?sort=name", "the signatory list by name"),
            *_again(f"/ko/statements/{st.open}/versions/1", "an earlier version, with its notice"),
            *_again(f"/ko/statements/{st.open}/print", "the print page with a signatory yet to re-confirm"),
            *_again(f"/ko/statements/{st.published}", "a published statement, with the consultation it went to"),
            *_again(f"/ko/statements/{st.closed}", "signing closed; Korean text only (English falls back)"),
            *_register_public_seeds(site),
            *_search_seeds(),
            *_again("/ko/api", "the read API's reference page, rendered from its OpenAPI document"),
        ]
    if crawl == "org_admin":
        return start + [Seed(p, 200, "reached from a mail: an invitation to join an organisation")
                        for p in _both(site.invitation_path)] + [
            *_again(f"/ko/consultations/{ids.invited}", "the forum's invitation, with the form to answer it"),
            *_again(f"/ko/consultations/{ids.asking}", "the form to ask to take part in an invited consultation"),
            *_again(f"{on}/comments/{ids.commented}", "the forum's own comment, with its link to revise it"),
            *_again(f"/ko/statements/{st.draft}", "the forum's draft statement, with the button to open it"),
            *_again(f"/ko/statements/{st.draft}/edit", "the draft's form: co-drafters, deadline, individuals"),
            *_again(f"/ko/statements/{st.open}", "the forum's signature awaiting re-confirmation (re-confirm, "
                    "withdraw), the form to sign as oneself, the drafters' buttons"),
            *_again(f"/ko/statements/{st.open}/edit", "a new version's form, with its change note"),
            *_again(f"/ko/statements/{st.open}/signatures/{st.forum_signature}/withdraw",
                    "the form to withdraw the forum's signature"),
            *_again(f"/ko/statements/{st.published}", "a published statement's drafters: submit to a consultation"),
            *_again(f"/ko/statements/{st.published}/submit", "the form to submit it to a consultation"),
            *_again(f"/ko/statements/{st.closed}", "a co-drafter of a closed statement: publish, but no new version"),
            *_register_seeds(site, "org_admin"),
        ]
    if crawl == "platform_admin":
        return start + _again(f"{on}/comments/{ids.commented}", "a published comment, with its link to hide it") + [
            *_again(f"/ko/statements/{st.open}", "the form to sign as an individual, with the name consent box"),
        ]
    if crawl == "official":
        return start + [
            *_again(f"/ko/consultations/{ids.draft}/manage", "the draft's management page: edit, sections, PDF"),
            *_again(f"{on}/manage", "an open consultation's management page: a new version, the campaigns"),
            *_again(f"/ko/consultations/{ids.closed}/manage", "a closed consultation's management page, the "
                    "only kind that links to the result report form"),
            *_again(f"/ko/consultations/{ids.invited}/invitations", "invitations in every state, with links to "
                    "withdraw them, and a meeting with its minutes"),
            *_again(f"/ko/consultations/{ids.asking}/invitations", "a request awaiting the officials' decision"),
            *_again(f"{on}/comments/{ids.commented}", "a comment with its link to record a disposition"),
            *_again(f"{on}/comments/{st.joint_comment}", "a joint comment, to be answered like any comment"),
            *_register_seeds(site, "official"),
        ]
    return start


def _register_public_seeds(site: Site) -> list[Seed]:
    """The AI register's public pages in the states the first address of their kind may not show."""
    r = site.register
    if r is None:
        return []
    return [*_again("/ko/ai-register/?q=%EB%B3%B5%EC%A7%80&status=in_operation", "the list narrowed by a "
                    "two-syllable Korean search and a filter"),
            *(Seed(p, 400, "an over-long search: the list with the message at the search box")
              for p in _both("/ko/ai-register/?q=" + "a" * 201)),
            *_again(f"/ko/ai-register/{r.entry}", "an entry with a withheld field, two assessment stages (one "
                    "with a PDF), a linked consultation and flags"),
            *_again(f"/ko/ai-register/{r.entry}/revisions/3", "a revision's field-by-field diff"),
            *_again(f"/ko/ai-register/{r.entry}/revisions/1", "the first revision: no diff")]


def _search_seeds() -> list[Seed]:
    """The search page is a form (the header's box): with results of every kind, one kind's page, and refused."""
    return [*(Seed(p, 200, "search results grouped by kind, matches marked")
              for p in _both("/ko/search?q=%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5%EC%9D%98")),  # 인공지능의
            *_again("/ko/search?q=AI&kind=comment", "one kind's results, with its keyset page link"),
            *(Seed(p, 400, "an over-long search: the message at the search box")
              for p in _both("/ko/search?q=" + "a" * 201))]


def _register_seeds(site: Site, crawl: str) -> list[Seed]:
    """The AI register's forms that no link leads to (the entry page carries them inline)."""
    r = site.register
    if r is None:
        return []
    if crawl == "org_admin":
        return [*(Seed(p, 200, "the flag form page (the entry page shows the form inline)")
                  for p in _both(f"/ko/ai-register/{r.entry}/flags")),
                *(Seed(p, 200, "the unregistered-system flag form of a body")
                  for p in _both(f"/ko/ai-register/bodies/{r.body}/flags"))]
    return [*(Seed(p, 200, "the form to register a system") for p in _both("/ko/ai-register/new")),
            *(Seed(p, 200, "the entry page with the officials' buttons and the answer form")
              for p in _both(f"/ko/ai-register/{r.entry}")),
            *(Seed(p, 200, "the answer page (the entry page shows the form inline)")
              for p in _both(f"/ko/ai-register/flags/{r.flag}/answer"))]


def required_pages(app: Flask) -> set[Key]:
    """Every (endpoint, language) of a GET route with a language prefix, except NOT_PAGES."""
    return {(rule.endpoint, lang) for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and "lang" in rule.arguments and rule.endpoint not in NOT_PAGES
            for lang in LANGS}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.hrefs.append(values["href"])  # type: ignore[arg-type]


def links_in(html: str, base: str) -> list[str]:
    """Absolute addresses of the <a href> in html (downloads left out), resolved against base."""
    parser = _Links()
    parser.feed(html)
    return [urljoin(base, href) for href in parser.hrefs]


@dataclass
class Fetched:
    status: int
    url: str  # where the browser or client ended up, after redirects (absolute)
    links: list[str]  # absolute addresses of the links on the page


@dataclass
class Checked:
    key: Key
    path: str
    status: int


@dataclass
class Crawler:
    """Breadth-first over same-origin links; each (endpoint, language) is checked once, at the first
    address found for it (query string included), later addresses with the same key are skipped; seeds
    with `again` are checked at the end whatever their key (see Seed).

    fetch(path) loads a page; check(path, fetched) inspects it (axe, saving the HTML …).
    """

    app: Flask
    origin: str  # scheme://host[:port] of the server the fetcher talks to
    fetch: Callable[[str], Fetched]
    check: Callable[[str, Fetched], None]
    checked: list[Checked] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._adapter = self.app.url_map.bind("localhost")
        self._seen: set[Key] = set()

    def key(self, path: str) -> Key | None:
        """The (endpoint, language) of a path; None for what is not a page (static files, downloads,
        POST-only addresses)."""
        parts = urlsplit(path)
        try:
            endpoint, args = self._adapter.match(parts.path, method="GET", query_args=parts.query)
        except RequestRedirect as redirect:  # e.g. a missing trailing slash
            return self.key(urlsplit(redirect.new_url).path)
        except MethodNotAllowed:
            return None
        except NotFound:
            first = parts.path.split("/")[1] if parts.path.count("/") > 1 else ""
            return ("404", first if first in LANGS else None)
        if endpoint == "static" or endpoint in NOT_PAGES or endpoint.startswith(("log.", "api.", "open_data.")):
            return None  # log.*, api.*: machine-readable APIs (tests/record, tests/api); open_data.*: dump files
        return (endpoint, args.get("lang"))

    def _local(self, url: str) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def run(self, start: list[Seed]) -> list[Checked]:
        queue: deque[tuple[str, int, str, bool]] = deque((s.path, s.status, "seed", False)
                                                         for s in start if not s.again)
        later = deque((s.path, s.status, "seed (again)", True) for s in start if s.again)
        paths: set[str] = set()  # the addresses checked
        while queue or later:
            path, expected, found_on, again = queue.popleft() if queue else later.popleft()
            key = self.key(path)
            if key is None or path in paths or (key in self._seen and not again):
                continue
            self._seen.add(key)
            fetched = self.fetch(path)
            final = self._local(fetched.url) or path
            final_key = self.key(final) or key
            if fetched.status != expected:
                self.problems.append(f"{path} (linked from {found_on}) answered {fetched.status}, "
                                     f"expected {expected}")
            if final_key != key and final_key in self._seen and not again:
                continue  # redirected to a page already checked
            self._seen.add(final_key)
            paths.update((path, final))
            self.check(final, fetched)
            self.checked.append(Checked(final_key, final, fetched.status))
            for link in fetched.links:
                local = self._local(link.split("#", 1)[0])
                if local is not None:
                    queue.append((local, 200, final, False))
        return self.checked


def missing(app: Flask, checked: list[Checked]) -> list[str]:
    """Required (endpoint, language) pairs no crawl reached, as readable lines."""
    reached = {c.key for c in checked}
    return [f"{endpoint} ({lang})" for endpoint, lang in sorted(required_pages(app) - reached)]


def missing_message(app: Flask, checked: list[Checked]) -> str:
    lines = missing(app, checked)
    return ("No link leads to these pages, so they were not checked: " + ", ".join(lines)
            + ". Link them from a page, or add a seed (with the reason) in tests/browser/crawl.py seeds().")
