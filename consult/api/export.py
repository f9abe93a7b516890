"""Bulk dumps (`flask export`): every public object, one JSON Lines file and one CSV per kind, a
Frictionless `datapackage.json` describing each resource and CSV field in Korean and English, and the
record's signed checkpoint at dump time, so a dump can be checked against the verifiable log.

The JSON Lines records are exactly the API's objects (present.py); the CSVs flatten them (bilingual text
as `<field>_ko`/`<field>_en`, nested objects as `<object>_<field>`, lists of values joined with `;`,
lists of objects as JSON text), UTF-8 with a BOM so spreadsheet programs read Korean. The AI register's
CSV is the register's own (register.views.csv_row). Rows are streamed (yield_per: a server-side cursor on
PostgreSQL) and written as they come: memory stays flat whatever the data size. On PostgreSQL the whole
dump reads one REPEATABLE READ snapshot.

Dumps live in DUMPS_PATH (default instance/dumps/) as <YYYY-MM-DD>/ folders; /data/ lists them.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..consultations import queries as consultation_queries
from ..consultations.models import (Comment, Consultation, Invitation, Meeting, ParticipationRequest, Section,
                                    Version)
from ..extensions import db
from ..orgs.models import Organization, VerificationStatus
from ..record import checkpoints
from ..record.models import Event
from ..register import queries as register_queries
from ..register.fields import FIELDS
from ..register.views import csv_columns, csv_row, entry_record
from ..statements.models import Signature, Statement, StatementVersion
from . import present, queries

PROFILE = "data-package"
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}


# ---- fields ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    """One CSV column: its path in the JSON record, Frictionless type, and what it means in both languages."""

    path: str  # dotted, e.g. "owner.name.ko"; the column's name is the path with "_" for "."
    type: str
    en: str
    ko: str

    @property
    def name(self) -> str:
        return self.path.replace(".", "_")


def C(path: str, type_: str, en: str, ko: str) -> list[Col]:  # noqa: N802 - reads like a table row
    return [Col(path, type_, en, ko)]


def B(path: str, en: str, ko: str) -> list[Col]:  # noqa: N802
    """A bilingual field: two columns, Korean and English."""
    return [Col(f"{path}.ko", "string", f"{en} (Korean)", f"{ko} (한국어)"),
            Col(f"{path}.en", "string", f"{en} (English)", f"{ko} (영어)")]


def ORG(path: str, en: str, ko: str) -> list[Col]:  # noqa: N802
    """An organisation referred to: id, slug, kind and name."""
    return [*C(f"{path}.id", "integer", f"{en}: id", f"{ko}: 번호"),
            *C(f"{path}.slug", "string", f"{en}: short address (slug)", f"{ko}: 주소용 약칭"),
            *C(f"{path}.kind", "string", f"{en}: kind (government, civil_society, academia, industry, labour, "
                                         "international, other)", f"{ko}: 종류"),
            *B(f"{path}.name", f"{en}: name", f"{ko}: 이름")]


def T(path: str, en: str, ko: str) -> list[Col]:  # noqa: N802
    return C(path, "datetime", f"{en} (RFC 3339, UTC)", f"{ko} (RFC 3339, 협정 세계시)")


def NAME(path: str, en: str, ko: str) -> list[Col]:  # noqa: N802
    return B(path, f"{en} (empty unless the person's name is public)", f"{ko} (이름 공개 시에만)")


ORGANIZATION = [
    *C("id", "integer", "Organisation id", "기관·단체 번호"), *C("slug", "string", "Short address (slug)", "주소용 약칭"),
    *C("kind", "string", "Kind of organisation (stakeholder group)", "기관·단체 종류(이해관계자 집단)"),
    *C("subkind", "string", "Kind of government body", "정부기관 구분"),
    *B("name", "Name", "이름"), *B("short_name", "Short name", "약칭"), *B("description", "Description", "소개"),
    *C("website", "string", "Website", "누리집"), *T("created_at", "Registered on the platform", "플랫폼 등록 시각"),
    *C("verification.status", "string", "Verification status (verified, rejected, revoked)", "검증 상태"),
    *T("verification.decided_at", "Verification decided", "검증 결정 시각"),
    *B("verification.note", "Basis of the verification, or reason of a rejection or revocation", "검증 근거 또는 거부·취소 사유"),
    *NAME("verification.decided_by", "Platform administrator who decided", "결정한 플랫폼 관리자"),
]

CONSULTATION = [
    *C("id", "integer", "Consultation id", "의견수렴 번호"), *B("title", "Title", "제목"), *B("summary", "Summary", "요약"),
    *B("department", "Responsible department", "담당 부서"), *B("instrument", "Kind of instrument", "법령·정책 종류"),
    *ORG("owner", "Public body running the consultation", "의견수렴 주관 기관"),
    *C("notice_type", "string", "Notice type (legislative_notice, administrative_notice)", "예고 종류(입법예고, 행정예고)"),
    *C("mode", "string", "Participation mode (open, invited)", "참여 방식(공개, 초청)"),
    *C("allows_individuals", "boolean", "Individuals may comment", "개인 의견 허용"),
    *C("target_groups", "string", "Target stakeholder groups (;-separated kinds)", "대상 이해관계자 집단(; 구분)"),
    *C("status", "string", "State at dump time (scheduled, open, closed, concluded)", "덤프 시점의 상태"),
    *T("opens_at", "Comment period opens", "의견 제출 시작"), *T("closes_at", "Comment period closes", "의견 제출 마감"),
    *C("period_days", "integer", "Length of the comment period in days", "의견 제출 기간(일)"),
    *B("short_period_reason", "Public reason for a period shorter than the legal minimum", "법정 기간보다 짧은 사유"),
    *T("published_at", "Published", "게시 시각"), *T("concluded_at", "Concluded (result report published)", "종료(결과보고서 게시) 시각"),
    *C("comment_count", "integer", "Comments (every state)", "의견 수(모든 상태)"),
]

VERSION = [
    *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"), *C("number", "integer", "Version number", "판 번호"),
    *B("title", "Title", "제목"), *B("summary", "Summary", "요약"), *B("change_note", "What changed", "변경 사항"),
    *T("published_at", "Published", "게시 시각"),
    *C("content_sha256", "string", "SHA-256 of the published content (logged)", "게시된 내용의 SHA-256(기록됨)"),
]

SECTION = [
    *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"), *C("version", "integer", "Version number", "판 번호"),
    *C("id", "integer", "Section id", "조문 번호(내부)"),
    *C("key", "string", "Stable key of the section across versions", "판이 바뀌어도 같은 조문 키"),
    *C("position", "integer", "Position in the version", "순서"), *B("number", "Article number", "조문 번호"),
    *B("heading", "Heading", "제목"), *B("body", "Text", "본문"),
]

COMMENT = [
    *C("id", "integer", "Comment id", "의견 번호"), *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"),
    *C("version", "integer", "Version commented on", "의견 대상 판"),
    *C("section.id", "integer", "Section commented on (empty: the whole draft)", "의견 대상 조문(비어 있으면 안 전체)"),
    *C("section.key", "string", "Key of the section commented on", "의견 대상 조문 키"),
    *B("section.number", "Article number of the section", "의견 대상 조문 번호"),
    *C("author.kind", "string", "Author kind (organization, individual)", "작성자 구분(기관·단체, 개인)"),
    *ORG("author.organization", "Organisation commenting", "의견 제출 기관·단체"),
    *NAME("author.name", "Person writing", "작성자"),
    *C("status", "string", "State (published, withdrawn, hidden)", "상태(게시, 철회, 가림)"),
    *C("lang", "string", "Language of the text (ko, en)", "본문 언어"),
    *C("body", "string", "Text (Markdown; empty unless published)", "본문(마크다운, 게시된 의견만)"),
    *C("body_html", "string", "Text as shown (sanitised HTML)", "화면에 보이는 본문(정제된 HTML)"),
    *C("translation", "string", "The author's translation (Markdown)", "작성자의 번역(마크다운)"),
    *C("translation_html", "string", "The author's translation as shown (HTML)", "화면에 보이는 번역(HTML)"),
    *T("submitted_at", "Submitted", "제출 시각"), *T("revised_at", "Last revised", "마지막 수정 시각"),
    *C("revision_count", "integer", "Texts the comment has had", "수정 이력 수"),
    *T("withdrawn_at", "Withdrawn", "철회 시각"), *B("withdrawal_reason", "Reason for withdrawal", "철회 사유"),
    *T("hidden_at", "Hidden by moderation", "관리자 가림 시각"), *B("hidden_reason", "Public reason for hiding", "가림 사유"),
    *C("campaign_id", "integer", "First comment of its group of (near-)identical comments", "같거나 비슷한 의견 묶음의 첫 의견"),
    *C("disposition.outcome", "string", "Disposition (accepted, partially_accepted, not_accepted, noted, out_of_scope)",
       "처리결과(수용, 일부수용, 불수용, 참고, 해당 없음)"),
    *B("disposition.reason", "Reason of the disposition", "처리 사유"),
    *T("disposition.decided_at", "Disposition decided", "처리 시각"), *T("disposition.changed_at", "Disposition changed", "처리 변경 시각"),
    *B("disposition.decided_by", "Official who decided", "처리한 공무원"),
    *C("disposition.changed_sections", "string", "Sections changed because of the comment (JSON)", "의견으로 바뀐 조문(JSON)"),
]

INVITATION = [
    *C("id", "integer", "Invitation id", "초청 번호"), *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"),
    *ORG("organization", "Organisation invited", "초청받은 기관·단체"),
    *B("invited_name", "Name of an organisation invited by email, as given", "이메일로 초청한 단체 이름"),
    *C("purpose", "string", "Purpose (written_input, hearing, expert_meeting)", "목적(서면 의견, 공청회, 전문가 회의)"),
    *C("state", "string", "State (sent, accepted, declined, withdrawn, no_answer)", "상태(발송, 수락, 거절, 철회, 무응답)"),
    *T("sent_at", "Sent", "발송 시각"), *B("invited_by", "Official who invited", "초청한 공무원"),
    *T("answered_at", "Answered", "응답 시각"), *B("answer_reason", "Reason given with the answer", "응답 사유"),
    *T("withdrawn_at", "Withdrawn", "철회 시각"), *B("withdrawn_by", "Official who withdrew it", "철회한 공무원"),
    *B("withdrawal_reason", "Public reason for withdrawal", "철회 사유"),
    *T("attached_at", "The organisation invited by email joined the platform", "이메일로 초청한 단체의 플랫폼 가입 시각"),
]

REQUEST = [
    *C("id", "integer", "Request id", "참여 요청 번호"), *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"),
    *ORG("organization", "Organisation asking to take part", "참여를 요청한 기관·단체"),
    *T("requested_at", "Requested", "요청 시각"), *B("motivation", "Motivation", "요청 사유"),
    *C("decision", "string", "Decision (pending, granted, denied)", "결정(대기, 승인, 거부)"),
    *T("decided_at", "Decided", "결정 시각"), *B("decided_by", "Official who decided", "결정한 공무원"),
    *B("reason", "Reason of the decision", "결정 사유"),
]

MEETING = [
    *C("id", "integer", "Meeting id", "회의 번호"), *C("consultation_id", "integer", "Consultation id", "의견수렴 번호"),
    *C("kind", "string", "Kind (public_hearing, roundtable, expert_meeting, briefing)", "종류(공청회, 간담회, 전문가 회의, 설명회)"),
    *C("format", "string", "Format (in_person, online, hybrid)", "방식(대면, 온라인, 혼합)"),
    *T("held_at", "Held", "개최 시각"), *T("ends_at", "Ended", "종료 시각"), *B("title", "Title", "제목"),
    *B("place", "Place", "장소"), *B("minutes", "Minutes", "회의록"),
    *C("minutes_pdf.filename", "string", "Minutes PDF: file name", "회의록 PDF: 파일 이름"),
    *C("minutes_pdf.sha256", "string", "Minutes PDF: SHA-256", "회의록 PDF: SHA-256"),
    *C("minutes_pdf.size", "integer", "Minutes PDF: size in bytes", "회의록 PDF: 크기(바이트)"),
    *C("minutes_pdf.url", "string", "Minutes PDF: address", "회의록 PDF: 주소"),
    *C("invited", "string", "Organisations invited (JSON)", "초청된 기관·단체(JSON)"),
    *C("attended", "string", "Organisations attending (JSON)", "참석한 기관·단체(JSON)"),
    *T("recorded_at", "Recorded", "기록 시각"), *B("recorded_by", "Official who recorded it", "기록한 공무원"),
]

STATEMENT = [
    *C("id", "integer", "Statement id", "공동성명 번호"), *B("title", "Title (current version)", "제목(현재 판)"),
    *ORG("owner", "Drafting organisation", "작성 단체"),
    *C("co_drafters", "string", "Co-drafting organisations (JSON)", "공동 작성 단체(JSON)"),
    *C("consultation_id", "integer", "Consultation the statement is about", "관련 의견수렴"),
    *C("allows_individuals", "boolean", "Individuals may sign", "개인 연명 허용"),
    *C("status", "string", "State at dump time (open, closed)", "덤프 시점의 상태(연명 중, 마감)"),
    *T("signing_deadline", "Signing deadline", "연명 마감"), *T("opened_at", "Opened for signature", "연명 시작"),
    *T("published_at", "Published", "발표 시각"), *T("closed_at", "Closed early", "조기 마감 시각"),
    *C("current_version", "integer", "Current version", "현재 판"),
    *C("signature_count", "integer", "Signatures counted (named and unnamed, not withdrawn)", "연명 수(철회 제외, 비공개 포함)"),
]

STATEMENT_VERSION = [
    *C("statement_id", "integer", "Statement id", "공동성명 번호"), *C("number", "integer", "Version number", "판 번호"),
    *B("title", "Title", "제목"), *B("body", "Text (Markdown)", "본문(마크다운)"), *B("change_note", "What changed", "변경 사항"),
    *T("frozen_at", "Text frozen", "본문 확정 시각"), *C("content_sha256", "string", "SHA-256 of the frozen text", "확정된 본문의 SHA-256"),
]

SIGNATURE = [
    *C("id", "integer", "Signature id", "연명 번호"), *C("statement_id", "integer", "Statement id", "공동성명 번호"),
    *C("group", "string", "Group in the signatory list", "연명 목록의 묶음"),
    *C("kind", "string", "Kind of signatory (organisation kind, or individual)", "연명자 종류"),
    *ORG("organization", "Organisation signing", "연명한 기관·단체"),
    *B("name", "Name of the signatory as listed", "목록에 보이는 연명자 이름"),
    *T("signed_at", "Signed", "연명 시각"), *C("version", "integer", "Version the signature binds to", "연명이 묶인 판"),
    *C("first_version", "integer", "Version first signed", "처음 연명한 판"),
    *C("state", "string", "State (current, pending re-confirmation, withdrawn)", "상태(유효, 재확인 대기, 철회)"),
    *T("reconfirmed_at", "Re-confirmed", "재확인 시각"), *T("withdrawn_at", "Withdrawn", "철회 시각"),
    *B("withdrawal_reason", "Reason for withdrawal", "철회 사유"),
]

EVENT = [
    *C("seq", "integer", "Sequence number = Merkle leaf index", "순번 = 머클 잎 번호"),
    *T("occurred_at", "Time", "시각"), *C("type", "string", "Event type", "항목 종류"),
    *C("subject.type", "string", "Subject type", "대상 종류"), *C("subject.id", "integer", "Subject id", "대상 번호"),
    *C("scope.type", "string", "What the event belongs to: type", "소속 종류"), *C("scope.id", "integer", "What the event belongs to: id", "소속 번호"),
    *C("actor_org_id", "integer", "Acting organisation id", "행위 기관·단체 번호"),
    *C("actor_person", "string", "Acting person's commitment (salted SHA-256, hex)", "행위자 약속값(솔트 SHA-256)"),
    *B("actor_person_name", "Acting official or administrator, as the log names them", "기록에 이름이 보이는 공무원·관리자"),
    *C("leaf", "string", "The leaf: RFC 8785 canonical JSON, exactly as hashed", "잎: 해시된 그대로의 RFC 8785 JSON"),
    *C("leaf_hash", "string", "SHA-256(0x00 ‖ leaf), hex (RFC 6962)", "SHA-256(0x00 ‖ 잎), 16진수"),
]


# ---- rows -----------------------------------------------------------------------------------------

def _chunks(rows: Iterable[Any], n: int = queries.CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _published_ids() -> Any:
    return select(Consultation.id).where(Consultation.published_at.is_not(None))


def organizations(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = (select(Organization).where(Organization.status != VerificationStatus.PENDING)
            .options(joinedload(Organization.decided_by)).order_by(Organization.id))
    for org in queries.stream(stmt):
        yield present.organization(org)


def consultations(now: datetime) -> Iterator[dict[str, Any]]:
    totals = dict(db.session.execute(select(Comment.consultation_id, func.count()).group_by(Comment.consultation_id)).all())
    stmt = (select(Consultation).where(Consultation.published_at.is_not(None))
            .options(joinedload(Consultation.owner)).order_by(Consultation.id))
    for c in queries.stream(stmt):
        yield present.consultation(c, now, comments=totals.get(c.id, 0))


def versions(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = (select(Version).where(Version.published_at.is_not(None), Version.consultation_id.in_(_published_ids()))
            .order_by(Version.consultation_id, Version.number))
    for chunk in _chunks(queries.stream(stmt)):
        sections = queries.sections_of([v.id for v in chunk])
        for v in chunk:
            yield present.version(v.consultation_id, v, sections[v.id])


def sections(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = (select(Section, Version.consultation_id, Version.number).join(Version, Version.id == Section.version_id)
            .where(Version.published_at.is_not(None), Version.consultation_id.in_(_published_ids()))
            .order_by(Version.consultation_id, Version.number, Section.position, Section.id))
    for s, consultation_id, number in db.session.execute(stmt.execution_options(yield_per=queries.CHUNK)):
        yield {"consultation_id": consultation_id, "version": number, **present.section(s)}


def comments(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = consultation_queries._comment_options(select(Comment).where(
        Comment.consultation_id.in_(_published_ids()))).order_by(Comment.id)
    for m in queries.stream(stmt):
        yield present.comment(m)


def _statuses(now: datetime) -> dict[int, Any]:
    return {c.id: c.status_at(now) for c in db.session.scalars(select(Consultation).where(Consultation.published_at.is_not(None)))}


def invitations(now: datetime) -> Iterator[dict[str, Any]]:
    statuses = _statuses(now)
    stmt = (select(Invitation).where(Invitation.consultation_id.in_(statuses))
            .options(joinedload(Invitation.organization)).order_by(Invitation.id))
    for chunk in _chunks(queries.stream(stmt)):
        people = queries.people({i.invited_by_id for i in chunk} | {i.withdrawn_by_id for i in chunk})
        for i in chunk:
            yield present.invitation(i, statuses[i.consultation_id], people)


def participation_requests(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = (select(ParticipationRequest).where(ParticipationRequest.consultation_id.in_(_published_ids()))
            .options(joinedload(ParticipationRequest.organization)).order_by(ParticipationRequest.id))
    for chunk in _chunks(queries.stream(stmt)):
        people = queries.people({r.decided_by_id for r in chunk})
        for r in chunk:
            yield present.participation_request(r, people)


def meetings(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = select(Meeting).where(Meeting.consultation_id.in_(_published_ids())).order_by(Meeting.id)
    for chunk in _chunks(queries.stream(stmt)):
        orgs = queries.meeting_orgs([m.id for m in chunk])
        people = queries.people({m.recorded_by_id for m in chunk})
        for m in chunk:
            yield present.meeting(m, orgs[m.id], people)


def statements(now: datetime) -> Iterator[dict[str, Any]]:
    stmt = (select(Statement).where(Statement.opened_at.is_not(None)).options(joinedload(Statement.owner))
            .order_by(Statement.id))
    for chunk in _chunks(queries.stream(stmt)):
        co = queries.co_drafters_of([s.id for s in chunk])
        for s in chunk:
            yield present.statement(s, now, co[s.id])


def statement_versions(now: datetime) -> Iterator[dict[str, Any]]:
    opened = select(Statement.id).where(Statement.opened_at.is_not(None))
    stmt = (select(StatementVersion).where(StatementVersion.frozen_at.is_not(None),
                                           StatementVersion.statement_id.in_(opened))
            .order_by(StatementVersion.statement_id, StatementVersion.number))
    for v in queries.stream(stmt):
        yield present.statement_version(v)


def signatures(now: datetime) -> Iterator[dict[str, Any]]:
    """Listed signatures only: individuals who asked not to be named are counted on their statement."""
    stmt = (select(Signature, Statement.current_version).join(Statement, Statement.id == Signature.statement_id)
            .where(Statement.opened_at.is_not(None), queries.SIGNATURES_LISTED)
            .options(joinedload(Signature.organization), joinedload(Signature.person)).order_by(Signature.id))
    for sig, current in db.session.execute(stmt.execution_options(yield_per=queries.CHUNK)):
        yield present.signature(sig, current)


def register_entries(now: datetime) -> Iterator[dict[str, Any]]:
    links = register_queries.all_links()
    for entry in register_queries.all_entries():
        yield entry_record(entry, links.get(entry.id, []))


def _register_csv() -> tuple[list[str], Callable[[], Iterator[dict[str, Any]]]]:
    def rows() -> Iterator[dict[str, Any]]:
        links = register_queries.all_links()
        for entry in register_queries.all_entries():
            yield csv_row(entry, links.get(entry.id, []))
    return csv_columns(), rows


def events(now: datetime, size: int) -> Iterator[dict[str, Any]]:
    from ..web.timeline import present as present_events
    stmt = select(Event).where(Event.seq < size).order_by(Event.seq)
    for chunk in _chunks(queries.stream(stmt)):
        for e, shown in zip(chunk, present_events(chunk), strict=True):
            yield present.event(e, shown)


def register_columns() -> list[Col]:
    """The register CSV's columns described from fields.FIELDS, with each label in both languages."""
    def label(value: Any, lang: str) -> str:
        with force_locale(lang):
            return str(value)
    by_key = {f.key: f for f in FIELDS}
    cols = [*C("id", "integer", "Entry id", "등록 항목 번호"), *C("body_id", "integer", "Public body id", "기관 번호"),
            *C("body_name_ko", "string", "Public body name (Korean)", "기관 이름(한국어)"),
            *C("body_name_en", "string", "Public body name (English)", "기관 이름(영어)"),
            *C("revision", "integer", "Current revision", "현재 개정 번호"), *T("updated_at", "Last changed", "마지막 변경 시각"),
            *C("content_sha256", "string", "SHA-256 of the entry's document (RFC 8785)", "항목 문서의 SHA-256"),
            *C("url", "string", "Entry page", "항목 페이지")]
    known = {c.name for c in cols}
    for name in csv_columns():
        if name in known:
            continue
        key = next((f.key for f in FIELDS if name == f.key or name.startswith(f.key + "_")), None)
        f = by_key.get(key) if key else None
        if f is not None:
            en, ko = label(f.label, "en"), label(f.label, "ko")
            suffix = name[len(f.key):].lstrip("_")
            if suffix:
                en, ko = f"{en} ({suffix})", f"{ko} ({suffix})"
        elif name.startswith("status_date_"):
            en, ko = f"Date the system reached: {name[12:]}", f"단계 도달일: {name[12:]}"
        elif name.startswith("assessment_"):
            en, ko = f"Human rights impact assessment: {name[11:]}", f"인권영향평가: {name[11:]}"
        elif name.startswith(("risks_", "withheld_")):
            en, ko = name.replace("_", " "), name.replace("_", " ")
        else:
            en, ko = "Linked consultations (;-separated addresses)", "연결된 의견수렴(; 구분 주소)"
        cols.append(Col(name, "string", en, ko))
    return cols


