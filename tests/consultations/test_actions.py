"""Every consultation action: what it does, what it records, and how it refuses bad input or the
wrong actor — every refusal proves that nothing at all changed (see the `refused` fixture).

The clock is always passed in: `now` is the real time when the factories made the data, and later
moments (after a deadline) are given explicitly.
"""
from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from consult import record
from consult.consultations import actions as consult
from consult.consultations import uploads
from consult.consultations.models import (Attachment, Comment, CommentBand, CommentRevision, CommentStatus,
                                          Consultation, DeadlineChange, Disposition, DispositionSection,
                                          Invitation, InvitationState, Mode, NoticeType, Outcome,
                                          ParticipationRequest, Purpose, RequestDecision, ResultReport, Section,
                                          Status, Version)
from consult.errors import Denied, Invalid
from consult.extensions import db
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from consult.record import Event
from tests.conftest import count
from tests.web.support import events_since, in_english_request, payload  # noqa: F401 - a fixture
from tests.factories import (commenter, consultation_input, make_comment, make_consultation, make_official,
                             make_org, make_person, platform_admin)

DAY = timedelta(days=1)
NONE = Bilingual(None, None)
REASON = Bilingual("의견 검토 기간을 보장하기 위함", "To give time to consider the comments")
LETTER = ("We urge the Ministry to require a public human rights impact assessment before any high-impact AI "
          "system is deployed by a public body, and to publish every assessment in full on its website.")
UNRELATED = "The definition of high-impact AI in Article 2 should include systems used in recruitment and education."


pytestmark = pytest.mark.usefixtures("in_english_request")


# ---- helpers ---------------------------------------------------------------------------------------


def versions_of(c: Consultation) -> list[Version]:
    return list(db.session.scalars(select(Version).where(Version.consultation_id == c.id).order_by(Version.number)))


def sections_of(version: Version) -> list[Section]:
    return list(db.session.scalars(select(Section).where(Section.version_id == version.id)
                                   .order_by(Section.position, Section.id)))


def section_input(body_ko: str = "새 조문", body_en: str | None = "New article", number: str = "제9조",
                  heading: str = "신설") -> consult.SectionInput:
    return consult.SectionInput(Bilingual(number, number.replace("제", "Article ").replace("조", "")),
                                Bilingual(heading, "New"), Bilingual(body_ko, body_en))


def comment_input(body: str = "제2조의 평가 시점을 명확히 해 주십시오.", **kw: object) -> consult.CommentInput:
    return consult.CommentInput(body=body, lang=kw.pop("lang", "ko"), **kw)  # type: ignore[arg-type]


def draft_with_section(official: Actor, opens_at: datetime, closes_at: datetime, *, now: datetime,
                       **overrides: object) -> Consultation:
    """A draft (one section) with exactly this period, created at `now`."""
    c = consult.create_consultation(official, consultation_input(opens_at=opens_at, closes_at=closes_at,
                                                                 **overrides), now=now)
    consult.save_section(official, c, consult.editable_version(c), section_input(), now=now)  # type: ignore[arg-type]
    return c


def closed_consultation(official: Actor) -> Consultation:
    """Opened 40 days ago for 30 days: closed 10 days ago, no comments."""
    return make_consultation(official, opened_days_ago=40, days_open=30)


def concluded_consultation(official: Actor, now: datetime) -> Consultation:
    c = closed_consultation(official)
    consult.conclude(official, c, title=Bilingual("결과보고서", "Result report"), body=Bilingual("본문", "Body"),
                     undisposed_reason=NONE, now=now)
    return c


def second_version(official: Actor, c: Consultation, now: datetime, *, publish: bool = True) -> Version:
    """Start version 2, change the body of s2, and (by default) publish it."""
    v2 = consult.start_version(official, c, now=now)
    s2 = sections_of(v2)[1]
    consult.save_section(official, c, v2, consult.SectionInput(s2.number, s2.heading, Bilingual(
        "공공기관은 고영향 인공지능을 도입하기 전에 인권영향평가를 실시하고 그 결과를 공개하여야 한다.",
        "A public body shall assess and publish the human rights impact before introducing high-impact AI.")),
        section=s2, now=now)
    if publish:
        consult.update_version(official, c, v2, title=v2.title, summary=v2.summary,
                               change_note=Bilingual("제2조 수정", "Article 2 amended"), now=now)
        consult.publish_version(official, c, v2, now=now)
    return v2


