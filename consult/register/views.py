"""Public pages of the AI register: the list with filters and search, entry pages with their history,
per-body pages, the coverage overview and the open data (JSON, CSV, Atom). Everyone may read them,
logged in or not; each costs a fixed number of queries whatever the number of entries and revisions."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator

from babel.dates import format_date
from flask import Blueprint, Response, abort, g, render_template, request, send_file, stream_with_context, url_for
from flask_babel import gettext as _

from ..consultations import uploads
from ..consultations.diff import Piece, words
from ..extensions import htmx, utcnow
from ..i18n import DATE_PATTERNS, LANG, Bilingual
from ..web.helpers import current_actor
from . import queries
from .fields import BILINGUAL_KINDS, BY_KEY, FIELDS, SECTIONS, Field
from .models import Area, EntryStatus, Ground, RegisterEntry, Stage

bp = Blueprint("register", __name__, url_prefix=LANG + "/ai-register")

RESULTS = "register-results"


# ---- presenting a document ------------------------------------------------------------------------

def bilingual(value: Any) -> Bilingual:
    """A document's {"ko", "en"} value as a Bilingual (empty when missing)."""
    value = value if isinstance(value, dict) else {}
    return Bilingual(value.get("ko") or None, value.get("en") or None)


def iso_date(value: str | date | None, lang: str | None = None) -> str:
    """An ISO calendar date (a document's "YYYY-MM-DD") in the page's language; no time zone applies."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    lang = lang or g.get("lang", "ko")
    return format_date(day, DATE_PATTERNS[(lang, "date")], locale=lang)


bp.add_app_template_filter(iso_date, "isodate")


@dataclass
class Withheld:
    """A withheld item: what (a field's label, or the body's own words for "other"), the legal basis, why."""

    label: Any  # str or Bilingual
    ground: Ground | None
    reason: Bilingual

    @property
    def basis(self) -> str:
        return self.ground.label if self.ground else ""


@dataclass
class StageView:
    stage: Stage
    date: str | None = None
    summary: Bilingual | None = None
    pdf: dict[str, Any] | None = None

    @property
    def recorded(self) -> bool:
        return self.date is not None or self.summary is not None


@dataclass
class FieldView:
    """One field as the entry page shows it: its value prepared for its kind, or why it is withheld."""

    field: Field
    value: Any = None
    withheld: Withheld | None = None
    empty: bool = False


@dataclass
class SectionView:
    key: str
    label: Any
    fields: list[FieldView] = field(default_factory=list)


def _ground(value: Any) -> Ground | None:
    try:
        return Ground(int(value))
    except (TypeError, ValueError):
        return None


def withheld_items(doc: dict[str, Any]) -> tuple[dict[str, Withheld], list[Withheld]]:
    """The document's withheld fields (key → item) and its "other" withheld items."""
    by_field: dict[str, Withheld] = {}
    others: list[Withheld] = []
    for w in doc.get("withheld") or []:
        key = w.get("field")
        if key == "other":
            others.append(Withheld(bilingual(w.get("label")), _ground(w.get("ground")), bilingual(w.get("reason"))))
        elif key in BY_KEY:
            by_field[key] = Withheld(BY_KEY[key].label, _ground(w.get("ground")), bilingual(w.get("reason")))
    return by_field, others


def stages(doc: dict[str, Any]) -> list[StageView]:
    """The four assessment stages in order, recorded or not."""
    recorded = doc.get("assessment") or {}
    out = []
    for s in Stage:
        r = recorded.get(s.value)
        out.append(StageView(s, r.get("date"), bilingual(r.get("summary")), r.get("pdf")) if r else StageView(s))
    return out


def area_citation(area: Area) -> str:
    """Where the AI Framework Act names the area: 제2조제4호가목, Article 2(4)(a) (conventions.md §1)."""
    index = list(Area).index(area)
    letter = area.letter if g.get("lang", "ko") == "ko" else "abcdefghijk"[index]
    return _("Article 2(4)(%(letter)s)", letter=letter)


def _value(f: Field, raw: Any) -> tuple[Any, bool]:
    """A field's raw document value prepared for the page, and whether it is empty."""
    if f.kind in BILINGUAL_KINDS:
        b = bilingual(raw)
        return b, not b
    if f.kind == "bool":
        return bool(raw), False
    if f.kind == "choice":
        try:
            return (f.enum(raw) if f.enum and raw else None), not raw
        except ValueError:
            return raw, False
    if f.kind == "areas":
        areas = [(Area(a), area_citation(Area(a))) for a in raw or [] if a in Area._value2member_map_]
        return areas, not areas
    if f.kind == "status_dates":
        dates = [(EntryStatus(k), v) for k, v in (raw or {}).items() if v and k in EntryStatus._value2member_map_]
        dates.sort(key=lambda kv: list(EntryStatus).index(kv[0]))
        return dates, not dates
    if f.kind == "risks":
        risks = [(bilingual(r.get("risk")), bilingual(r.get("mitigation"))) for r in raw or []]
        return risks, not risks
    return raw, raw in (None, "")