@dataclass
class Kind:
    name: str
    title: tuple[str, str]  # (en, ko)
    description: tuple[str, str]
    columns: list[Col] = field(default_factory=list)
    rows: Callable[..., Iterator[dict[str, Any]]] | None = None
    schema: str = ""  # the OpenAPI component the JSON Lines records follow


KINDS = [
    Kind("organizations", ("Organisations", "기관·단체"),
         ("Every organisation whose page is public (verified, rejected or revoked)", "공개된 모든 기관·단체(검증, 거부, 취소)"),
         ORGANIZATION, organizations, "Organization"),
    Kind("consultations", ("Consultations", "의견수렴"), ("Every published consultation", "게시된 모든 의견수렴"),
         CONSULTATION, consultations, "Consultation"),
    Kind("versions", ("Draft versions", "개정안 판"),
         ("Every published version of every consultation's draft (JSON Lines with their sections)",
          "모든 의견수렴의 게시된 판(JSON Lines에는 조문 포함)"), VERSION, versions, "Version"),
    Kind("sections", ("Draft sections", "조문"), ("Every section of every published version", "게시된 모든 판의 조문"),
         SECTION, sections, "SectionRow"),
    Kind("comments", ("Comments and dispositions", "의견과 처리결과"),
         ("Every comment on a published consultation with its disposition; withdrawn and hidden comments as tombstones",
          "게시된 의견수렴의 모든 의견과 처리결과. 철회·가림 의견은 흔적만"), COMMENT, comments, "Comment"),
    Kind("invitations", ("Invitations", "초청"), ("Every invitation to a published consultation", "게시된 의견수렴의 모든 초청"),
         INVITATION, invitations, "Invitation"),
    Kind("participation_requests", ("Participation requests", "참여 요청"),
         ("Every request to take part in a published consultation, with its decision", "게시된 의견수렴의 모든 참여 요청과 결정"),
         REQUEST, participation_requests, "ParticipationRequest"),
    Kind("meetings", ("Meetings and hearings", "공청회·간담회"),
         ("Every meeting recorded on a published consultation", "게시된 의견수렴에 기록된 모든 회의"),
         MEETING, meetings, "Meeting"),
    Kind("statements", ("Joint statements", "공동성명"), ("Every statement opened for signature", "연명을 시작한 모든 공동성명"),
         STATEMENT, statements, "Statement"),
    Kind("statement_versions", ("Statement versions", "공동성명 판"), ("Every frozen text of every statement", "모든 공동성명의 확정된 본문"),
         STATEMENT_VERSION, statement_versions, "StatementVersion"),
    Kind("signatures", ("Signatures", "연명"),
         ("Every listed signature; individuals who asked not to be named are only counted (statements.signature_count)",
          "목록에 보이는 모든 연명. 이름 비공개 개인은 공동성명의 연명 수에만 포함"), SIGNATURE, signatures, "Signature"),
    Kind("register_entries", ("AI register entries", "공공 인공지능 등록부 항목"),
         ("Every entry of the public-sector AI register; the CSV is the register's own export",
          "공공 인공지능 등록부의 모든 항목. CSV는 등록부 자체 내보내기와 같음"), [], register_entries, "RegisterEntry"),
    Kind("events", ("Transparency log events", "투명성 기록 항목"),
         ("Every event of the record up to the checkpoint's tree size", "체크포인트 트리 크기까지의 모든 기록 항목"),
         EVENT, None, "Event"),
]