def tiny_pdf() -> bytes:
    """A real one-page PDF (with a correct cross-reference table), a few hundred bytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def upload_files(app) -> set[str]:  # type: ignore[no-untyped-def]
    folder = Path(app.instance_path) / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_in(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# ---- create ----------------------------------------------------------------------------------------

def test_an_official_creates_a_draft_with_an_empty_first_version(official, now, record_size):
    before = record_size()
    c = consult.create_consultation(official, consultation_input(), now=now)
    assert c.status_at(now) is Status.DRAFT
    assert (c.owner_org_id, c.created_by_id, c.created_at) == (official.org.id, official.person.id, now)
    assert c.target_groups == [OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA]
    (v1,) = versions_of(c)
    assert (v1.number, v1.published_at, v1.content_sha256, v1.title) == (1, None, None, c.title)
    assert sections_of(v1) == []
    (event,) = events_since(before)
    assert (event.event_type, event.subject_type, event.subject_id) == ("consultation.created", "consultation", c.id)
    # the draft's existence is recorded; its content only when published
    assert payload(event) == {}


def test_an_editor_official_creates_too(official, now):
    editor = make_official(official.org, Role.EDITOR)
    c = consult.create_consultation(editor, consultation_input(), now=now)
    assert c.owner_org_id == official.org.id and c.created_by_id == editor.person.id


@pytest.mark.parametrize("who", ["CSO admin", "person", "admin of pending government org"])
def test_only_officials_create(app, now, refused, who):
    if who == "CSO admin":
        actor = commenter()
    elif who == "person":
        actor = Actor(make_person())
    else:
        admin = make_person()
        actor = Actor(admin, make_org(kind=OrgKind.GOVERNMENT, verified=False, admin=admin), Role.ADMIN)
    with refused(Denied):
        consult.create_consultation(actor, consultation_input(), now=now)


def test_target_groups_are_required(official, now, refused):
    with refused(Invalid, "target_groups"):
        consult.create_consultation(official, consultation_input(target_groups=[]), now=now)


@pytest.mark.parametrize("length", [timedelta(0), -DAY])
def test_the_period_must_end_after_it_opens(official, now, refused, length):
    opens = now + DAY
    with refused(Invalid, "closes_at"):
        consult.create_consultation(official, consultation_input(
            opens_at=opens, closes_at=opens + length, short_period_reason=REASON), now=now)


@pytest.mark.parametrize(("notice", "days"), [(NoticeType.LEGISLATIVE, 40), (NoticeType.ADMINISTRATIVE, 20)])
def test_a_period_shorter_than_the_legal_minimum_needs_a_public_reason(official, now, refused, notice, days):
    assert notice.minimum_days == days
    opens = now + DAY
    just_short = consultation_input(notice_type=notice, opens_at=opens,
                                    closes_at=opens + timedelta(days=days) - timedelta(minutes=1))
    with refused(Invalid, "short_period_reason"):
        consult.create_consultation(official, just_short, now=now)

    exactly = consult.create_consultation(official, replace(just_short, closes_at=opens + timedelta(days=days)),
                                          now=now)
    assert exactly.period_days == days and not exactly.is_short

    reasoned = consult.create_consultation(official, replace(just_short, short_period_reason=REASON), now=now)
    assert reasoned.period_days == days - 1 and reasoned.is_short
    assert reasoned.short_period_reason == REASON


def test_thirty_days_is_enough_for_an_administrative_notice_but_not_a_legislative_one(official, now, refused):
    opens = now + DAY
    data = consultation_input(opens_at=opens, closes_at=opens + 30 * DAY)
    assert consult.create_consultation(official, replace(data, notice_type=NoticeType.ADMINISTRATIVE), now=now)
    with refused(Invalid, "short_period_reason"):
        consult.create_consultation(official, replace(data, notice_type=NoticeType.LEGISLATIVE), now=now)


# ---- update ----------------------------------------------------------------------------------------

def test_a_draft_is_updated_with_its_first_version(official, now):
    c = make_consultation(official, published=False)
    title = Bilingual("인공지능 영향평가 지침(안)", "Draft guideline on AI impact assessment")
    consult.update_consultation(official, c, consultation_input(
        title=title, mode=Mode.INVITED, allows_individuals=False, target_groups=[OrgKind.LABOUR],
        opens_at=c.opens_at, closes_at=c.opens_at + 45 * DAY, notice_type=NoticeType.LEGISLATIVE), now=now)
    db.session.expire_all()
    c = db.session.get(Consultation, c.id)
    assert (c.title, c.mode, c.allows_individuals, c.target_groups) == (title, Mode.INVITED, False, [OrgKind.LABOUR])
    assert (c.notice_type, c.period_days) == (NoticeType.LEGISLATIVE, 45)
    assert versions_of(c)[0].title == title


def test_individuals_are_refused_in_invited_mode(official, now, refused):
    """SPEC §2: in invited mode only invited organisations comment."""
    c = make_consultation(official, published=False)
    with refused(Invalid, "allows_individuals"):
        consult.update_consultation(official, c, consultation_input(
            mode=Mode.INVITED, allows_individuals=True, opens_at=c.opens_at, closes_at=c.closes_at), now=now)


def test_a_published_consultation_cannot_be_updated(official, consultation, now, refused):
    with refused(Invalid, "title"):
        consult.update_consultation(official, consultation, consultation_input(title=Bilingual("바꿈", None)),
                                    now=now)


def test_bad_input_updates_nothing(official, now, refused):
    c = make_consultation(official, published=False)
    with refused(Invalid, "target_groups"):
        consult.update_consultation(official, c, consultation_input(target_groups=[]), now=now)
    with refused(Invalid, "short_period_reason"):
        consult.update_consultation(official, c, consultation_input(
            notice_type=NoticeType.LEGISLATIVE, opens_at=c.opens_at, closes_at=c.opens_at + 39 * DAY), now=now)


@pytest.mark.parametrize("who", ["other official", "CSO admin"])
def test_only_the_owner_updates(official, now, refused, who):
    c = make_consultation(official, published=False)
    actor = make_official() if who == "other official" else commenter()
    with refused(Denied):
        consult.update_consultation(actor, c, consultation_input(), now=now)


# ---- publish ---------------------------------------------------------------------------------------

def test_publishing_records_the_consultation_and_the_hash_of_its_first_version(official, now, record_size):
    c = make_consultation(official, published=False, opened_days_ago=0)
    now = c.opens_at  # published the moment it opens: open at once
    before = record_size()
    consult.publish_consultation(official, c, now=now)
    assert c.status_at(now) is Status.OPEN
    assert (c.published_at, c.published_by_id) == (now, official.person.id)
    (v1,) = versions_of(c)
    assert v1.published_at == now and v1.content_sha256 == consult.content_hash(v1)
    assert [s["key"] for s in consult.content_of(v1)["sections"]] == ["s1", "s2", "s3"]

    published, sealed = events_since(before)
    assert (published.event_type, published.subject_id) == ("consultation.published", c.id)
    p = payload(published)
    assert p["title"] == c.title.as_dict() and p["mode"] == "open" and p["notice_type"] == "administrative_notice"
    assert (p["opens_at"], p["closes_at"]) == (record.rfc3339(c.opens_at), record.rfc3339(c.closes_at))
    assert p["period_days"] == c.period_days == 30
    assert p["target_groups"] == ["civil_society", "academia"]
    assert (sealed.event_type, sealed.subject_type, sealed.subject_id) == (
        "version.published", "consultation_version", v1.id)
    assert payload(sealed) == {"number": 1, "content_sha256": consult.content_hash(v1), "consultation": c.id}


def test_the_content_hash_covers_the_sections(official, consultation):
    v1 = versions_of(consultation)[0]
    recorded = v1.content_sha256
    assert recorded == record.sha256_hex(record.canonical(consult.content_of(v1)))
    section = sections_of(v1)[2]
    section.body = Bilingual(section.body.ko + " 다만, 예외가 있다.", section.body.en)
    db.session.flush()
    assert consult.content_hash(v1) != recorded
    db.session.rollback()


def test_a_consultation_opening_later_is_scheduled_until_then(official, now):
    c = make_consultation(official, published=False, opened_days_ago=None)
    consult.publish_consultation(official, c, now=now)
    assert c.status_at(now) is Status.SCHEDULED
    assert c.status_at(c.opens_at - timedelta(seconds=1)) is Status.SCHEDULED
    assert c.status_at(c.opens_at) is Status.OPEN
    assert c.status_at(c.closes_at) is Status.CLOSED


def test_an_editor_of_the_owner_publishes(official):
    c = make_consultation(official, published=False, opened_days_ago=0)
    now = c.opens_at + timedelta(minutes=1)
    consult.publish_consultation(make_official(official.org, Role.EDITOR), c, now=now)
    assert c.status_at(now) is Status.OPEN


def test_publishing_after_the_deadline_is_refused(official, now, refused):
    c = draft_with_section(official, now - 40 * DAY, now - timedelta(minutes=1), now=now - 41 * DAY)
    with refused(Invalid, "closes_at"):
        consult.publish_consultation(official, c, now=now)


def test_publishing_long_after_the_opening_date_is_refused(official, now, refused):
    c = draft_with_section(official, now - 2 * DAY, now + 30 * DAY, now=now - 3 * DAY)
    with refused(Invalid, "opens_at"):
        consult.publish_consultation(official, c, now=now)


def test_publishing_a_few_hours_late_opens_now_and_checks_the_period_again(official, now, refused):
    c = draft_with_section(official, now - timedelta(hours=12), now + 20 * DAY - timedelta(hours=6),
                           now=now - DAY)
    # 20 days minus 6 hours from now is under the minimum once the opening moves to now
    with refused(Invalid, "short_period_reason"):
        consult.publish_consultation(official, c, now=now)
    c = draft_with_section(official, now - timedelta(hours=12), now + 25 * DAY, now=now - DAY)
    consult.publish_consultation(official, c, now=now)
    assert c.opens_at == now and c.status_at(now) is Status.OPEN


def test_publishing_needs_a_section_and_happens_once(official, consultation, now, refused):
    empty = make_consultation(official, published=False, sections=0, opened_days_ago=0)
    with refused(Invalid, "sections"):
        consult.publish_consultation(official, empty, now=now)
    with refused(Invalid, "publish"):
        consult.publish_consultation(official, consultation, now=now)


@pytest.mark.parametrize("who", ["other official", "CSO admin"])
def test_only_the_owner_publishes(official, now, refused, who):
    c = make_consultation(official, published=False, opened_days_ago=0)
    actor = make_official() if who == "other official" else commenter()
    with refused(Denied):
        consult.publish_consultation(actor, c, now=now)


# ---- change_deadline -------------------------------------------------------------------------------

def test_a_deadline_change_is_kept_and_recorded_with_old_and_new(official, consultation, now, record_size):
    old = consultation.closes_at
    new = old + 10 * DAY
    before = record_size()
    change = consult.change_deadline(official, consultation, new, REASON, now=now)
    assert consultation.closes_at == new
    row = db.session.get(DeadlineChange, change.id)
    assert (row.consultation_id, row.old_closes_at, row.new_closes_at, row.reason, row.changed_by_id,
            row.changed_at) == (consultation.id, old, new, REASON, official.person.id, now)
    (event,) = events_since(before)
    assert event.event_type == "consultation.deadline_changed" and event.subject_id == consultation.id
    assert payload(event) == {"old_closes_at": record.rfc3339(old), "new_closes_at": record.rfc3339(new),
                              "reason": REASON.as_dict()}


def test_a_deadline_can_be_shortened_but_not_into_the_past(official, consultation, now, refused):
    for past in (now - timedelta(minutes=1), now):
        with refused(Invalid, "closes_at"):
            consult.change_deadline(official, consultation, past, REASON, now=now)
    consult.change_deadline(official, consultation, now + 3 * DAY, REASON, now=now)
    assert consultation.status_at(now + 3 * DAY) is Status.CLOSED


def test_a_deadline_change_needs_a_reason_and_a_new_date(official, consultation, now, refused):
    with refused(Invalid, "reason"):
        consult.change_deadline(official, consultation, consultation.closes_at + DAY, NONE, now=now)
    with refused(Invalid, "closes_at"):
        consult.change_deadline(official, consultation, consultation.closes_at, REASON, now=now)


def test_a_scheduled_deadline_cannot_move_before_the_opening(official, now, refused):
    c = make_consultation(official, opened_days_ago=None)
    with refused(Invalid, "closes_at"):
        consult.change_deadline(official, c, c.opens_at - timedelta(hours=1), REASON, now=now)


def test_extending_a_closed_consultation_reopens_it(official, now):
    c = closed_consultation(official)
    consult.change_deadline(official, c, now + 7 * DAY, REASON, now=now)
    assert c.status_at(now) is Status.OPEN


@pytest.mark.parametrize("state", ["draft", "concluded"])
def test_the_deadline_of_a_draft_or_concluded_consultation_does_not_move(official, now, refused, state):
    c = make_consultation(official, published=False) if state == "draft" else concluded_consultation(official, now)
    with refused(Denied):
        consult.change_deadline(official, c, now + 60 * DAY, REASON, now=now)


@pytest.mark.parametrize("who", ["other official", "CSO admin"])
def test_only_the_owner_moves_the_deadline(consultation, now, refused, who):
    actor = make_official() if who == "other official" else commenter()
    with refused(Denied):
        consult.change_deadline(actor, consultation, consultation.closes_at + DAY, REASON, now=now)


# ---- versions and sections -------------------------------------------------------------------------

def test_sections_get_keys_in_order(official, now):
    c = make_consultation(official, published=False, sections=0)
    v1 = consult.editable_version(c)
    made = [consult.save_section(official, c, v1, section_input(f"{i}번째 조문"), now=now) for i in range(3)]
    assert [(s.key, s.position) for s in sections_of(v1)] == [("s1", 1), ("s2", 2), ("s3", 3)]
    assert [s.id for s in sections_of(v1)] == [s.id for s in made]


def test_a_new_version_copies_the_sections_with_their_keys(official, consultation, now):
    v1 = versions_of(consultation)[0]
    v2 = consult.start_version(official, consultation, now=now)
    assert (v2.number, v2.published_at, v2.title) == (2, None, v1.title)
    old, new = sections_of(v1), sections_of(v2)
    assert [(s.key, s.position, s.number, s.heading, s.body) for s in new] == \
        [(s.key, s.position, s.number, s.heading, s.body) for s in old]
    assert not {s.id for s in new} & {s.id for s in old}
    assert consult.editable_version(consultation).id == v2.id


def test_a_key_once_published_is_never_used_again(official, consultation, now):
    v2 = consult.start_version(official, consultation, now=now)
    s3 = sections_of(v2)[2]
    assert s3.key == "s3"
    consult.delete_section(official, consultation, v2, s3, now=now)
    added = consult.save_section(official, consultation, v2, section_input(), now=now)
    assert added.key == "s4"  # not s3: s3 still names the deleted article in version 1
    assert consult.save_section(official, consultation, v2, section_input(), now=now).key == "s5"


def test_editing_a_section_keeps_its_key(official, consultation, now):
    v2 = consult.start_version(official, consultation, now=now)
    s2 = sections_of(v2)[1]
    consult.save_section(official, consultation, v2, section_input("고친 조문"), section=s2, now=now)
    db.session.expire_all()
    edited = db.session.get(Section, s2.id)
    assert (edited.key, edited.position, edited.body.ko) == ("s2", 2, "고친 조문")
    assert sections_of(versions_of(consultation)[0])[1].body.ko != "고친 조문"


def test_sections_move_within_the_unpublished_version(official, consultation, now, refused):
    v2 = consult.start_version(official, consultation, now=now)
    s1, s2, s3 = sections_of(v2)
    consult.move_section(official, consultation, v2, s1, 1, now=now)
    assert [s.key for s in sections_of(v2)] == ["s2", "s1", "s3"]
    consult.move_section(official, consultation, v2, s3, -1, now=now)
    assert [s.key for s in sections_of(v2)] == ["s2", "s3", "s1"]
    consult.move_section(official, consultation, v2, s2, -1, now=now)  # already first: stays
    assert [s.key for s in sections_of(v2)] == ["s2", "s3", "s1"]
    with refused(Invalid, "section"):
        consult.move_section(official, consultation, v2, s2, 2, now=now)


def test_a_published_version_is_immutable(official, consultation, now, refused):
    v1 = versions_of(consultation)[0]
    s1 = sections_of(v1)[0]
    with refused(Invalid, "version"):
        consult.save_section(official, consultation, v1, section_input(), now=now)
    with refused(Invalid, "version"):
        consult.save_section(official, consultation, v1, section_input("바꿈"), section=s1, now=now)
    with refused(Invalid, "version"):
        consult.move_section(official, consultation, v1, s1, 1, now=now)
    with refused(Invalid, "version"):
        consult.delete_section(official, consultation, v1, s1, now=now)
    with refused(Invalid, "version"):
        consult.update_version(official, consultation, v1, title=Bilingual("바꿈", None), summary=NONE,
                               change_note=NONE, now=now)
    with refused(Invalid, "version"):
        consult.add_attachment(official, consultation, v1, "a.pdf", tiny_pdf(), now=now)
    with refused(Invalid, "version"):
        consult.publish_version(official, consultation, v1, now=now)


def test_a_section_of_another_version_cannot_be_changed_through_this_one(official, consultation, now, refused):
    s1_of_v1 = sections_of(versions_of(consultation)[0])[0]
    v2 = consult.start_version(official, consultation, now=now)
    with refused(Invalid, "section"):
        consult.save_section(official, consultation, v2, section_input("바꿈"), section=s1_of_v1, now=now)
    with refused(Invalid, "section"):
        consult.delete_section(official, consultation, v2, s1_of_v1, now=now)
    with refused(Invalid, "section"):
        consult.move_section(official, consultation, v2, s1_of_v1, 1, now=now)


def test_a_version_of_another_consultation_is_refused(official, consultation, now, refused):
    other = make_consultation(official, published=False)
    with refused(Denied):
        consult.save_section(official, consultation, consult.editable_version(other), section_input(), now=now)


def test_a_section_needs_a_body_and_a_version_a_title(official, now, refused):
    c = make_consultation(official, published=False)
    v1 = consult.editable_version(c)
    with refused(Invalid, "body"):
        consult.save_section(official, c, v1, section_input(body_ko="", body_en=None), now=now)
    with refused(Invalid, "title"):
        consult.update_version(official, c, v1, title=NONE, summary=NONE, change_note=NONE, now=now)


@pytest.mark.parametrize("who", ["other official", "CSO admin"])
def test_only_the_owner_edits_sections(official, now, refused, who):
    c = make_consultation(official, published=False)
    actor = make_official() if who == "other official" else commenter()
    with refused(Denied):
        consult.save_section(actor, c, consult.editable_version(c), section_input(), now=now)


def test_one_new_version_at_a_time_and_only_after_publication(official, consultation, now, refused):
    draft, concluded = make_consultation(official, published=False), concluded_consultation(official, now)
    consult.start_version(official, consultation, now=now)
    with refused(Invalid, "version"):
        consult.start_version(official, consultation, now=now)
    with refused(Denied):
        consult.start_version(official, draft, now=now)
    with refused(Denied):
        consult.start_version(official, concluded, now=now)


def test_a_later_version_is_published_with_a_change_note_and_its_hash(official, consultation, now, refused,
                                                                      record_size):
    v2 = second_version(official, consultation, now, publish=False)
    with refused(Invalid, "change_note"):
        consult.publish_version(official, consultation, v2, now=now)
    consult.update_version(official, consultation, v2, title=v2.title, summary=v2.summary,
                           change_note=Bilingual("제2조 수정", "Article 2 amended"), now=now)
    before = record_size()
    consult.publish_version(official, consultation, v2, now=now)
    (event,) = events_since(before)
    assert event.event_type == "version.published" and event.subject_id == v2.id
    assert payload(event) == {"number": 2, "content_sha256": consult.content_hash(v2),
                              "consultation": consultation.id}
    assert v2.content_sha256 == consult.content_hash(v2) != versions_of(consultation)[0].content_sha256
    assert consult.latest_published(consultation).id == v2.id
    assert consult.editable_version(consultation) is None


# ---- attachments -----------------------------------------------------------------------------------

def test_a_pdf_is_stored_under_its_hash_and_counted_in_the_version_hash(app, official, now):
    c = make_consultation(official, published=False, opened_days_ago=0)
    v1 = consult.editable_version(c)
    data = tiny_pdf()
    attachment = consult.add_attachment(official, c, v1, "지침(안) 전문.pdf", data, now=now)
    digest = hashlib.sha256(data).hexdigest()
    row = db.session.get(Attachment, attachment.id)
    assert (row.version_id, row.filename, row.size, row.sha256, row.uploaded_by_id) == (
        v1.id, "지침(안) 전문.pdf", len(data), digest, official.person.id)
    stored = Path(app.instance_path) / "uploads" / f"{digest}.pdf"
    assert stored == uploads.path_for(digest) and stored.read_bytes() == data
    consult.publish_consultation(official, c, now=now)
    assert consult.content_of(v1)["attachments"] == [{"filename": "지침(안) 전문.pdf", "sha256": digest,
                                                      "size": len(data)}]


def test_an_attachment_name_is_made_safe(official, now):
    c = make_consultation(official, published=False)
    v1 = consult.editable_version(c)
    a = consult.add_attachment(official, c, v1, "../../etc/passwd", tiny_pdf(), now=now)
    assert "/" not in a.filename and a.filename.endswith(".pdf")
    consult.remove_attachment(official, c, v1, a, now=now)
    assert count(Attachment) == 0


@pytest.mark.parametrize(("filename", "data"), [
    ("scan.pdf", tiny_png()),
    ("notes.pdf", "이것은 PDF가 아닙니다. This is not a PDF.\n".encode()),
    ("truncated.pdf", tiny_pdf()[:-6]),           # no %%EOF: cut off in transit
    ("empty.pdf", b""),
])
def test_a_file_that_is_not_a_pdf_is_refused(app, official, now, refused, filename, data):
    c = make_consultation(official, published=False)
    files = upload_files(app)
    with refused(Invalid, "file"):
        consult.add_attachment(official, c, consult.editable_version(c), filename, data, now=now)
    assert upload_files(app) == files


def test_a_pdf_over_10_mb_is_refused_and_one_of_exactly_10_mb_accepted(app, official, now, refused):
    c = make_consultation(official, published=False)
    v1 = consult.editable_version(c)
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    limit = uploads.MAX_PDF_BYTES
    assert limit == 10 * 1024 * 1024
    files = upload_files(app)
    with refused(Invalid, "file"):
        consult.add_attachment(official, c, v1, "big.pdf", head + b"0" * (limit + 1 - len(head) - len(tail)) + tail,
                               now=now)
    assert upload_files(app) == files
    exactly = head + b"1" * (limit - len(head) - len(tail)) + tail
    assert consult.add_attachment(official, c, v1, "big.pdf", exactly, now=now).size == limit


def test_only_the_owner_attaches(official, now, refused):
    c, cso = make_consultation(official, published=False), commenter()
    with refused(Denied):
        consult.add_attachment(cso, c, consult.editable_version(c), "a.pdf", tiny_pdf(), now=now)


# ---- comments: submitting --------------------------------------------------------------------------

def test_a_comment_is_saved_with_its_first_revision_and_recorded(consultation, cso, now, record_size):
    v1 = versions_of(consultation)[0]
    s2 = sections_of(v1)[1]
    before = record_size()
    body = "제2조의 평가 시점을 **명확히** 해 주십시오."
    comment = consult.submit_comment(cso, consultation, comment_input(body, section_id=s2.id,
                                                                      translation="Please clarify."), now=now)
    row = db.session.get(Comment, comment.id)
    assert (row.consultation_id, row.version_id, row.section_id, row.author_org_id, row.author_id) == (
        consultation.id, v1.id, s2.id, cso.org.id, cso.person.id)
    assert (row.status, row.submitted_at, row.revision_count, row.lang) == (CommentStatus.PUBLISHED, now, 1, "ko")
    assert row.body_source == body and "<strong>명확히</strong>" in row.body_html
    assert row.translation_source == "Please clarify." and "Please clarify." in row.translation_html
    (revision,) = db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id))
    assert (revision.number, revision.body_source, revision.written_at) == (1, body, now)
    assert count(CommentBand) == 16
    (event,) = events_since(before)
    assert (event.event_type, event.subject_type, event.subject_id) == ("comment.submitted", "comment", comment.id)
    assert payload(event) == {"consultation": consultation.id, "version": 1, "section": s2.id, "lang": "ko",
                              "body_sha256": hashlib.sha256(body.encode()).hexdigest(), "individual": False}


def test_a_comment_on_the_whole_draft_has_no_section(consultation, cso, now):
    comment = consult.submit_comment(cso, consultation, comment_input("전반적으로 찬성합니다.", lang="ko"), now=now)
    assert comment.section_id is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_admins_and_editors_of_a_verified_organisation_comment(consultation, now, role):
    actor = commenter(role=role)
    comment = consult.submit_comment(actor, consultation, comment_input(), now=now)
    assert (comment.author_org_id, comment.author_id) == (actor.org.id, actor.person.id)


def test_another_government_body_may_comment(consultation, now):
    other = make_official()
    assert consult.submit_comment(other, consultation, comment_input(), now=now).author_org_id == other.org.id


@pytest.mark.parametrize("state", ["draft", "scheduled", "closed", "concluded"])
def test_no_comment_outside_the_comment_period_and_nothing_is_saved(official, cso, now, refused, record_size,
                                                                    state):
    c = {"draft": lambda: make_consultation(official, published=False),
         "scheduled": lambda: make_consultation(official, opened_days_ago=None),
         "closed": lambda: closed_consultation(official),
         "concluded": lambda: concluded_consultation(official, now)}[state]()
    comments, size = count(Comment), record_size()
    with refused(Denied):
        consult.submit_comment(cso, c, comment_input(), now=now)
    assert count(Comment) == comments and count(CommentRevision) == 0 and record_size() == size


def test_a_form_opened_before_the_deadline_cannot_post_after_it(consultation, cso, refused, record_size):
    size = record_size()
    with refused(Denied):
        consult.submit_comment(cso, consultation, comment_input(), now=consultation.closes_at)
    with refused(Denied):
        consult.submit_comment(cso, consultation, comment_input(), now=consultation.opens_at - timedelta(seconds=1))
    assert count(Comment) == 0 and record_size() == size
    assert consult.submit_comment(cso, consultation, comment_input(),
                                  now=consultation.closes_at - timedelta(seconds=1)).id


def test_a_forged_section_is_refused(official, consultation, cso, now, refused, record_size):
    other = make_consultation(official)
    v1_section = sections_of(versions_of(consultation)[0])[0]
    forged = [10**6, sections_of(versions_of(other)[0])[0].id]
    v2 = second_version(official, consultation, now, publish=False)
    forged.append(sections_of(v2)[0].id)  # the version being prepared is not public yet
    size = record_size()
    for section_id in forged:
        with refused(Invalid, "section_id"):
            consult.submit_comment(cso, consultation, comment_input(section_id=section_id), now=now)
    consult.update_version(official, consultation, v2, title=v2.title, summary=v2.summary,
                           change_note=Bilingual("수정", "Amended"), now=now)
    consult.publish_version(official, consultation, v2, now=now)
    size = record_size()
    with refused(Invalid, "section_id"):  # once version 2 is out, comments are on version 2
        consult.submit_comment(cso, consultation, comment_input(section_id=v1_section.id), now=now)
    assert count(Comment) == 0 and record_size() == size
    comment = consult.submit_comment(cso, consultation, comment_input(section_id=sections_of(v2)[0].id), now=now)
    assert comment.version_id == v2.id


def test_a_comment_has_at_most_10000_characters(consultation, cso, now, refused):
    assert consult.MAX_COMMENT == 10_000
    with refused(Invalid, "body"):
        consult.submit_comment(cso, consultation, comment_input("가" * 10_001), now=now)
    with refused(Invalid, "body"):
        consult.submit_comment(cso, consultation, comment_input("짧은 의견", translation="a" * 10_001), now=now)
    assert len(consult.submit_comment(cso, consultation, comment_input("가" * 10_000), now=now).body_source) == 10_000


@pytest.mark.parametrize(("body", "lang", "field"), [
    ("", "ko", "body"), ("   \n\t ", "ko", "body"), ("\u200b\u200b", "ko", "body"), ("의견", "fr", "lang"),
])
def test_an_empty_comment_or_unknown_language_is_refused(consultation, cso, now, refused, body, lang, field):
    with refused(Invalid, field):
        consult.submit_comment(cso, consultation, consult.CommentInput(body=body, lang=lang), now=now)


def test_scripts_event_handlers_and_javascript_links_are_neutralised(consultation, cso, now):
    body = ('<script>alert(1)</script> <img src=x onerror=alert(1)> '
            '<a href="javascript:alert(1)" onclick="steal()">click</a>\n\n'
            '[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](java&#x09;script:alert(3)) '
            '[safe](https://example.org/ai)')
    comment = consult.submit_comment(cso, consultation, comment_input(body, lang="en", translation=body), now=now)
    assert comment.body_source == body  # the original is kept
    for html in (comment.body_html, comment.translation_html):
        tags = tags_in(html)
        assert {t for t, _ in tags} <= {"p", "a"}
        assert not any(name.startswith("on") for _, attrs in tags for name in attrs)
        assert [attrs["href"] for t, attrs in tags if t == "a"] == ["https://example.org/ai"]
        assert "<script" not in html and "<img" not in html


# ---- comments: who may ---------------------------------------------------------------------------

def test_the_owner_cannot_comment_on_its_own_consultation(official, consultation, now, refused):
    for actor in (official, make_official(official.org, Role.EDITOR)):
        with refused(Denied):
            consult.submit_comment(actor, consultation, comment_input(), now=now)


def test_a_pending_organisation_cannot_comment(consultation, now, refused):
    admin = make_person()
    actor = Actor(admin, make_org(verified=False, admin=admin), Role.ADMIN)
    with refused(Denied):
        consult.submit_comment(actor, consultation, comment_input(), now=now)


def test_individuals_comment_only_where_allowed_and_with_a_verified_email(official, now, refused, record_size):
    allowing = make_consultation(official, allows_individuals=True)
    person = Actor(make_person())
    before = record_size()
    comment = consult.submit_comment(person, allowing, comment_input(), now=now)
    assert (comment.author_org_id, comment.author_id) == (None, person.person.id)
    (event,) = events_since(before)
    assert payload(event)["individual"] is True and event.actor_org_id is None
    unverified = Actor(make_person(verified=False))
    with refused(Denied):
        consult.submit_comment(unverified, allowing, comment_input(), now=now)
    not_allowing = make_consultation(official)
    with refused(Denied):
        consult.submit_comment(person, not_allowing, comment_input(), now=now)


@pytest.fixture
def invited(official):  # type: ignore[no-untyped-def]
    return make_consultation(official, mode=Mode.INVITED)


def test_an_invited_consultation_hears_only_invited_organisations(official, invited, now, refused):
    outsider = commenter()
    with refused(Denied):
        consult.submit_comment(outsider, invited, comment_input(), now=now)

    sent, accepted, declined = commenter(), commenter(), commenter()
    for actor in (sent, accepted, declined):
        consult.invite_organization(official, invited, actor.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    answers = {i.organization_id: i for i in db.session.scalars(select(Invitation))}
    consult.answer_invitation(accepted, answers[accepted.org.id], True, NONE, now=now)
    consult.answer_invitation(declined, answers[declined.org.id], False, Bilingual("일정 문제", None), now=now)

    assert consult.submit_comment(sent, invited, comment_input(), now=now).author_org_id == sent.org.id
    assert consult.submit_comment(accepted, invited, comment_input(), now=now).author_org_id == accepted.org.id
    with refused(Denied):
        consult.submit_comment(declined, invited, comment_input(), now=now)


def test_a_granted_request_lets_an_organisation_comment(official, invited, now, refused):
    granted, pending, denied = commenter(), commenter(), commenter()
    requests = {a.org.id: consult.request_participation(a, invited, Bilingual("현장 경험이 있습니다.", None), now=now)
                for a in (granted, pending, denied)}
    consult.decide_participation(official, requests[granted.org.id], True, REASON, now=now)
    consult.decide_participation(official, requests[denied.org.id], False, REASON, now=now)
    assert consult.submit_comment(granted, invited, comment_input(), now=now).author_org_id == granted.org.id
    for actor in (pending, denied):
        with refused(Denied):
            consult.submit_comment(actor, invited, comment_input(), now=now)


# ---- revise, withdraw, hide ------------------------------------------------------------------------

def test_a_revision_keeps_every_earlier_text(consultation, cso, now, record_size):
    comment = make_comment(consultation, cso, body="첫 번째 의견", now=now)
    before = record_size()
    consult.revise_comment(cso, comment, comment_input("두 번째 의견"), now=now + timedelta(hours=1))
    consult.revise_comment(cso, comment, comment_input("Third text", lang="en"), now=now + timedelta(hours=2))
    db.session.expire_all()
    row = db.session.get(Comment, comment.id)
    assert (row.body_source, row.lang, row.revision_count, row.revised_at, row.submitted_at) == (
        "Third text", "en", 3, now + timedelta(hours=2), now)
    revisions = db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)
                                   .order_by(CommentRevision.number)).all()
    assert [(r.number, r.body_source, r.lang) for r in revisions] == [
        (1, "첫 번째 의견", "ko"), (2, "두 번째 의견", "ko"), (3, "Third text", "en")]
    revised = events_since(before)
    assert [e.event_type for e in revised] == ["comment.revised", "comment.revised"]
    assert [payload(e)["revision"] for e in revised] == [2, 3]
    assert payload(revised[1])["body_sha256"] == hashlib.sha256(b"Third text").hexdigest()


def test_another_member_of_the_organisation_may_revise_its_comment(consultation, cso, now):
    comment = make_comment(consultation, cso, now=now)
    editor = make_person()
    from consult.orgs import actions as org_actions
    org_actions.add_member_directly(cso.org, editor, Role.EDITOR, NONE, now=now)
    consult.revise_comment(Actor(editor, cso.org, Role.EDITOR), comment, comment_input("수정한 의견"), now=now)
    assert comment.body_source == "수정한 의견"


def test_a_comment_cannot_be_revised_after_the_deadline(consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    with refused(Denied):
        consult.revise_comment(cso, comment, comment_input("늦은 수정"), now=consultation.closes_at)


def test_only_its_author_revises_a_comment(official, consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    for actor in (commenter(), official, Actor(cso.person), Actor(platform_admin())):
        with refused(Denied):
            consult.revise_comment(actor, comment, comment_input("남의 의견 수정"), now=now)
    individuals = make_consultation(official, allows_individuals=True)
    author = Actor(make_person())
    own, someone = make_comment(individuals, author, now=now), Actor(make_person())
    with refused(Denied):
        consult.revise_comment(someone, own, comment_input("남의 의견 수정"), now=now)
    consult.revise_comment(author, own, comment_input("내 의견 수정"), now=now)


def test_a_revision_is_checked_like_a_comment(consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    with refused(Invalid, "body"):
        consult.revise_comment(cso, comment, comment_input("가" * 10_001), now=now)
    with refused(Invalid, "body"):
        consult.revise_comment(cso, comment, comment_input("  "), now=now)


def test_a_withdrawn_comment_leaves_a_tombstone(consultation, cso, now, record_size, refused):
    comment = make_comment(consultation, cso, now=now)
    before = record_size()
    reason = Bilingual("중복 제출", "Submitted twice")
    consult.withdraw_comment(cso, comment, reason, now=now)
    db.session.expire_all()
    row = db.session.get(Comment, comment.id)
    assert (row.status, row.withdrawn_at, row.withdrawal_reason) == (CommentStatus.WITHDRAWN, now, reason)
    assert count(Comment) == 1 and count(CommentRevision) == 1
    (event,) = events_since(before)
    assert (event.event_type, event.subject_id) == ("comment.withdrawn", comment.id)
    assert payload(event) == {"reason": reason.as_dict(), "consultation": consultation.id}
    with refused(Denied):
        consult.revise_comment(cso, row, comment_input("되살리기"), now=now)
    with refused(Denied):
        consult.withdraw_comment(cso, row, reason, now=now)


def test_only_the_author_withdraws_and_only_before_the_deadline(consultation, cso, now, refused):
    comment, stranger = make_comment(consultation, cso, now=now), commenter()
    with refused(Denied):
        consult.withdraw_comment(stranger, comment, NONE, now=now)
    with refused(Denied):
        consult.withdraw_comment(cso, comment, NONE, now=consultation.closes_at)


def test_a_platform_admin_hides_a_comment_with_a_public_reason(consultation, cso, now, record_size):
    comment = make_comment(consultation, cso, now=now)
    moderator = Actor(platform_admin())
    reason = Bilingual("개인정보 노출", "Exposes personal data")
    before = record_size()
    consult.hide_comment(moderator, comment, reason, now=now)
    db.session.expire_all()
    row = db.session.get(Comment, comment.id)
    assert (row.status, row.hidden_at, row.hidden_by_id, row.hidden_reason) == (
        CommentStatus.HIDDEN, now, moderator.person.id, reason)
    (event,) = events_since(before)
    assert (event.event_type, event.subject_id) == ("comment.hidden", comment.id)
    assert payload(event) == {"reason": reason.as_dict(), "consultation": consultation.id}


def test_only_platform_admins_hide_and_always_with_a_reason(official, consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    reason = Bilingual("욕설", "Abuse")
    for actor in (official, cso, commenter(), Actor(make_person())):
        with refused(Denied):
            consult.hide_comment(actor, comment, reason, now=now)
    moderator = Actor(platform_admin())
    with refused(Invalid, "reason"):
        consult.hide_comment(moderator, comment, NONE, now=now)
    consult.withdraw_comment(cso, comment, NONE, now=now)
    with refused(Invalid, "reason"):
        consult.hide_comment(moderator, comment, reason, now=now)


# ---- campaigns -----------------------------------------------------------------------------------

def test_identical_letters_are_grouped_whatever_their_spacing_punctuation_and_case(consultation, now):
    first = make_comment(consultation, commenter(), body=LETTER, lang="en", now=now)
    copies = [make_comment(consultation, commenter(), body=text, lang="en", now=now) for text in (
        LETTER.upper(), LETTER.replace(" ", "   ").replace(",", ""), "  " + LETTER.replace(".", "!!!") + "\n")]
    db.session.expire_all()
    assert {db.session.get(Comment, c.id).campaign_id for c in [first, *copies]} == {first.id}


def test_identical_korean_letters_are_grouped(consultation, now):
    a = make_comment(consultation, commenter(), body="제2조의 평가 시점을 명확히 해 주십시오.", now=now)
    b = make_comment(consultation, commenter(), body="제2조의 평가시점을 명확히 해주십시오!", now=now)
    db.session.expire_all()
    assert db.session.get(Comment, a.id).campaign_id == db.session.get(Comment, b.id).campaign_id == a.id


def test_a_letter_with_small_edits_joins_the_group(consultation, now):
    a = make_comment(consultation, commenter(), body=LETTER, lang="en", now=now)
    b = make_comment(consultation, commenter(), body=LETTER.replace("We urge", "Our members ask"), lang="en",
                     now=now)
    c = make_comment(consultation, commenter(), body=LETTER + " Thank you.", lang="en", now=now)
    db.session.expire_all()
    assert {db.session.get(Comment, x.id).campaign_id for x in (a, b, c)} == {a.id}


def test_unrelated_comments_are_not_grouped(official, consultation, now):
    a = make_comment(consultation, commenter(), body=LETTER, lang="en", now=now)
    b = make_comment(consultation, commenter(), body=UNRELATED, lang="en", now=now)
    elsewhere = make_comment(make_consultation(official), commenter(), body=LETTER, lang="en", now=now)
    db.session.expire_all()
    assert [db.session.get(Comment, x.id).campaign_id for x in (a, b, elsewhere)] == [None, None, None]


def test_revising_a_comment_moves_it_out_of_or_into_a_group(consultation, now):
    authors = [commenter() for _ in range(3)]
    a, b, c = (make_comment(consultation, actor, body=LETTER, lang="en", now=now) for actor in authors)
    loner = make_comment(consultation, commenter(), body=UNRELATED, lang="en", now=now)
    consult.revise_comment(authors[2], c, comment_input("Article 3 should name the supervising authority.",
                                                        lang="en"), now=now)
    db.session.expire_all()
    assert [db.session.get(Comment, x.id).campaign_id for x in (a, b, c, loner)] == [a.id, a.id, None, None]
    consult.revise_comment(authors[2], c, comment_input(LETTER.lower(), lang="en"), now=now)
    db.session.expire_all()
    assert db.session.get(Comment, c.id).campaign_id == a.id
    # its bands are replaced, not added to
    assert count(CommentBand) == 4 * 16


# ---- dispositions ----------------------------------------------------------------------------------

def test_a_disposition_is_recorded_then_changed_never_duplicated(official, consultation, cso, now, record_size):
    comment = make_comment(consultation, cso, now=now)
    before = record_size()
    first = consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.NOTED, Bilingual("검토하겠습니다.", "We will consider it.")), now=now)
    later = now + DAY
    second = consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.ACCEPTED, Bilingual("반영하였습니다.", "Adopted.")), now=later)
    assert second.id == first.id and count(Disposition) == 1
    db.session.expire_all()
    row = db.session.get(Disposition, first.id)
    assert (row.comment_id, row.consultation_id, row.outcome, row.reason.ko, row.decided_at, row.changed_at,
            row.decided_by_id) == (comment.id, consultation.id, Outcome.ACCEPTED, "반영하였습니다.", now, later,
                                   official.person.id)
    recorded, changed = events_since(before)
    assert (recorded.event_type, changed.event_type) == ("disposition.recorded", "disposition.changed")
    assert recorded.subject_id == changed.subject_id == first.id
    assert payload(changed) == {"comment": comment.id, "outcome": "accepted",
                                "reason": {"ko": "반영하였습니다.", "en": "Adopted."}, "changed_sections": [],
                                "consultation": consultation.id}


def test_the_database_allows_one_disposition_per_comment(official, consultation, cso, now):
    comment = make_comment(consultation, cso, now=now)
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.NOTED, REASON), now=now)
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Disposition).values(
            comment_id=comment.id, consultation_id=consultation.id, outcome="accepted", reason_ko="둘째",
            decided_at=now))
    db.session.rollback()
    assert count(Disposition) == 1


def test_an_editor_of_the_owner_records_dispositions(official, consultation, cso, now):
    comment = make_comment(consultation, cso, now=now)
    editor = make_official(official.org, Role.EDITOR)
    d = consult.record_disposition(editor, comment, consult.DispositionInput(Outcome.NOTED, REASON), now=now)
    assert d.decided_by_id == editor.person.id


def test_only_the_owner_records_dispositions_until_conclusion(official, consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    data = consult.DispositionInput(Outcome.ACCEPTED, REASON)
    for actor in (make_official(), cso, Actor(platform_admin())):
        with refused(Denied):
            consult.record_disposition(actor, comment, data, now=now)
    after = consultation.closes_at + DAY
    consult.conclude(official, consultation, title=Bilingual("결과", "Result"), body=Bilingual("본문", "Body"),
                     undisposed_reason=REASON, now=after)
    with refused(Denied):
        consult.record_disposition(official, comment, data, now=after)


def test_a_disposition_needs_a_reason_and_a_published_comment(official, consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    with refused(Invalid, "reason"):
        consult.record_disposition(official, comment, consult.DispositionInput(Outcome.NOTED, NONE), now=now)
    author = commenter()
    withdrawn = make_comment(consultation, author, now=now)
    consult.withdraw_comment(author, withdrawn, NONE, now=now)
    hidden = make_comment(consultation, commenter(), now=now)
    consult.hide_comment(Actor(platform_admin()), hidden, Bilingual("욕설", "Abuse"), now=now)
    for gone in (withdrawn, hidden):
        with refused(Invalid, "outcome"):
            consult.record_disposition(official, gone, consult.DispositionInput(Outcome.NOTED, REASON), now=now)


def test_changed_sections_must_be_of_a_later_published_version_of_the_same_consultation(
        official, consultation, cso, now, refused):
    comment = make_comment(consultation, cso, now=now)
    v1_section = sections_of(versions_of(consultation)[0])[1]
    other = make_consultation(official)
    second_version(official, other, now)
    elsewhere = sections_of(versions_of(other)[1])[1]
    v2 = second_version(official, consultation, now, publish=False)
    unpublished = sections_of(v2)[1]
    for ids in [(v1_section.id,), (unpublished.id,), (elsewhere.id,), (10**6,)]:
        with refused(Invalid, "changed_sections"):
            consult.record_disposition(official, comment, consult.DispositionInput(Outcome.ACCEPTED, REASON, ids),
                                       now=now)
    consult.update_version(official, consultation, v2, title=v2.title, summary=v2.summary,
                           change_note=Bilingual("제2조 수정", "Article 2 amended"), now=now)
    consult.publish_version(official, consultation, v2, now=now)
    v2_sections = sections_of(v2)
    with refused(Invalid, "changed_sections"):  # one bad id spoils the lot
        consult.record_disposition(official, comment, consult.DispositionInput(
            Outcome.ACCEPTED, REASON, (v2_sections[1].id, v1_section.id)), now=now)
    d = consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.ACCEPTED, REASON, (v2_sections[1].id, v2_sections[1].id)), now=now)
    assert db.session.scalars(select(DispositionSection.section_id)).all() == [v2_sections[1].id]
    consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.PARTIALLY_ACCEPTED, REASON, (v2_sections[0].id, v2_sections[2].id)), now=now)
    assert sorted(db.session.scalars(select(DispositionSection.section_id).where(
        DispositionSection.disposition_id == d.id))) == sorted([v2_sections[0].id, v2_sections[2].id])
    (last,) = events_since(count(Event) - 1)
    assert payload(last)["changed_sections"] == sorted([v2_sections[0].id, v2_sections[2].id])


def test_one_disposition_answers_a_whole_campaign(official, consultation, now, refused, record_size):
    authors = [commenter() for _ in range(4)]
    members = [make_comment(consultation, a, body=LETTER if i != 2 else LETTER.upper(), lang="en", now=now)
               for i, a in enumerate(authors)]
    loner = make_comment(consultation, commenter(), body=UNRELATED, lang="en", now=now)
    consult.withdraw_comment(authors[3], members[3], NONE, now=now)
    campaign = members[0].id
    data = consult.DispositionInput(Outcome.NOT_ACCEPTED, Bilingual("현행 법령으로 충분합니다.", "Current law suffices."))
    stranger = make_official()
    with refused(Denied):
        consult.record_campaign_disposition(stranger, consultation, campaign, data, now=now)
    with refused(Invalid, "campaign"):
        consult.record_campaign_disposition(official, consultation, loner.id, data, now=now)
    before = record_size()
    answered = consult.record_campaign_disposition(official, consultation, campaign, data, now=now)
    assert sorted(d.comment_id for d in answered) == sorted(m.id for m in members[:3])
    assert count(Disposition) == 3
    assert db.session.scalar(select(Disposition).where(Disposition.comment_id == loner.id)) is None
    assert [e.event_type for e in events_since(before)] == ["disposition.recorded"] * 3


def test_a_campaign_of_another_consultation_is_not_answered_here(official, consultation, now, refused):
    other = make_consultation(official)
    a = make_comment(other, commenter(), body=LETTER, lang="en", now=now)
    make_comment(other, commenter(), body=LETTER, lang="en", now=now)
    with refused(Invalid, "campaign"):
        consult.record_campaign_disposition(official, consultation, a.id, consult.DispositionInput(
            Outcome.NOTED, REASON), now=now)


# ---- conclude --------------------------------------------------------------------------------------

TITLE = Bilingual("인공지능 공공이용 지침(안) 의견수렴 결과보고서", "Result report")
BODY = Bilingual("총 2건의 의견을 검토하였습니다. <script>x</script> **요약**", "We considered two comments.")


@pytest.fixture
def closed_with_comments(official, consultation, now):  # type: ignore[no-untyped-def]
    """The open consultation with two comments, then its deadline passed: (consultation, comments, after)."""
    comments = [make_comment(consultation, commenter(), body=text, now=now)
                for text in ("제1조의 목적에 인권 보호를 넣어 주십시오.", "제3조의 공개 범위를 넓혀 주십시오.")]
    return consultation, comments, consultation.closes_at + DAY


def test_concluding_needs_every_comment_answered_or_a_public_reason(official, closed_with_comments, refused,
                                                                     record_size):
    c, comments, after = closed_with_comments
    consult.record_disposition(official, comments[0], consult.DispositionInput(Outcome.ACCEPTED, REASON), now=after)
    with refused(Invalid, "undisposed_reason"):
        consult.conclude(official, c, title=TITLE, body=BODY, undisposed_reason=NONE, now=after)
    before = record_size()
    why = Bilingual("제출자 연락 두절로 확인 중", "Still checking with the author")
    report = consult.conclude(official, c, title=TITLE, body=BODY, undisposed_reason=why, now=after)
    assert c.status_at(after) is Status.CONCLUDED and c.concluded_at == after
    row = db.session.get(ResultReport, c.id)
    assert (row.published_at, row.published_by_id, row.title, row.undisposed_reason) == (
        after, official.person.id, TITLE, why)
    assert "<strong>요약</strong>" in row.body_html.ko and "<script" not in row.body_html.ko
    (event,) = events_since(before)
    assert (event.event_type, event.subject_id) == ("consultation.concluded", c.id)
    assert payload(event) == {
        "report_sha256": record.sha256_hex(record.canonical({"title": TITLE.as_dict(), "body": BODY.as_dict()})),
        "undisposed": 1, "undisposed_reason": why.as_dict()}
    assert report.consultation_id == c.id


def test_a_fully_answered_consultation_concludes_without_a_reason(official, closed_with_comments):
    c, comments, after = closed_with_comments
    consult.record_disposition(official, comments[0], consult.DispositionInput(Outcome.NOTED, REASON), now=after)
    cso = Actor(db.session.get(type(official.person), comments[1].author_id),
                db.session.get(type(official.org), comments[1].author_org_id), Role.ADMIN)
    consult.withdraw_comment(cso, comments[1], NONE, now=after - 2 * DAY)  # a withdrawn comment needs none
    consult.conclude(official, c, title=TITLE, body=BODY, undisposed_reason=REASON, now=after)
    assert db.session.get(ResultReport, c.id).undisposed_reason == NONE


@pytest.mark.parametrize("when", ["open", "draft", "concluded"])
def test_only_a_closed_consultation_concludes(official, now, refused, when):
    if when == "open":
        c, at = make_consultation(official), now
    elif when == "draft":
        c, at = make_consultation(official, published=False), now
    else:
        c, at = concluded_consultation(official, now), now + DAY
    with refused(Denied):
        consult.conclude(official, c, title=TITLE, body=BODY, undisposed_reason=REASON, now=at)


def test_only_the_owner_concludes_with_a_title_and_a_report(official, now, refused):
    c, stranger = closed_consultation(official), make_official()
    with refused(Denied):
        consult.conclude(stranger, c, title=TITLE, body=BODY, undisposed_reason=NONE, now=now)
    with refused(Invalid, "title"):
        consult.conclude(official, c, title=NONE, body=BODY, undisposed_reason=NONE, now=now)
    with refused(Invalid, "body"):
        consult.conclude(official, c, title=TITLE, body=NONE, undisposed_reason=NONE, now=now)


def test_after_conclusion_nothing_moves(official, closed_with_comments, refused):
    c, comments, after = closed_with_comments
    consult.conclude(official, c, title=TITLE, body=BODY, undisposed_reason=REASON, now=after)
    cso = commenter()
    with refused(Denied):
        consult.change_deadline(official, c, after + 30 * DAY, REASON, now=after)
    with refused(Denied):
        consult.start_version(official, c, now=after)
    with refused(Denied):
        consult.invite_organization(official, c, cso.org, Purpose.HEARING, NONE, now=after)


# ---- invitations and participation requests --------------------------------------------------------

def test_an_invitation_is_sent_and_answered_in_public(official, invited, now, refused, record_size):
    cso, stranger = commenter(), commenter()
    before = record_size()
    invitation = consult.invite_organization(official, invited, cso.org, Purpose.EXPERT_MEETING,
                                             Bilingual("전문가 간담회에 모십니다.", None), now=now)
    assert (invitation.state, invitation.invited_by_id, invitation.purpose) == (
        InvitationState.SENT, official.person.id, Purpose.EXPERT_MEETING)
    with refused(Invalid, "organization"):
        consult.invite_organization(official, invited, cso.org, Purpose.EXPERT_MEETING, NONE, now=now)
    with refused(Denied):
        consult.answer_invitation(stranger, invitation, True, NONE, now=now)
    consult.answer_invitation(cso, invitation, True, NONE, now=now + DAY)
    assert (invitation.state, invitation.answered_at) == (InvitationState.ACCEPTED, now + DAY)
    with refused(Invalid, "answer"):
        consult.answer_invitation(cso, invitation, False, NONE, now=now + DAY)
    sent, answered = events_since(before)
    assert payload(sent) == {"organization": cso.org.id, "purpose": "expert_meeting", "consultation": invited.id}
    assert (answered.event_type, payload(answered)["state"]) == ("invitation.answered", "accepted")
    # the same organisation may be invited again for another purpose (a hearing after written input)
    hearing = consult.invite_organization(official, invited, cso.org, Purpose.HEARING, NONE, now=now + DAY)
    assert hearing.state is InvitationState.SENT and count(Invitation) == 2


def test_only_the_owner_invites_and_only_verified_organisations(official, invited, now, refused):
    stranger, cso, pending = make_official(), commenter(), make_org(verified=False)
    with refused(Denied):
        consult.invite_organization(stranger, invited, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Invalid, "organization"):
        consult.invite_organization(official, invited, pending, Purpose.WRITTEN_INPUT, NONE, now=now)


def test_a_participation_request_is_made_and_decided_in_public(official, invited, now, refused, record_size):
    cso, stranger = commenter(), make_official()
    before = record_size()
    motivation = Bilingual("교육 현장의 인공지능 도입을 조사해 왔습니다.", None)
    request = consult.request_participation(cso, invited, motivation, now=now)
    assert (request.decision, request.organization_id, request.requested_by_id) == (
        RequestDecision.PENDING, cso.org.id, cso.person.id)
    with refused(Denied):
        consult.decide_participation(stranger, request, True, REASON, now=now)
    with refused(Invalid, "reason"):
        consult.decide_participation(official, request, True, NONE, now=now)
    consult.decide_participation(official, request, True, REASON, now=now)
    assert (request.decision, request.decided_by_id, request.reason) == (
        RequestDecision.GRANTED, official.person.id, REASON)
    with refused(Invalid, "decision"):
        consult.decide_participation(official, request, False, REASON, now=now)
    asked, decided = events_since(before)
    assert (asked.event_type, payload(asked)["motivation"]) == ("participation.requested", motivation.as_dict())
    assert (decided.event_type, payload(decided)["decision"]) == ("participation.decided", "granted")


def test_a_request_needs_an_organisation_a_motivation_and_an_invited_consultation(official, invited, consultation,
                                                                                   now, refused):
    cso, person = commenter(), Actor(make_person())
    draft = make_consultation(official, published=False, mode=Mode.INVITED)
    motivation = Bilingual("참여하고 싶습니다.", None)
    with refused(Invalid, "motivation"):
        consult.request_participation(cso, invited, NONE, now=now)
    with refused(Invalid, "motivation"):
        consult.request_participation(cso, consultation, motivation, now=now)  # open mode: no need to ask
    with refused(Denied):
        consult.request_participation(person, invited, motivation, now=now)
    with refused(Denied):
        consult.request_participation(cso, draft, motivation, now=now)


def test_an_organisation_asks_once(official, invited, now, refused):
    cso = commenter()
    consult.request_participation(cso, invited, Bilingual("참여하고 싶습니다.", None), now=now)
    with refused(Invalid, "motivation"):
        consult.request_participation(cso, invited, Bilingual("다시 요청합니다.", None), now=now)
    assert count(ParticipationRequest) == 1