def present(doc: dict[str, Any], *, skip: tuple[str, ...] = ()) -> tuple[list[SectionView], list[Withheld]]:
    """The document by section, in fields.SECTIONS order, each field with its value or its withholding."""
    withheld, others = withheld_items(doc)
    sections = {key: SectionView(key, label) for key, label in SECTIONS.items()}
    for f in FIELDS:
        if f.key in skip or f.kind == "withheld":
            continue
        if f.key in withheld:
            view = FieldView(f, withheld=withheld[f.key])
        elif f.kind == "assessment":
            view = FieldView(f, value=stages(doc))
        else:
            value, empty = _value(f, doc.get(f.key))
            if empty and not f.required:
                continue  # an optional field left empty says nothing to a reader; a required one does
            view = FieldView(f, value=value, empty=empty)
        sections[f.section].fields.append(view)
    return [s for s in sections.values() if s.fields or s.key == "withheld"], [*withheld.values(), *others]


# ---- the list -------------------------------------------------------------------------------------

def _enum_arg(name: str, enum: Any) -> Any:
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        abort(400)


def _yes_no(name: str) -> bool | None:
    value = request.args.get(name) or None
    if value is None:
        return None
    if value not in ("yes", "no"):
        abort(400)
    return value == "yes"


def read_filters() -> tuple[queries.ListFilters, str | None]:
    """The list's filters from the query string, and a message when the search text is refused. Unknown
    values are the client's error (400), as on the other lists."""
    slug = request.args.get("body") or None
    body = queries.body_by_slug(slug) if slug else None
    if slug and body is None:
        abort(400)
    q = " ".join((request.args.get("q") or "").split())
    error = None
    if len(q) > queries.Q_MAX:
        error = _("Enter at most %(max)d characters to search.", max=queries.Q_MAX)
    filters = queries.ListFilters(body=body, area=_enum_arg("area", Area), status=_enum_arg("status", EntryStatus),
                                  assessment=_yes_no("assessment"), consultation=_yes_no("consultation"),
                                  personal_data=_yes_no("personal_data"), q=q)
    return filters, error


@bp.get("/")
def index():
    filters, error = read_filters()
    partial = bool(htmx and htmx.target == RESULTS)  # htmx asks for the results only
    context: dict[str, Any] = {"filters": filters, "q_error": error, "more_endpoint": "register.index",
                               "more_args": filters.args(), "q_max": queries.Q_MAX}
    if not partial:
        context.update(bodies=queries.bodies(), areas=list(Area), statuses=list(EntryStatus))
    if error:
        context.update(page=None, total=0)
    else:
        context.update(page=queries.entry_page(filters, request.args.get("after")), total=queries.count(filters))
    template = "register/_results.html" if partial else "register/index.html"
    return render_template(template, **context), 400 if error else 200


@bp.get("/bodies/<id:org_id>")
def body(org_id: int):
    org = queries.body_or_404(org_id)
    filters = queries.ListFilters(body=org)
    page = queries.entry_page(filters, request.args.get("after"))
    cov = queries.coverage(org.id)
    context = {"org": org, "page": page, "filters": filters, "coverage": cov[0] if cov else None,
               "more_endpoint": "register.body", "more_args": {"org_id": org.id}}
    if htmx and htmx.target == RESULTS:
        return render_template("register/_results.html", **context)
    return render_template("register/body.html", **context)


# ---- coverage -------------------------------------------------------------------------------------

@bp.get("/coverage")
def coverage():
    rows = queries.coverage()
    series = [_("Entries"), _("Without an impact assessment"), _("Without a published consultation")]
    colours = ("#256ef4", "#c4320a", "#8a4b00")  # the swatch-series-2, -not_accepted, -series-4 classes
    groups = [(r.body.name.pick(g.lang).text, list(zip(series, (r.entries, r.without_assessment, r.without_consultation),
                                                           colours, strict=True)))
              for r in rows]
    totals = (sum(r.entries for r in rows), sum(r.without_assessment for r in rows),
              sum(r.without_consultation for r in rows))
    return render_template("register/coverage.html", rows=rows, series=series, groups=groups, totals=totals)


