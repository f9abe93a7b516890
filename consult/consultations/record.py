"""The public record page of a consultation (SPEC §7) and its Atom feed. Routes on the consultations
blueprint; a fixed number of queries whatever the number of invitations, requests, meetings and comments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import Response, abort, g, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import Person
from ..extensions import utcnow
from ..i18n import DATE_PATTERNS, SEOUL, Shown, format_moment
from ..record import queries as record_queries
from ..web.timeline import present
from . import queries
from .models import Consultation, Outcome, Purpose, Status
from .views import bp, load

RECENT_EVENTS = 15
# the page shows the first invitations and requests; `?all=1` shows every one (for reading in full, printing)
SHOWN_INVITATIONS = 100
SHOWN_REQUESTS = 30
# the minutes' PDF, served by participation.py with arguments (consultation_id, meeting_id); the name agreed


def _published(consultation_id: int) -> Consultation:
    """The consultation if published (its officials see their draft's manage page, not a record)."""
    c = load(consultation_id)
    if c.published_at is None:
        abort(404)
    return c


@lru_cache(maxsize=512)
def _seoul_day(day: date, lang: str) -> str:
    return babel_format_date(day, DATE_PATTERNS[(lang, "date")], locale=lang)


def day_of(moment: datetime) -> str:
    """format_moment(moment, "date"), remembered per Seoul day: hundreds of invitations share a few days,
    and Babel's formatting is what a long table spends most of its time on."""
    return _seoul_day(moment.astimezone(SEOUL).date(), g.lang)


def official_name(person: Person) -> str:
    """An official's name as the log shows it: officials act in public (SPEC §6), so their display name is
    shown even without the consent individuals give; an erased account stays erased."""
    if person.consent_publish_name or person.erased_at is not None:
        return person.public_name(g.lang)
    return person.display_name or person.public_name(g.lang)


SERIES_COLOURS = ("#6d7882", "#256ef4", "#1f7a44", "#8a4b00")  # gongnon.css .swatch-series-1 … 4
OUTCOME_COLOURS = {"accepted": "#1f7a44", "partially_accepted": "#256ef4", "not_accepted": "#c4320a",
                   "noted": "#6d7882", "out_of_scope": "#8c959e"}


@dataclass
class Charts:
    series: list[str]
    inclusion: list[tuple[str, list[tuple[str, int, str]]]]
    outcomes: list[tuple[str, list[tuple[str, int, str]]]]


def _charts(data: queries.RecordData, stats: queries.Outcomes) -> Charts:
    """The two charts' rows (label, [(series, value, colour)]): the SVG and its table read the same."""
    series = [_("Verified on the platform"), _("Invited"), _("Accepted"), _("Commented")]
    inclusion = [(gi.kind.label, list(zip(series, (gi.verified, gi.invited, gi.accepted, gi.commented), SERIES_COLOURS)))
                 for gi in data.inclusion]
    comments = _("Comments")
    by_outcome = stats.by_outcome()
    outcomes = [(o.label, [(comments, by_outcome.get(o, 0), OUTCOME_COLOURS[o.value])]) for o in Outcome]
    outcomes.append((_("No disposition yet"), [(comments, stats.comments - stats.disposed, "#b1b8be")]))
    return Charts(series, inclusion, outcomes)


@dataclass(slots=True)
class Note:
    """One line of an invitation's answer cell: what happened and when, its public reason, its log entry."""

    text: str
    reason: Shown | None
    seq: int | None


@dataclass(slots=True)
class InvitationRow:
    """One invitation as the table shows it, prepared in Python: the page has hundreds of rows, and each
    lookup or call made from the template costs several times what it costs here."""

    id: int
    name: Shown
    slug: str | None  # None: invited by email, not yet on the platform
    purpose: str
    by: str | None
    sent_at: datetime
    sent_day: str
    sent_seq: int | None
    state: str
    notes: list[Note]


def _invitation_rows(data: queries.RecordData, status: Status) -> list[InvitationRow]:
    L = g.lang
    answered, withdrawn, joined = _("Answered %(date)s"), _("Withdrawn %(date)s"), _("Joined the platform %(date)s")
    names = {pid: official_name(p) for pid, p in data.people.items()}
    purposes = {p: p.label for p in Purpose}
    rows = []
    for i in data.invitations:
        e = data.events.get(("invitation", i.id), {})
        org = data.orgs.get(i.organization_id) if i.organization_id else None
        notes = []
        if i.answered_at:
            notes.append(Note(answered % {"date": day_of(i.answered_at)},
                              i.answer_reason.pick(L) if i.answer_reason else None, e.get("invitation.answered")))
        if i.withdrawn_at:
            by = names.get(i.withdrawn_by_id)  # type: ignore[arg-type]
            text = withdrawn % {"date": day_of(i.withdrawn_at)}
            notes.append(Note(f"{text} · {by}" if by else text,
                              i.withdrawal_reason.pick(L) if i.withdrawal_reason else None, e.get("invitation.withdrawn")))
        if i.attached_at:
            notes.append(Note(joined % {"date": day_of(i.attached_at)}, None, e.get("invitation.attached")))
        rows.append(InvitationRow(
            id=i.id, name=org.name.pick(L) if org else i.invited_name.pick(L), slug=org.slug if org else None,
            purpose=purposes[i.purpose], by=names.get(i.invited_by_id),  # type: ignore[arg-type]
            sent_at=i.sent_at, sent_day=day_of(i.sent_at), sent_seq=e.get("invitation.sent"),
            state=i.shown_state(status), notes=notes))
    return rows


@bp.get("/<id:consultation_id>/record")
def record(consultation_id: int):
    c = _published(consultation_id)
    wanted = request.args.get("all") or None
    if wanted not in (None, "1"):
        abort(400)
    show_all = wanted == "1"
    now = utcnow()
    status = c.status_at(now)
    data = queries.record_data(c, invitations=None if show_all else SHOWN_INVITATIONS,
                               requests=None if show_all else SHOWN_REQUESTS)
    stats = queries.outcomes(c)
    history = present(record_queries.event_page(scope_type="consultation", scope_id=c.id,
                                                limit=RECENT_EVENTS).items)
    return render_template(
        "consultations/record.html", c=c, now=now, status=status, data=data, history=history,
        stats=stats, charts=_charts(data, stats), versions=queries.versions(c), report=queries.report(c),
        changes=queries.deadline_changes(c), official=official_name, day=day_of,
        # translated once, formatted per link (the page has hundreds)
        log_label=_("log entry %(seq)s"), show_all=show_all,
        invitations=_invitation_rows(data, status), requests=data.requests,
        minutes_endpoint="consultations.minutes_pdf")


@bp.get("/<id:consultation_id>/record.atom")
def record_feed(consultation_id: int):
    """The consultation's record as Atom: versions, meetings, the latest dispositions and the report."""
    c = _published(consultation_id)
    page = url_for("consultations.record", consultation_id=c.id, _external=True)
    L = g.lang
    entries = []
    for v in queries.versions(c):
        entries.append({"title": _("Version %(number)d published", number=v.number), "id": f"{page}#version-{v.number}",
                        "url": url_for("consultations.show", consultation_id=c.id, number=v.number, _external=True),
                        "updated": v.published_at, "summary": v.change_note.pick(L).text or v.title.pick(L).text})
    for m in queries.meetings(c):
        entries.append({"title": _("%(kind)s: %(title)s", kind=m.kind.label, title=m.title.pick(L).text),
                        "id": f"{page}#meeting-{m.id}", "url": f"{page}#meeting-{m.id}", "updated": m.recorded_at,
                        "summary": _("Held %(date)s. %(format)s.", date=format_moment(m.held_at, "datetime"),
                                     format=m.format.label)})
    for d in queries.latest_dispositions(c):
        entries.append({"title": _("Comment %(id)s: %(outcome)s", id=d.comment_id, outcome=d.outcome.label),
                        "id": f"{page}#disposition-{d.id}",
                        "url": url_for("consultations.comment", consultation_id=c.id, comment_id=d.comment_id,
                                       _external=True),
                        "updated": d.changed_at or d.decided_at, "summary": d.reason.pick(L).text})
    if (report := queries.report(c)) is not None:
        entries.append({"title": report.title.pick(L).text, "id": f"{page}#report",
                        "url": url_for("consultations.report", consultation_id=c.id, _external=True),
                        "updated": report.published_at, "summary": _("The result report was published.")})
    entries.sort(key=lambda e: e["updated"], reverse=True)
    body = render_template("web/atom.xml", title=_("Record of %(title)s", title=c.title.pick(L).text),
                           self_url=url_for("consultations.record_feed", consultation_id=c.id, _external=True),
                           page_url=page, entries=entries,
                           updated=max((e["updated"] for e in entries), default=c.published_at or datetime(2024, 1, 1)))
    return Response(body, mimetype="application/atom+xml")