# ---- writing --------------------------------------------------------------------------------------

def _value(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def csv_value(value: Any) -> Any:
    """A JSON value as one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            return ";".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


class _Hashing:
    """A text file that counts and hashes what is written (for the data package's bytes and hash)."""

    def __init__(self, path: Path, bom: bool = False) -> None:
        self.file = open(path, "w", encoding="utf-8", newline="")
        self.sha = hashlib.sha256()
        self.size = 0
        if bom:
            self.write("\ufeff")

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.sha.update(data)
        self.size += len(data)
        self.file.write(text)

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class Signed:
    """The checkpoint the dump is checked against (copied: the session forgets rows as it streams)."""

    tree_size: int
    root_hash: bytes
    key_id: str
    published_at: datetime
    note: str


@dataclass
class Written:
    name: str
    rows: int
    jsonl: tuple[int, str]
    csv: tuple[int, str]


def _write_kind(out: Path, kind: Kind, records: Iterator[dict[str, Any]], csv_rows: Iterator[dict[str, Any]] | None,
                columns: list[str]) -> Written:
    jsonl = _Hashing(out / f"{kind.name}.jsonl")
    table = _Hashing(out / f"{kind.name}.csv", bom=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for record in records:
        jsonl.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        if csv_rows is None:
            writer.writerow([csv_value(_value(record, path)) for path in kind_paths(kind)])
        n += 1
        if buffer.tell() > 1 << 16:
            table.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    if csv_rows is not None:
        for row in csv_rows:
            writer.writerow([csv_value(row.get(c)) for c in columns])
            if buffer.tell() > 1 << 16:
                table.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
    table.write(buffer.getvalue())
    jsonl.close()
    table.close()
    db.session.expunge_all()
    return Written(kind.name, n, (jsonl.size, jsonl.sha.hexdigest()), (table.size, table.sha.hexdigest()))


def kind_paths(kind: Kind) -> list[str]:
    return [c.path for c in kind.columns]


def dumps_root() -> Path:
    return Path(current_app.config.get("DUMPS_PATH") or Path(current_app.instance_path) / "dumps")


def datapackage(written: list[Written], checkpoint: Any, now: datetime, columns: dict[str, list[Col]]) -> dict[str, Any]:
    """The Frictionless Data Package (specs.frictionlessdata.io/data-package) describing the dump."""
    by_name = {k.name: k for k in KINDS}
    resources = []
    for w in written:
        kind = by_name[w.name]
        common = {"title": kind.title[0], "description": kind.description[0],
                  "title_ko": kind.title[1], "description_ko": kind.description[1]}
        resources.append({
            "name": f"{w.name}-csv", "path": f"{w.name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "bytes": w.csv[0], "hash": f"sha256:{w.csv[1]}", **common,
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": {"fields": [{"name": c.name, "type": c.type, "title": c.en, "description": c.en,
                                   "title_ko": c.ko, "description_ko": c.ko} for c in columns[w.name]]},
            "count": w.rows})
        resources.append({
            "name": f"{w.name}-jsonl", "path": f"{w.name}.jsonl", "format": "jsonl",
            "mediatype": "application/x-ndjson", "encoding": "utf-8", "bytes": w.jsonl[0], "hash": f"sha256:{w.jsonl[1]}",
            **common, "count": w.rows,
            # one JSON object per line, exactly as the read API gives it: the OpenAPI schema describes it
            "openapi_schema": f"openapi.json#/components/schemas/{kind.schema}"})
    return {
        "profile": PROFILE, "name": "gongnon-open-data", "id": f"gongnon-{now.date().isoformat()}",
        "title": "Gongnon open data", "title_ko": "공론 공개 데이터",
        "description": "Everything public on Gongnon: consultations, drafts, comments and dispositions, participation, "
                       "joint statements, organisations, the public-sector AI register and the transparency log.",
        "description_ko": "공론에 공개된 모든 것: 의견수렴, 개정안, 의견과 처리결과, 참여, 공동성명, 기관·단체, "
                          "공공 인공지능 등록부, 투명성 기록.",
        "created": now.replace(microsecond=0).isoformat(), "licenses": [LICENSE],
        "homepage": present.link("api_docs.index", lang="ko"),
        "checkpoint": {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash.hex(),
                       "key_id": checkpoint.key_id, "published_at": checkpoint.published_at.isoformat(),
                       "note": checkpoint.note, "path": "checkpoint.txt",
                       "verify": present.link("log.checkpoint")},
        "resources": resources,
    }