# ---- one entry ------------------------------------------------------------------------------------

def _manage_context(entry: RegisterEntry, flags: list[Any]) -> dict[str, Any]:
    """What the officials' and organisations' includes need, from manage.py when it offers it."""
    from . import manage
    context: dict[str, Any] = {"flags": flags}
    actor = current_actor()
    for name in ("manage_context", "flag_context"):
        helper = getattr(manage, name, None)
        if helper is not None:
            context.update(helper(entry, actor))
    return context


@bp.get("/<id:entry_id>")
def show(entry_id: int):
    entry = queries.entry_or_404(entry_id)
    sections, withheld = present(entry.content, skip=("system_name", "summary", "status", "status_dates"))
    status_dates = _value(BY_KEY["status_dates"], entry.content.get("status_dates"))[0]
    links = queries.linked_consultations(entry)
    context = {"entry": entry, "sections": sections, "withheld": withheld, "status_dates": status_dates,
               "links": links, "now": utcnow(),
               **_manage_context(entry, queries.flags(entry))}
    return render_template("register/show.html", **context)


@bp.get("/<id:entry_id>/assessments/<any(planning, analysis, remedy, disclosure):stage>.pdf")
def assessment_pdf(entry_id: int, stage: str):
    """The PDF of one assessment stage as the current revision names it."""
    entry = queries.entry_or_404(entry_id)
    pdf = ((entry.content.get("assessment") or {}).get(stage) or {}).get("pdf")
    if not pdf or not isinstance(pdf.get("sha256"), str) or len(pdf["sha256"]) != 64:
        abort(404)
    path = uploads.path_for(pdf["sha256"])
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=pdf.get("filename") or f"{stage}.pdf", max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<id:entry_id>/history")
def history(entry_id: int):
    entry = queries.entry_or_404(entry_id)
    page = queries.revision_page(entry, request.args.get("after"))
    context = {"entry": entry, "page": page, "events": queries.revision_events(entry, page.items),
               "labels": {f.key: f.label for f in FIELDS}}
    if htmx and htmx.target == "revisions":
        return render_template("register/_revisions.html", **context)
    return render_template("register/history.html", **context)


@dataclass
class FieldChange:
    """One field of a revision against the one before: word pieces per language for bilingual text, else
    before → after as shown on the entry page."""

    field: Field
    pieces: dict[str, list[Piece]] | None = None
    before: FieldView | None = None
    after: FieldView | None = None


def _view(f: Field, doc: dict[str, Any]) -> FieldView:
    withheld, _others = withheld_items(doc)
    if f.key in withheld:
        return FieldView(f, withheld=withheld[f.key])
    if f.kind == "assessment":
        return FieldView(f, value=stages(doc))
    value, empty = _value(f, doc.get(f.key))
    return FieldView(f, value=value, empty=empty)


def text_diff(old: str | None, new: str | None) -> list[Piece]:
    """Words changed (Korean by 어절, consultations/diff.py); a text rewritten from scratch reads better as
    the old text struck out, then the new one, than as interleaved fragments."""
    pieces = words(old, new)
    same = sum(len(p.text) for p in pieces if p.op == "same" and p.text.strip())
    if old and new and same < 0.3 * min(len(old), len(new)):
        return [Piece("removed", old), Piece("added", new)]
    return pieces


