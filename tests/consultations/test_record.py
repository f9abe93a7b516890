"""The record page of a consultation (SPEC §7) and its Atom feed, over HTTP: timeline, invitations with
their states, participation requests and decisions, inclusion per target group (chart and table), the
uninvited organisations, comments and dispositions, meetings, versions and the report, each linked to its
entry in the transparency log."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.consultations import actions as consult
from consult.consultations.models import Consultation, Invitation, Mode, Outcome, Purpose
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import Organization, OrgKind, Role
from consult.policy import Actor
from consult.record import Event
from tests.factories import make_comment, make_consultation, make_official, make_org, make_person
from tests.web.support import page_text, translated

ATOM = "{http://www.w3.org/2005/Atom}"
CSO_LABEL, ACADEMIA_LABEL = "Civil-society organisation", "Academia and research"


@dataclass
class World:
    c: Consultation
    official: Actor
    accepted: Organization  # CSO: invited, accepted with a reason, commented, at the meeting
    withdrawn: Organization  # CSO: invited, then the invitation withdrawn with a reason
    declined: Organization  # academia: invited, declined with a reason
    denied: Organization  # CSO, verified, never invited; asked to take part and was denied
    pending: Organization  # academia, verified, never invited; its request awaits a decision
    labour: Organization  # not a target group
    unverified: Organization  # CSO awaiting verification
    email_invitation: Invitation


def _actor(org: Organization) -> Actor:
    from consult.orgs.models import Membership
    person_id = db.session.scalar(select(Membership.person_id).where(Membership.organization_id == org.id))
    from consult.accounts.models import Person
    return Actor(db.session.get(Person, person_id), org, Role.ADMIN)


def _b(ko: str, en: str | None) -> Bilingual:
    return Bilingual(ko, en)


@pytest.fixture
def world(app) -> World:  # type: ignore[no-untyped-def]
    ministry = make_official().org
    # officials act in public: this one has not consented to publishing the name, the record names them anyway
    person = make_person(publish_name=False, name="정민호")
    orgs.add_member_directly(ministry, person, Role.ADMIN, _b("사무관", "Deputy Director"),
                             now=utcnow() - timedelta(days=20))
    official = Actor(person, ministry, Role.ADMIN)
    c = make_consultation(official, mode=Mode.INVITED, target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA],
                          title=_b("기록 시험 의견수렴", "Record test consultation"))
    accepted = make_org(name_ko="수락시민단체", name_en="Accepting CSO")
    withdrawn = make_org(name_ko="철회시민단체", name_en="Withdrawn CSO")
    declined = make_org(kind=OrgKind.ACADEMIA, name_ko="거절학회", name_en="Declining Society")
    denied = make_org(name_ko="거부시민단체", name_en="Denied CSO")
    pending = make_org(kind=OrgKind.ACADEMIA, name_ko="대기연구소", name_en="Pending Institute")
    labour = make_org(kind=OrgKind.LABOUR, name_ko="노동연대", name_en="Labour Solidarity")
    unverified = make_org(verified=False, name_ko="미인증단체", name_en="Unverified CSO")
    now = utcnow() - timedelta(days=4)
    step = iter(now + timedelta(minutes=m) for m in range(100))
    invitations = consult.invite_organizations(official, c, [accepted.id, withdrawn.id, declined.id],
                                               Purpose.WRITTEN_INPUT, _b("의견을 부탁드립니다.", "Please comment."),
                                               now=next(step))
    consult.answer_invitation(_actor(accepted), invitations[0], True, _b("기꺼이 참여합니다.", "Glad to take part."),
                              now=next(step))
    consult.withdraw_invitation(official, invitations[1], _b("잘못 초청했습니다.", "Invited by mistake."), now=next(step))
    consult.answer_invitation(_actor(declined), invitations[2], False, _b("여력이 없습니다.", "No capacity."),
                              now=next(step))
    email_invitation = consult.invite_by_email(official, c, "contact@newgroup.example.org",
                                               _b("새로운모임", "New Group"), Purpose.HEARING,
                                               _b("공청회에 초청합니다.", "Join the hearing."), now=next(step))
    request = consult.request_participation(_actor(denied), c, _b("우리도 참여하고 싶습니다.", "We want to take part too."),
                                            now=next(step))
    consult.decide_participation(official, request, False, _b("대상 범위가 아닙니다.", "Outside the scope."),
                                 now=next(step))
    consult.request_participation(_actor(pending), c, _b("연구 결과를 나누고 싶습니다.", "We want to share research."),
                                  now=next(step))
    make_comment(c, _actor(accepted), now=next(step))
    consult.record_meeting(official, c, consult.MeetingInput(
        kind=consult.MeetingKind.PUBLIC_HEARING, format=consult.MeetingFormat.HYBRID, held_at=next(step),
        title=_b("지침안 공청회", "Hearing on the draft guideline"), place=_b("정부서울청사", "Government Complex Seoul"),
        minutes=_b("첫째 문단입니다.\n\n둘째 문단입니다.", "First paragraph.\n\nSecond paragraph."),
        invited_org_ids=(accepted.id, declined.id), attended_org_ids=(accepted.id,)), now=next(step))
    return World(c, official, accepted, withdrawn, declined, denied, pending, labour, unverified, email_invitation)


def _get(client, c: Consultation, lang: str = "en", tail: str = "/record"):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/consultations/{c.id}{tail}")
    assert r.status_code == 200, r.status_code
    return r


def _text(r) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(page_text(r))


def _section(r, title_id: str) -> str:  # type: ignore[no-untyped-def]
    """The HTML of the <section> labelled by title_id."""
    body = page_text(r)
    m = re.search(rf'<section[^>]*aria-labelledby="{title_id}">(.*?)</section>', body, re.S)
    assert m, title_id
    return html.unescape(m.group(1))


def _seq(event_type: str, subject_type: str, subject_id: int) -> int:
    return db.session.scalar(select(Event.seq).where(Event.event_type == event_type, Event.subject_type == subject_type,
                                                     Event.subject_id == subject_id))


# ---- invitations ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_invitations_show_states_purpose_inviter_answers_and_reasons(client, world, lang):
    r = _get(client, world.c, lang)
    section = _section(r, "invitations-title")
    names = {o: o.name.pick(lang).text for o in (world.accepted, world.withdrawn, world.declined)}
    for name in names.values():
        assert name in section
    for state in ("Invitation accepted", "Invitation declined", "Invitation withdrawn", "Awaiting answer"):
        assert translated(state, lang) in section
    assert translated("Written input", lang) in section and translated("Hearing participant", lang) in section
    # the official is named though they did not consent to publishing their name: officials act in public
    assert "정민호" in section
    reasons = {"en": ("Glad to take part.", "No capacity.", "Invited by mistake."),
               "ko": ("기꺼이 참여합니다.", "여력이 없습니다.", "잘못 초청했습니다.")}[lang]
    for reason in reasons:
        assert reason in section


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_email_invitation_shows_the_name_never_the_address(client, world, lang):
    r = _get(client, world.c, lang)
    section = _section(r, "invitations-title")
    assert world.email_invitation.invited_name.pick(lang).text in section
    assert translated("not yet on the platform", lang) in section
    assert "newgroup.example.org" not in page_text(r) and "contact@" not in page_text(r)


def test_an_unanswered_invitation_shows_no_answer_once_the_consultation_has_closed(client, official):
    closed = make_consultation(official, opened_days_ago=40, days_open=30, target_groups=[OrgKind.CIVIL_SOCIETY])
    org = make_org(name_ko="무응답단체", name_en="Silent CSO")
    consult.invite_organizations(official, closed, [org.id], Purpose.WRITTEN_INPUT, _b("초청", "Invited"),
                                 now=closed.opens_at + timedelta(days=1))
    for lang in ("en", "ko"):
        section = _section(_get(client, closed, lang), "invitations-title")
        assert translated("No answer", lang) in section
        assert translated("Awaiting answer", lang) not in section


# ---- requests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_requests_and_decisions_are_public_denials_included(client, world, lang):
    section = _section(_get(client, world.c, lang), "requests-title")
    assert world.denied.name.pick(lang).text in section and world.pending.name.pick(lang).text in section
    assert translated("Denied", lang) in section and translated("Awaiting decision", lang) in section
    motivation, reason = {"en": ("We want to take part too.", "Outside the scope."),
                          "ko": ("우리도 참여하고 싶습니다.", "대상 범위가 아닙니다.")}[lang]
    assert motivation in section and reason in section and "정민호" in section


# ---- inclusion -----------------------------------------------------------------------------------

def _table_rows(r, table_id: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    body = page_text(r)
    table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', body, re.S).group(1)  # type: ignore[union-attr]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        head = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))).strip()  # type: ignore[union-attr]
        rows[head] = [c.strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    return rows


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_inclusion_chart_table_counts_each_target_group(client, world, lang):
    r = _get(client, world.c, lang)
    rows = _table_rows(r, "inclusion-table")
    cso, academia = translated(CSO_LABEL, lang), translated(ACADEMIA_LABEL, lang)
    assert set(rows) == {cso, academia}
    # columns: verified on the platform, invited, accepted, commented. CSOs: accepting, withdrawn, denied
    # (+ the commenter factory's none); the withdrawn invitation does not count as invited
    verified_cso = db.session.scalar(select(db.func.count()).select_from(Organization).where(
        Organization.kind == OrgKind.CIVIL_SOCIETY, Organization.status == "verified"))
    assert rows[cso] == [str(verified_cso), "1", "1", "1"]
    assert rows[academia] == ["2", "1", "0", "0"]
    svg = re.search(r'<svg[^>]*role="img"[^>]*>(.*?)</svg>', page_text(r), re.S)
    assert svg and "<title" in svg.group(1) and "<desc" in svg.group(1)
    assert 'style="' not in page_text(r)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_uninvited_verified_organisations_of_target_groups_are_listed(client, world, lang):
    r = _get(client, world.c, lang)
    section = _section(r, "inclusion-title")
    listed = section.split('id="uninvited-title"')[1]
    for org in (world.denied, world.pending, world.withdrawn):  # never invited, or the invitation withdrawn
        assert f'/{lang}/organizations/{org.slug}"' in listed, org.name
    for org in (world.accepted, world.declined, world.labour, world.unverified):
        assert f'/{lang}/organizations/{org.slug}"' not in listed, org.name
    assert world.c.owner.slug not in listed


# ---- comments, meetings, versions, report --------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_comments_and_dispositions_summary(client, world, lang):
    comment = make_comment(world.c, _actor(world.accepted), body="두 번째 의견")
    consult.record_disposition(world.official, comment, consult.DispositionInput(
        Outcome.ACCEPTED, _b("반영합니다.", "Reflected."), ()), now=utcnow())
    r = _get(client, world.c, lang)
    section = _section(r, "handling-title")
    assert translated("%(rate)d%% (%(done)d of %(total)d comments have a disposition)", lang,
                      rate=50, done=1, total=2) in section
    rows = _table_rows(r, "outcome-table")
    assert rows[translated("Accepted", lang)] == ["1"]
    assert rows[translated("No disposition yet", lang)] == ["1"]
    assert f"/{lang}/consultations/{world.c.id}/report" in section


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_meetings_show_kind_time_format_place_organisations_and_minutes(client, world, lang):
    section = _section(_get(client, world.c, lang), "meetings-title")
    assert translated("Public hearing", lang) in section and translated("In person and online", lang) in section
    title, place, p1, p2 = {"en": ("Hearing on the draft guideline", "Government Complex Seoul", "First paragraph.",
                                   "Second paragraph."),
                            "ko": ("지침안 공청회", "정부서울청사", "첫째 문단입니다.", "둘째 문단입니다.")}[lang]
    assert title in section and place in section
    assert f"<p>{p1}</p><p>{p2}</p>" in section
    invited, attended = section.split(translated("Attending organisations", lang))
    assert world.declined.name.pick(lang).text in invited
    assert world.accepted.name.pick(lang).text in attended and world.declined.name.pick(lang).text not in attended


def test_versions_and_the_report_are_linked(client, official):
    c = make_consultation(official, opened_days_ago=40, days_open=30)
    consult.conclude(official, c, title=_b("결과보고서", "Result report of the test"), body=_b("본문", "The **body**."),
                     undisposed_reason=_b(None, None), now=utcnow())
    r = _get(client, c)
    section = _section(r, "versions-title")
    assert f"/en/consultations/{c.id}/versions/1" in section
    assert "Result report of the test" in section and "The body." in section
    assert f'/en/log/{_seq("consultation.concluded", "consultation", c.id)}"' in section


# ---- links to the log ----------------------------------------------------------------------------

def test_every_item_links_to_its_log_entry(client, world):
    body = page_text(_get(client, world.c))
    invitation_ids = db.session.scalars(select(Invitation.id).where(Invitation.consultation_id == world.c.id)).all()
    expected = [_seq("invitation.sent", "invitation", i) for i in invitation_ids]
    expected += [_seq(t, "invitation", i) for t in ("invitation.answered", "invitation.withdrawn")
                 for i in invitation_ids if _seq(t, "invitation", i) is not None]
    expected += db.session.scalars(select(Event.seq).where(Event.subject_type.in_(
        ["participation_request", "meeting", "consultation_version"]), Event.scope_id == world.c.id)).all()
    assert len(expected) == 4 + 2 + 1 + 3 + 1 + 1  # sent ×4, answered ×2, withdrawn, requests 2 + 1 decision, meeting, version
    for seq in expected:
        assert f'href="/en/log/{seq}"' in body, seq
    assert f'href="/en/log?consultation={world.c.id}"' in body


def test_the_timeline_shows_the_latest_entries(client, world):
    section = _section(_get(client, world.c), "timeline-title")
    latest = db.session.scalar(select(db.func.max(Event.seq)).where(Event.scope_type == "consultation",
                                                                    Event.scope_id == world.c.id))
    assert f'href="/en/log/{latest}"' in section
    assert translated("Meeting recorded") in section  # the latest event: the hearing


# ---- access, links, feed -------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "yes", "2", ""])
def test_only_all_1_widens_the_record(client, official, value):
    c = make_consultation(official)
    expected = 200 if value == "" else 400
    assert client.get(f"/en/consultations/{c.id}/record?all={value}").status_code == expected
    assert client.get(f"/en/consultations/{c.id}/record?all=1").status_code == 200


def test_a_draft_has_no_record(client, official, login):
    draft = make_consultation(official, published=False)
    assert client.get(f"/en/consultations/{draft.id}/record").status_code == 404
    assert client.get(f"/en/consultations/{draft.id}/record.atom").status_code == 404
    login(official.person)
    assert client.get(f"/en/consultations/{draft.id}/record").status_code == 404


def test_the_consultation_page_links_to_its_record(client, world):
    r = _get(client, world.c, tail="")
    assert f'href="/en/consultations/{world.c.id}/record"' in page_text(r)
    record = page_text(_get(client, world.c))
    assert f'rel="alternate" type="application/atom+xml" href="/en/consultations/{world.c.id}/record.atom"' in record
    assert f'<a href="/en/consultations/{world.c.id}/record.atom"' in record


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_feed_has_versions_meetings_dispositions_and_the_report(client, official, lang):
    c = make_consultation(official, opened_days_ago=40, days_open=30, title=_b("피드 시험", "Feed test"))
    comment = make_comment(c, now=c.opens_at + timedelta(days=1))
    consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.NOTED, _b("참고하겠습니다.", "Noted for later."), ()), now=utcnow() - timedelta(days=2))
    consult.record_meeting(official, c, consult.MeetingInput(
        kind=consult.MeetingKind.ROUNDTABLE, format=consult.MeetingFormat.ONLINE, held_at=c.opens_at + timedelta(days=2),
        title=_b("간담회", "Roundtable meeting"), place=_b(None, None), minutes=_b("회의록", None)),
        now=utcnow() - timedelta(days=1))
    consult.conclude(official, c, title=_b("피드 결과보고서", "Feed result report"), body=_b("본문", "Body"),
                     undisposed_reason=_b(None, None), now=utcnow())
    r = client.get(f"/{lang}/consultations/{c.id}/record.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    report, meeting, outcome = {"en": ("Feed result report", "Roundtable meeting", "Noted"),
                                "ko": ("피드 결과보고서", "간담회", translated("Noted", "ko"))}[lang]
    assert titles[0] == report  # newest first
    assert any(meeting in t for t in titles)
    assert any(outcome in t and str(comment.id) in t for t in titles)
    assert any(translated("Version %(number)d published", lang, number=1) == t for t in titles)
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 4
