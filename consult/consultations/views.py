"""Public pages of consultations (list, Atom feeds, page, versions and diffs, comments, report, downloads)
and the comment forms. The officials' pages are in manage.py, on the same blueprint."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any, Iterator

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..accounts.queries import actor_in, memberships
from ..errors import Denied, Invalid
from ..extensions import htmx, utcnow
from ..forms import bilingual_value
from ..i18n import LANG, format_moment
from ..orgs import queries as org_queries
from ..orgs.models import Role
from ..record import queries as record_queries
from ..sanitize import sanitize
from ..statements import queries as statement_queries
from ..web.helpers import attach, current_actor, current_person
from ..web.timeline import present
from . import actions, diff, queries, uploads
from .forms import CommentForm, ReasonForm
from .models import CommentStatus, Consultation, Mode, NoticeType, Outcome, Status, Version

bp = Blueprint("consultations", __name__, url_prefix=LANG + "/consultations")


# ---- loading ------------------------------------------------------------------------------------

def load(consultation_id: int) -> Consultation:
    """The consultation if the visitor may see it (a draft is 404 to everyone but its officials)."""
    c = queries.consultation_or_404(consultation_id)
    if not policy.can_view_consultation(official_actor(c), c):
        abort(404)
    return c


def official_actor(c: Consultation) -> policy.Actor:
    """The visitor as a member of the owning organisation (or as themself)."""
    return actor_in(current_person(), c.owner)


def version_or_404(c: Consultation, number: int, *, published: bool = True) -> Version:
    for v in queries.versions(c, include_unpublished=not published):
        if v.number == number:
            return v
    abort(404)


def _enum_arg(name: str, enum: Any) -> Any:
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        abort(400)


@bp.app_template_global()
def comment_links(c: Consultation) -> tuple[str, str]:
    """The URL prefixes of this consultation's comment pages and of organisation pages, built once for a
    page of comment cards (url_for costs ~25 µs, and a page shows 20 cards with two links each)."""
    comment = url_for("consultations.comment", consultation_id=c.id, comment_id=1)
    org = url_for("orgs.show", slug="x")
    return comment[:-1], org[:-1]


# ---- the list -----------------------------------------------------------------------------------

@bp.get("/")
def index():
    now = utcnow()
    status = _enum_arg("status", Status)
    if status is Status.DRAFT:
        abort(400)
    org_slug = request.args.get("org") or None
    org = org_queries.by_slug(org_slug) if org_slug else None
    if org_slug and org is None:
        abort(400)
    filters = queries.ListFilters(status=status, org=org, notice_type=_enum_arg("notice_type", NoticeType))
    page = queries.public_page(filters, request.args.get("after"), now)
    context = {"page": page, "filters": filters, "now": now, "counts": queries.status_counts(now),
               "owners": queries.owners(), "totals": queries.comment_totals([c.id for c in page.items]),
               "statuses": [Status.OPEN, Status.SCHEDULED, Status.CLOSED, Status.CONCLUDED],
               "notice_types": list(NoticeType)}
    actor = current_actor()
    if current_user.is_authenticated:
        context["my_drafts"] = [(m.organization, queries.drafts_of(m.organization_id))
                                for m in memberships(current_user)
                                if policy.is_official(actor_in(current_user, m.organization))]
    if htmx and htmx.target == "consultation-results":
        return render_template("consultations/_results.html", **context)
    return render_template("consultations/index.html", actor=actor, **context)


@bp.get("/feed.atom")
def feed():
    """New consultations as Atom, every public body's or one's (?org=slug, 400 if unknown, as on the list)."""
    org_slug = request.args.get("org") or None
    org = org_queries.by_slug(org_slug) if org_slug else None
    if org_slug and org is None:
        abort(400)
    page = queries.public_page(queries.ListFilters(org=org), None, utcnow())
    # the id is the consultation's address without the page's own arguments: it never changes, and the
    # overall and the per-organisation feeds give the same entry the same id
    entries = [{"title": c.title.pick(g.lang).text, "id": f"{url_for('consultations.index', _external=True)}{c.id}",
                "url": url_for("consultations.show", consultation_id=c.id, _external=True),
                "updated": c.published_at, "author": c.owner.name.pick(g.lang).text,
                "summary": _("%(kind)s · comments from %(opens)s to %(closes)s", kind=c.notice_type.label,
                             opens=format_moment(c.opens_at), closes=format_moment(c.closes_at))}
               for c in page.items]
    title = (_("Consultations of %(org)s on Gongnon", org=org.name.pick(g.lang).text) if org
             else _("Consultations on Gongnon"))
    args = {"org": org.slug} if org else {}
    body = render_template("web/atom.xml", title=title,
                           self_url=url_for("consultations.feed", _external=True, **args),
                           page_url=url_for("consultations.index", _external=True, **args),
                           updated=max((e["updated"] for e in entries), default=datetime(2024, 1, 1)),
                           entries=entries)
    return Response(body, mimetype="application/atom+xml")


# ---- one consultation ---------------------------------------------------------------------------

def _comment_authors(c: Consultation, now: Any) -> list[tuple[str, str]]:
    """Who the visitor may comment as here: organisations they can speak for, and themself."""
    person = current_person()
    if person is None:
        return []
    choices = []
    for m in memberships(person):
        actor = actor_in(person, m.organization)
        participating = c.mode is Mode.INVITED and actions.is_participant(c, m.organization)
        if policy.can_comment(actor, c, now=now, participating=participating):
            choices.append((f"org:{m.organization_id}", m.organization.name.pick(g.lang).text))
    if policy.can_comment(policy.Actor(person), c, now=now):
        choices.append(("self", _("Myself, as an individual")))
    return choices


def comment_form(c: Consultation, version: Version, sections: list[Any], now: Any,
                 formdata: Any = None) -> CommentForm | None:
    authors = _comment_authors(c, now)
    if not authors:
        return None
    form = CommentForm(formdata=formdata) if formdata is not None else CommentForm()
    form.author.choices = authors
    form.section.choices = [("", _("The whole draft"))] + [
        (str(s.id), f"{s.number.pick(g.lang).text} {s.heading.pick(g.lang).text}".strip()) for s in sections]
    return form


def _comments_context(c: Consultation, on: str | None) -> dict[str, Any]:
    section_ids = None
    whole = False
    if on == "draft":
        whole = True
    elif on is not None:
        section_ids = queries.section_ids_for_key(c, on)
        if not section_ids:
            abort(404)
    undisposed = request.args.get("undisposed") == "1"
    page = queries.comment_page(c, section_ids=section_ids, whole_draft=whole, undisposed=undisposed,
                                after=request.args.get("after"))
    return {"comments": page, "on": on, "undisposed": undisposed,
            "campaign_sizes": queries.campaign_sizes(page.items)}


@bp.get("/<id:consultation_id>")
@bp.get("/<id:consultation_id>/versions/<id:number>")
def show(consultation_id: int, number: int | None = None):
    c = load(consultation_id)
    now = utcnow()
    actor = official_actor(c)
    published = queries.versions(c)
    if not published:
        return redirect(url_for("consultations.manage", consultation_id=c.id), 303)
    version = published[-1] if number is None else next((v for v in published if v.number == number), None)
    if version is None:
        abort(404)
    sections = queries.sections(version)
    context = {
        "c": c, "now": now, "status": c.status_at(now), "version": version, "versions": published,
        "latest": published[-1], "sections": sections, "section_counts": queries.section_counts_by_key(c),
        "attachments": queries.attachments(version), "changes": queries.deadline_changes(c),
        "report": queries.report(c), "actor": actor, "can_manage": policy.can_manage_consultation(actor, c),
        "form": comment_form(c, version, sections, now) if version is published[-1] else None,
        "history": present(record_queries.event_page(scope_type="consultation", scope_id=c.id, limit=10).items),
        "participation": participation.box(c, now),  # the visitor's organisations' invitations, requests
        "register_entries": queries.register_entries(c),  # AI register entries about the system (issue 8)
        **_comments_context(c, request.args.get("on") or None),
    }
    if htmx and htmx.target == "comments":
        return render_template("consultations/_comments.html", **context)
    return render_template("consultations/show.html", **context)


@bp.get("/<id:consultation_id>/versions/<id:number>/changes")
def changes(consultation_id: int, number: int):
    c = load(consultation_id)
    published = queries.versions(c)
    later = next((v for v in published if v.number == number), None)
    earlier = next((v for v in published if v.number == number - 1), None)
    if later is None or earlier is None:
        abort(404)
    pairs = diff.sections(queries.sections(earlier), queries.sections(later))
    return render_template("consultations/diff.html", c=c, earlier=earlier, later=later, pairs=pairs,
                           versions=published, status=c.status_at(utcnow()))


@bp.get("/<id:consultation_id>/versions/<id:number>/attachments/<id:attachment_id>")
def attachment(consultation_id: int, number: int, attachment_id: int):
    c = load(consultation_id)
    version = version_or_404(c, number, published=not policy.can_manage_consultation(official_actor(c), c))
    a = queries.attachment_or_404(version, attachment_id)
    path = uploads.path_for(a.sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=a.filename,
                         max_age=3600 if version.is_published else 0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---- comments -----------------------------------------------------------------------------------

@bp.get("/<id:consultation_id>/comments/<id:comment_id>")
def comment(consultation_id: int, comment_id: int):
    c = load(consultation_id)
    item = queries.comment_or_404(c, comment_id)
    events = present(record_queries.event_page(scope_type="consultation", scope_id=c.id,
                                               subject_ids=queries.comment_subjects(item), limit=50).items)
    now = utcnow()
    actor = actor_in(current_person(), item.author_org) if item.author_org else current_actor()
    return render_template("consultations/comment.html", c=c, item=item, revisions=queries.revisions(item),
                           events=events, now=now, status=c.status_at(now),
                           can_edit=policy.can_edit_comment(actor, item, c, now=now),
                           can_decide=policy.can_decide_disposition(official_actor(c), c, now=now),
                           can_moderate=policy.can_moderate(current_actor()) and item.is_published,
                           campaign_size=queries.campaign_sizes([item]).get(item.campaign_id or 0, 0),
                           confirm=ReasonForm(), joint=statement_queries.submission_for_comment(item.id))


def _comment_actor(form: CommentForm) -> policy.Actor:
    choice = form.author.data or ""
    if choice == "self":
        return current_actor()
    if choice.startswith("org:") and choice[4:].isdigit():
        org = org_queries.by_ids([int(choice[4:])]).get(int(choice[4:]))
        if org is not None:
            return actor_in(current_user, org)
    abort(400)


@bp.post("/<id:consultation_id>/comments")
@login_required
def comment_create(consultation_id: int):
    c = load(consultation_id)
    now = utcnow()
    published = queries.versions(c)
    if not published:
        abort(404)
    latest = published[-1]
    sections = queries.sections(latest)
    form = comment_form(c, latest, sections, now, formdata=request.form)
    if form is None:
        return render_template("consultations/closed.html", c=c, status=c.status_at(now)), 403
    if form.validate_on_submit():
        try:
            item = actions.submit_comment(_comment_actor(form), c, form.data_input(), now=now)
        except Denied as e:
            return render_template("consultations/closed.html", c=c, status=c.status_at(now), message=e.message), 403
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("Your comment was submitted and is now public."), "success")
            return redirect(url_for("consultations.comment", consultation_id=c.id, comment_id=item.id), 303)
    if htmx:
        return render_template("consultations/_comment_form.html", c=c, form=form), 422
    return render_template("consultations/comment_new.html", c=c, form=form), 422


@bp.post("/<id:consultation_id>/comments/preview")
def preview(consultation_id: int):
    """The comment as it will appear (htmx live preview; the same sanitiser as the real thing)."""
    load(consultation_id)
    body = (request.form.get("body") or "")[:20000]
    return render_template("consultations/_preview.html", html=sanitize(body))


def _own_comment(consultation_id: int, comment_id: int) -> tuple[Consultation, Any, policy.Actor]:
    c = load(consultation_id)
    item = queries.comment_or_404(c, comment_id)
    actor = actor_in(current_user, item.author_org) if item.author_org else current_actor()
    if not policy.can_edit_comment(actor, item, c, now=utcnow()):
        abort(403)
    return c, item, actor


@bp.route("/<id:consultation_id>/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@login_required
def comment_edit(consultation_id: int, comment_id: int):
    c, item, actor = _own_comment(consultation_id, comment_id)
    form = CommentForm(data={"lang": item.lang, "body": item.body_source, "translation": item.translation_source})
    del form.author
    del form.section
    if form.validate_on_submit():
        try:
            actions.revise_comment(actor, item, form.data_input(), now=utcnow())
        except Denied:
            abort(403)
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("Your comment was revised. The earlier text stays in its history."), "success")
            return redirect(url_for("consultations.comment", consultation_id=c.id, comment_id=item.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/comment_edit.html", c=c, item=item, form=form,
                           withdraw=ReasonForm(formdata=None)), status


@bp.post("/<id:consultation_id>/comments/<id:comment_id>/withdraw")
@login_required
def comment_withdraw(consultation_id: int, comment_id: int):
    c, item, actor = _own_comment(consultation_id, comment_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            actions.withdraw_comment(actor, item, bilingual_value(form.reason), now=utcnow())
        except Denied:
            abort(403)
        flash(_("Your comment was withdrawn. A public note says when it was."), "success")
        return redirect(url_for("consultations.comment", consultation_id=c.id, comment_id=item.id), 303)
    edit = CommentForm(formdata=None, data={"lang": item.lang, "body": item.body_source,
                                            "translation": item.translation_source})
    del edit.author
    del edit.section
    return render_template("consultations/comment_edit.html", c=c, item=item, form=edit, withdraw=form), 422


@bp.route("/<id:consultation_id>/comments/<id:comment_id>/hide", methods=["GET", "POST"])
@login_required
def comment_hide(consultation_id: int, comment_id: int):
    c = load(consultation_id)
    item = queries.comment_or_404(c, comment_id)
    actor = current_actor()
    if not policy.can_moderate(actor):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            actions.hide_comment(actor, item, bilingual_value(form.reason), now=utcnow())
        except Invalid as e:
            attach(form, e)
            item = queries.comment_or_404(c, comment_id)  # the rollback expired its eager-loaded relations
        else:
            flash(_("The comment was hidden. The reason is public."), "success")
            return redirect(url_for("consultations.comment", consultation_id=c.id, comment_id=item.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/hide.html", c=c, item=item, form=form), status


# ---- the result report and downloads --------------------------------------------------------------

@bp.get("/<id:consultation_id>/report")
def report(consultation_id: int):
    c = load(consultation_id)
    now = utcnow()
    if c.published_at is None:
        abort(404)
    return render_template("consultations/report.html", c=c, now=now, status=c.status_at(now),
                           report=queries.report(c), stats=queries.outcomes(c), outcomes=list(Outcome),
                           group_label=queries.group_label, versions=queries.versions(c))


EXPORT_FIELDS = ["comment_id", "submitted_at", "revised_at", "status", "organization", "organization_kind",
                 "author", "version", "section", "language", "body", "translation", "outcome", "reason_ko",
                 "reason_en", "decided_at", "changed_sections", "url"]


def _export_records(c: Consultation) -> Iterator[dict[str, Any]]:
    for item in queries.export_rows(c):
        published = item.status is CommentStatus.PUBLISHED
        d = item.disposition
        yield {
            "comment_id": item.id, "submitted_at": item.submitted_at.isoformat(),
            "revised_at": item.revised_at.isoformat() if item.revised_at else None, "status": item.status.value,
            "organization": item.author_org.name.pick(g.lang).text if item.author_org else None,
            "organization_kind": item.author_org.kind.value if item.author_org else "individual",
            "author": item.author.public_name(g.lang) if item.author and (item.author_org or published) else None,
            "version": item.version.number,
            "section": item.section.number.pick(g.lang).text if item.section else None,
            "language": item.lang, "body": item.body_source if published else None,
            "translation": item.translation_source if published else None,
            "outcome": d.outcome.value if d else None, "reason_ko": d.reason.ko if d else None,
            "reason_en": d.reason.en if d else None, "decided_at": d.decided_at.isoformat() if d else None,
            "changed_sections": [f"v{s.version.number}:{s.key}" for s in d.changed_sections] if d else [],
            "url": url_for("consultations.comment", consultation_id=c.id, comment_id=item.id, _external=True),
        }


@bp.get("/<id:consultation_id>/comments.csv")
def comments_csv(consultation_id: int):
    c = load(consultation_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 Korean correctly only with a BOM
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for record in _export_records(c):
        record["changed_sections"] = " ".join(record["changed_sections"])
        writer.writerow(record)
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=consultation-{c.id}-comments-{g.lang}.csv"})


@bp.get("/<id:consultation_id>/comments.json")
def comments_json(consultation_id: int):
    c = load(consultation_id)
    document = {"consultation": c.id, "title": c.title.as_dict(),
                "url": url_for("consultations.show", consultation_id=c.id, _external=True),
                "fields": EXPORT_FIELDS, "comments": list(_export_records(c))}
    return Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=consultation-{c.id}-comments-{g.lang}.json"})


from . import manage, participation, record  # noqa: E402,F401  (more routes on this blueprint)
