"""/<lang>/search: one box across everything, results grouped by kind with counts, filters, keyset pages
within a kind; the results region is a partial that htmx swaps in place, and the page is a plain GET form
without JavaScript. A page costs a fixed number of queries: the organisations for the filter, the counts,
the results (ids, then rows) and the organisations they name."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import format_number, gettext as _
from flask_babel import lazy_gettext as _l

from ..consultations.models import Outcome, Status
from ..extensions import htmx, utcnow
from ..i18n import LANG
from ..pagination import read_cursor
from . import queries, text
from .models import KINDS, SearchDocument, kind_range

bp = Blueprint("search", __name__, url_prefix=LANG + "/search")
RESULTS = "search-results"

KIND_LABELS = {
    "consultation": _l("Consultations"),
    "section": _l("Draft sections"),
    "comment": _l("Comments"),
    "disposition": _l("Dispositions"),
    "statement": _l("Joint statements"),
    "register_entry": _l("AI register entries"),
    "organization": _l("Organisations"),
}


def _choice(name: str, allowed: Any) -> Any:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(400)
    return value


def _day(name: str) -> date | None:
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) == 10 else abort(400)
    except ValueError:
        abort(400)


def read_filters() -> tuple[queries.Filters, str | None]:
    """The filters from the query string, and a message when the query is refused (too long). Unknown
    values of a filter are the client's error (400), as on the other lists."""
    q = " ".join((request.args.get("q") or "").split())
    error = None
    if len(q) > text.MAX_QUERY:
        error = _("Enter at most %(max)d characters to search.", max=text.MAX_QUERY)
    slug = request.args.get("org") or None
    org = queries.organization_by_slug(slug) if slug else None
    if slug and org is None:
        abort(400)
    state = _choice("state", [s.value for s in queries.STATES])
    outcome = _choice("outcome", [o.value for o in Outcome])
    since, until = _day("from"), _day("to")
    filters = queries.Filters(q=q, kind=_choice("kind", KINDS), org=org, state=Status(state) if state else None,
                              outcome=Outcome(outcome) if outcome else None, since=since, until=until)
    return filters, error


def link(doc: SearchDocument) -> str:
    """The page a result opens."""
    if doc.kind == "consultation":
        return url_for("consultations.show", consultation_id=doc.object_id)
    if doc.kind == "section":
        return url_for("consultations.show", consultation_id=doc.consultation_id, number=doc.version_number,
                       on=doc.section_key, _anchor=f"section-{doc.section_key}")
    if doc.kind == "comment":
        return url_for("consultations.comment", consultation_id=doc.consultation_id, comment_id=doc.object_id)
    if doc.kind == "disposition":
        return url_for("consultations.comment", consultation_id=doc.consultation_id, comment_id=doc.comment_id)
    if doc.kind == "statement":
        return url_for("statements.show", statement_id=doc.object_id)
    if doc.kind == "organization":
        return url_for("orgs.show", slug=doc.slug)
    return url_for("register.show", entry_id=doc.object_id)


def excerpt(doc: SearchDocument, query: list[text.Word]) -> tuple[Any, str] | None:
    """The snippet to show and its language: the page's language first, the other one when only it matches."""
    lang = g.lang
    other = "en" if lang == "ko" else "ko"
    mine, theirs = getattr(doc, f"text_{lang}"), getattr(doc, f"text_{other}")
    if mine and (text.matches(mine, query) or not text.matches(theirs, query)):
        return text.snippet(mine, query), lang
    if theirs:
        return text.snippet(theirs, query), other
    return None


def marked_title(doc: SearchDocument, query: list[text.Word]) -> tuple[Any, str, bool]:
    """The title in the page's language (or the other, marked as a fallback), matches highlighted."""
    shown = doc.title.pick(g.lang)
    return text.snippet(shown.text, query, size=400) or "", shown.lang, shown.fallback


@bp.get("")
def index():
    filters, error = read_filters()
    now = utcnow()
    partial = bool(htmx and htmx.target == RESULTS)  # htmx asks for the results only
    after = read_cursor(request.args.get("after"), (int,))
    if after is not None and (not filters.kind or not kind_range(filters.kind)[0] < after[0] <= kind_range(filters.kind)[1] + 1):
        abort(400)  # a cursor belongs to one kind's pages
    context: dict[str, Any] = {"filters": filters, "q_error": error, "results": None, "kind_labels": KIND_LABELS,
                               "link": link, "excerpt": excerpt, "marked_title": marked_title,
                               "count_cap": queries.COUNT_CAP, "fmt": format_number,
                               "outcome_label": lambda value: Outcome(value).label,
                               "with_kind": lambda kind: {**{k: v for k, v in filters.args().items() if k != "kind"},
                                                          **({"kind": kind} if kind else {})}, "q_max": text.MAX_QUERY, "after": after}
    if not partial:
        context.update(orgs=queries.organizations(g.lang), kinds=KINDS, states=queries.STATES,
                       outcomes=list(Outcome))
    if not error and text.parse(filters.q):
        context["results"] = queries.search(filters, now, after=after[0] if after else None)
    template = "search/_results.html" if partial else "search/index.html"
    return render_template(template, **context), 400 if error else 200