def _all_withheld(doc: dict[str, Any]) -> list[Withheld]:
    by_field, others = withheld_items(doc)
    return [*by_field.values(), *others]


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Field by field, what differs between two documents (everything against nothing for the first)."""
    before = before or {}
    before_withheld, _o = withheld_items(before)
    after_withheld, _o = withheld_items(after)
    out = []
    for f in FIELDS:
        if before.get(f.key) == after.get(f.key):
            continue
        if (f.kind in BILINGUAL_KINDS and f.key not in before_withheld and f.key not in after_withheld):
            old, new = bilingual(before.get(f.key)), bilingual(after.get(f.key))
            out.append(FieldChange(f, pieces={lang: text_diff(getattr(old, lang), getattr(new, lang))
                                              for lang in ("ko", "en")}))
        elif f.kind == "withheld":
            out.append(FieldChange(f, before=FieldView(f, value=_all_withheld(before)),
                                   after=FieldView(f, value=_all_withheld(after))))
        else:
            out.append(FieldChange(f, before=_view(f, before) if before else None, after=_view(f, after)))
    return out


@bp.get("/<id:entry_id>/revisions/<id:number>")
def revision(entry_id: int, number: int):
    entry = queries.entry_or_404(entry_id)
    rev, previous = queries.revision_pair(entry, number)
    sections, withheld = present(rev.content)
    return render_template("register/revision.html", entry=entry, rev=rev, previous=previous,
                           changes=changes(previous.content if previous else None, rev.content),
                           sections=sections, withheld=withheld,
                           seq=queries.revision_events(entry, [rev]).get(rev.id))


# ---- open data ------------------------------------------------------------------------------------

SCHEMA = "https://gongnon.example.org/schema/ai-register/1"  # named in each export; documented in the README


def _links(entry: RegisterEntry) -> dict[str, str]:
    return {"page": url_for("register.show", entry_id=entry.id, _external=True),
            "history": url_for("register.history", entry_id=entry.id, _external=True),
            "json": url_for("register.entry_json", entry_id=entry.id, _external=True)}


def entry_record(entry: RegisterEntry, links: list[tuple[Any, Any]]) -> dict[str, Any]:
    """An entry as the JSON exports give it: identity, body, revision and hash, links, and the document
    exactly as hashed (content_sha256 is the SHA-256 of its RFC 8785 canonical JSON)."""
    org = entry.organization
    return {
        "id": entry.id,
        "body": {"id": org.id, "slug": org.slug, "name": org.name.as_dict(),
                 "url": url_for("register.body", org_id=org.id, _external=True)},
        "revision": entry.revision,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "content_sha256": entry.content_sha256,
        "links": _links(entry),
        "consultations": [{"id": c.id, "kind": link.kind.value, "title": c.title.as_dict(),
                           "url": url_for("consultations.show", consultation_id=c.id, _external=True),
                           "record": url_for("consultations.record", consultation_id=c.id, _external=True)}
                          for link, c in links],
        "content": entry.content,
    }


def _head() -> dict[str, Any]:
    return {"schema": SCHEMA, "generated_at": utcnow().replace(microsecond=0).isoformat(),
            "source": url_for("register.index", _external=True),
            "fields": [{"key": f.key, "kind": f.kind, "section": f.section, "required": f.required,
                        "withholdable": f.withholdable, "atrs": f.atrs, "nl": f.nl} for f in FIELDS],
            "grounds": {str(gr.value): str(gr.label) for gr in Ground}}


@bp.get("/register.json")
def export_json():
    links = queries.all_links()

    def generate() -> Iterator[str]:
        yield json.dumps(_head(), ensure_ascii=False)[:-1] + ', "entries": ['
        for i, entry in enumerate(queries.all_entries()):
            yield ("," if i else "") + json.dumps(entry_record(entry, links.get(entry.id, [])), ensure_ascii=False)
        yield "]}"

    return Response(stream_with_context(generate()), mimetype="application/json", headers={
        "Content-Disposition": 'inline; filename="ai-register.json"'})


@bp.get("/<id:entry_id>.json")
def entry_json(entry_id: int):
    entry = queries.entry_or_404(entry_id)
    links = [(link, link.consultation) for link in queries.linked_consultations(entry)]
    body = {"schema": SCHEMA, **entry_record(entry, links)}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


# Withheld values in the CSV: the legal basis, in the column's language; a data format, not interface text
WITHHELD_CSV = {"ko": "비공개: 「공공기관의 정보공개에 관한 법률」 제9조제1항제{n}호",
                "en": "withheld: Official Information Disclosure Act, Article 9(1), item {n}"}


def csv_columns() -> list[str]:
    """The CSV's header: the entry's identity, then one column per field and language (see the README)."""
    cols = ["id", "body_id", "body_name_ko", "body_name_en", "revision", "updated_at", "content_sha256", "url"]
    for f in FIELDS:
        if f.kind in BILINGUAL_KINDS:
            cols += [f"{f.key}_ko", f"{f.key}_en"]
        elif f.kind == "status_dates":
            cols += [f"status_date_{s.value}" for s in EntryStatus]
        elif f.kind == "risks":
            cols += ["risks_ko", "risks_en"]
        elif f.kind == "assessment":
            for s in Stage:
                cols += [f"assessment_{s.value}_date", f"assessment_{s.value}_summary_ko",
                         f"assessment_{s.value}_summary_en", f"assessment_{s.value}_pdf_sha256"]
        elif f.kind == "withheld":
            cols += ["withheld_ko", "withheld_en"]
        else:
            cols.append(f.key)
    return cols + ["consultations"]


def csv_row(entry: RegisterEntry, links: list[tuple[Any, Any]]) -> dict[str, Any]:
    doc, org = entry.content, entry.organization
    row: dict[str, Any] = {"id": entry.id, "body_id": org.id, "body_name_ko": org.name.ko, "body_name_en": org.name.en,
                           "revision": entry.revision, "updated_at": entry.updated_at.isoformat(),
                           "content_sha256": entry.content_sha256,
                           "url": url_for("register.show", entry_id=entry.id, _external=True)}
    withheld, _others = withheld_items(doc)  # "other" items go to withheld_ko/en with their own labels
    for f in FIELDS:
        raw = doc.get(f.key)
        if f.key in withheld:
            gr = withheld[f.key].ground
            n = gr.value if gr else "?"
            if f.kind in BILINGUAL_KINDS:
                row[f"{f.key}_ko"], row[f"{f.key}_en"] = WITHHELD_CSV["ko"].format(n=n), WITHHELD_CSV["en"].format(n=n)
            else:
                row[f.key] = WITHHELD_CSV["en"].format(n=n)
        elif f.kind in BILINGUAL_KINDS:
            b = bilingual(raw)
            row[f"{f.key}_ko"], row[f"{f.key}_en"] = b.ko, b.en
        elif f.kind == "status_dates":
            for s in EntryStatus:
                row[f"status_date_{s.value}"] = (raw or {}).get(s.value)
        elif f.kind == "risks":
            for lang in ("ko", "en"):
                row[f"risks_{lang}"] = " | ".join(
                    f"{(r.get('risk') or {}).get(lang) or ''} → {(r.get('mitigation') or {}).get(lang) or ''}"
                    for r in raw or [])
        elif f.kind == "assessment":
            for s in Stage:
                st = (raw or {}).get(s.value) or {}
                summary = bilingual(st.get("summary"))
                row[f"assessment_{s.value}_date"] = st.get("date")
                row[f"assessment_{s.value}_summary_ko"], row[f"assessment_{s.value}_summary_en"] = summary.ko, summary.en
                row[f"assessment_{s.value}_pdf_sha256"] = (st.get("pdf") or {}).get("sha256")
        elif f.kind == "withheld":
            for lang in ("ko", "en"):
                items = []
                for w in raw or []:
                    what = w.get("field")
                    label = (w.get("label") or {}).get(lang) if what == "other" else what
                    reason = (w.get("reason") or {}).get(lang) or ""
                    items.append(f"{label}: {WITHHELD_CSV[lang].format(n=w.get('ground'))} — {reason}")
                row[f"withheld_{lang}"] = " | ".join(items)
        elif f.kind == "areas":
            row[f.key] = ";".join(raw or [])
        elif f.kind == "bool":
            row[f.key] = "yes" if raw else "no"
        else:
            row[f.key] = raw
    row["consultations"] = ";".join(url_for("consultations.show", consultation_id=c.id, _external=True)
                                    for _link, c in links)
    return row


@bp.get("/register.csv")
def export_csv():
    links = queries.all_links()
    columns = csv_columns()

    def generate() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheet programs read Korean as UTF-8
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for entry in queries.all_entries():
            writer.writerow(csv_row(entry, links.get(entry.id, [])))
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="ai-register.csv"'})


@bp.get("/feed.atom")
def feed():
    """Changes to the register as Atom: the latest revisions of every entry, newest first."""
    revisions = queries.recent_revisions()
    entries = []
    for rev, entry in revisions:
        name = entry.name.pick(g.lang).text
        if rev.number == 1:
            title, summary = _("Registered: %(name)s", name=name), entry.summary.pick(g.lang).text
        else:
            title = _("Revision %(number)d: %(name)s", number=rev.number, name=name)
            labels = ", ".join(str(BY_KEY[k].label) for k in rev.changed_fields or [] if k in BY_KEY)
            note = rev.change_note.pick(g.lang).text
            summary = _("%(note)s (changed: %(fields)s)", note=note, fields=labels) if labels else note
        entries.append({"title": title, "summary": summary, "updated": rev.created_at,
                        "id": f"{url_for('register.index', _external=True)}{entry.id}/revisions/{rev.number}",
                        "url": url_for("register.revision", entry_id=entry.id, number=rev.number, _external=True),
                        "author": entry.organization.name.pick(g.lang).text})
    body = render_template("web/atom.xml", title=_("Changes to the public-sector AI register on Gongnon"),
                           self_url=url_for("register.feed", _external=True),
                           page_url=url_for("register.index", _external=True),
                           updated=max((e["updated"] for e in entries), default=datetime(2024, 1, 1)),
                           entries=entries)
    return Response(body, mimetype="application/atom+xml")


from . import manage  # noqa: E402,F401  (officials' and organisations' forms, on this blueprint)