def write_dump(now: datetime, out: Path | None = None) -> Path:
    """Write a complete dump for `now` into out (default DUMPS_PATH/<date>/), replacing one of the same
    day; returns the folder. Call inside a request context (links are absolute, on PUBLIC_URL)."""
    signed = checkpoints.publish(now=now)  # signs the record as it is now; events up to its size
    if db.engine.dialect.name == "postgresql":  # everything below reads one snapshot
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    checkpoint = Signed(signed.tree_size, signed.root_hash, signed.key_id, signed.published_at, signed.note)
    target = out or dumps_root() / now.date().isoformat()
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    written, columns = [], {}
    for kind in KINDS:
        if kind.name == "register_entries":
            names, csv_rows = _register_csv()
            cols = register_columns()
            assert [c.name for c in cols] == names
            w = _write_kind(partial, kind, register_entries(now), csv_rows(), names)
        elif kind.name == "events":
            cols = kind.columns
            w = _write_kind(partial, kind, events(now, checkpoint.tree_size), None, [c.name for c in cols])
        else:
            cols = kind.columns
            assert kind.rows is not None
            w = _write_kind(partial, kind, kind.rows(now), None, [c.name for c in cols])
        columns[kind.name] = cols
        written.append(w)
    db.session.rollback()  # end the snapshot
    (partial / "checkpoint.txt").write_text(checkpoint.note, encoding="utf-8")
    from .openapi import document
    (partial / "openapi.json").write_text(json.dumps(document(), ensure_ascii=False, indent=1), encoding="utf-8")
    package = datapackage(written, checkpoint, now, columns)
    (partial / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    os.replace(partial, target)
    return target


def dumps() -> list[Path]:
    """The dated dumps, newest first."""
    root = dumps_root()
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir() and _is_date(p.name)), key=lambda p: p.name, reverse=True)


def _is_date(name: str) -> bool:
    try:
        datetime.strptime(name, "%Y-%m-%d")
    except ValueError:
        return False
    return True


