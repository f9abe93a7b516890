"""Pages of joint statements (list, page, versions and changes, print, signatory exports, Atom feed) and the
forms of drafters (draft, edit or new version, open, publish, close, submit) and signatories (sign,
re-confirm, withdraw). Each page costs a fixed number of queries whatever the number of signatures."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..accounts.models import ERASED, NAME_WITHHELD
from ..accounts.queries import actor_in, memberships
from ..consultations import queries as consultation_queries
from ..consultations.diff import words
from ..consultations.models import Status as ConsultationStatus
from ..errors import Denied, Invalid
from ..extensions import htmx, utcnow
from ..i18n import LANG
from ..orgs import queries as org_queries
from ..orgs.forms import ConfirmForm
from ..orgs.models import Organization, Role
from ..record import queries as record_queries
from ..web.helpers import attach, current_actor, current_person
from ..web.timeline import present
from . import actions, queries
from .forms import SignForm, StatementForm, SubmitForm, TextForm, WithdrawForm
from .models import Group, Signature, Statement, StatementVersion, Status

bp = Blueprint("statements", __name__, url_prefix=LANG + "/statements")


# ---- who is looking -------------------------------------------------------------------------------

@dataclass
class Viewer:
    """The visitor with respect to one statement: the organisations they act for, as drafter and signer."""

    person: Any
    drafters: frozenset[int]
    actors: list[policy.Actor]  # one per membership, then the person as themself

    @property
    def self_actor(self) -> policy.Actor:
        return self.actors[-1] if self.actors else policy.ANONYMOUS

    def drafter(self) -> policy.Actor | None:
        """The visitor as a member of a drafting organisation (an admin one first), if they are one."""
        found = [a for a in self.actors if policy.is_drafter(a, self.drafters)]
        found.sort(key=lambda a: a.role != Role.ADMIN)
        return found[0] if found else None

    def releaser(self, s: Statement, now: datetime) -> policy.Actor | None:
        d = self.drafter()
        return d if d is not None and policy.can_release_statement(d, s, self.drafters, now=now) else None

    def signers(self, s: Statement, now: datetime) -> list[policy.Actor]:
        return [a for a in self.actors if policy.can_sign(a, s, now=now)]

    def actor_for_signer(self, signer: str) -> policy.Actor | None:
        for a in self.actors:
            if actions.signer_key(a) == signer:
                return a
        return None


def viewer(s: Statement, co: list[Organization] | None = None) -> Viewer:
    person = current_person()
    drafters = queries.drafter_ids(s, co)
    if person is None:
        return Viewer(None, drafters, [])
    actors = [policy.actor_for(person, m.organization, m) for m in memberships(person)]
    return Viewer(person, drafters, [*actors, policy.Actor(person)])


def load(statement_id: int) -> tuple[Statement, list[Organization], Viewer]:
    """The statement if the visitor may see it (a draft is 404 to all but its drafters)."""
    s = queries.statement_or_404(statement_id)
    co = queries.co_drafters(s)
    v = viewer(s, co)
    if s.opened_at is None and v.drafter() is None:
        abort(404)
    return s, co, v


def signatory_name(sig: Signature, lang: str) -> tuple[str, str]:
    """The public name of a signatory in lang (text, its language): an organisation's name, an individual's
    name only with their consent."""
    if sig.organization is not None:
        shown = sig.organization.name.pick(lang)
        return shown.text, shown.lang
    person = sig.person
    if person is None or person.erased_at is not None:
        return str(ERASED), lang
    if not sig.name_public or not person.display_name:
        return str(NAME_WITHHELD), lang
    if lang == "en" and person.display_name_latin:
        return person.display_name_latin, "en"
    return person.display_name, "ko"


bp.add_app_template_global(signatory_name)


def _sort_arg() -> str:
    sort = request.args.get("sort") or "date"
    if sort not in queries.SORTS:
        abort(400)
    return sort


# ---- the list -------------------------------------------------------------------------------------

@bp.get("/")
def index():
    now = utcnow()
    status = request.args.get("status") or None
    if status not in (None, Status.OPEN.value, Status.CLOSED.value):
        abort(400)
    published = request.args.get("published") or None
    if published not in (None, "1"):
        abort(400)
    org_slug = request.args.get("org") or None
    org = org_queries.by_slug(org_slug) if org_slug else None
    if org_slug and org is None:
        abort(400)
    filters = queries.ListFilters(status=Status(status) if status else None, published=bool(published), org=org)
    page = queries.public_page(filters, request.args.get("after"), now)
    context = {"page": page, "filters": filters, "now": now, "counts": queries.status_counts(now),
               "orgs": queries.drafting_orgs()}
    person = current_person()
    if person is not None:
        ms = [m for m in memberships(person) if policy.can_draft_statement(policy.actor_for(person, m.organization, m))]
        context["can_draft"] = bool(ms)
        context["my_drafts"] = queries.drafts_of([m.organization_id for m in ms])
    if htmx and htmx.target == "statement-results":
        return render_template("statements/_results.html", **context)
    return render_template("statements/index.html", **context)


@bp.get("/feed.atom")
def feed():
    page = queries.public_page(queries.ListFilters(), None, utcnow())
    entries = [{"title": s.title.pick(g.lang).text, "id": f"{url_for('statements.index', _external=True)}{s.id}",
                "url": url_for("statements.show", statement_id=s.id, _external=True),
                "updated": s.opened_at, "author": s.owner.name.pick(g.lang).text,
                "summary": _("Open for signature since %(date)s.", date=s.opened_at.strftime("%Y-%m-%d"))}
               for s in page.items]
    body = render_template("web/atom.xml", title=_("Joint statements on Gongnon"),
                           self_url=url_for("statements.feed", _external=True),
                           page_url=url_for("statements.index", _external=True),
                           updated=max((e["updated"] for e in entries), default=datetime(2024, 1, 1)),
                           entries=entries)
    return Response(body, mimetype="application/atom+xml")


# ---- drafting -------------------------------------------------------------------------------------

def _consultation_choices() -> list[tuple[str, str]]:
    rows = consultation_queries.public_page(consultation_queries.ListFilters(), None, utcnow(), limit=100).items
    return [("", _("None"))] + [(str(c.id), c.title.pick(g.lang).text) for c in rows]


def _co_drafter_choices(exclude: int | None) -> list[tuple[int, str]]:
    return [(o.id, o.name.pick(g.lang).text) for o in org_queries.verified_non_government()
            if o.id != exclude]


def _draft_actors(person: Any) -> list[policy.Actor]:
    return [a for a in (policy.actor_for(person, m.organization, m) for m in memberships(person))
            if policy.can_draft_statement(a)]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    actors = _draft_actors(current_user)
    if not actors:
        abort(403)
    form = StatementForm()
    form.org.choices = [(str(a.org.id), a.org.name.pick(g.lang).text) for a in actors]  # type: ignore[union-attr]
    form.consultation.choices = _consultation_choices()
    chosen = next((a for a in actors if str(a.org.id) == (form.org.data or "")), actors[0])  # type: ignore[union-attr]
    form.co_drafters.choices = _co_drafter_choices(actors[0].org.id if len(actors) == 1 else None)  # type: ignore[union-attr]
    if request.method == "GET" and request.args.get("consultation"):
        form.consultation.data = request.args["consultation"]
    if form.validate_on_submit():
        try:
            s = actions.create_statement(chosen, form.statement_input(), now=utcnow())
        except Denied:
            abort(403)
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The draft is saved. Only the drafting organisations can see it until it opens for signature."),
                  "success")
            return redirect(url_for("statements.show", statement_id=s.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("statements/form.html", form=form, s=None), status


@bp.route("/<id:statement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(statement_id: int):
    s, co, v = load(statement_id)
    now = utcnow()
    actor = v.drafter()
    if actor is None or not policy.can_edit_statement(actor, s, v.drafters, now=now):
        abort(403)
    current = queries.current(s)
    form: TextForm
    if s.opened_at is None:
        form = StatementForm()
        del form.org  # the drafting organisation stays the same
        form.consultation.choices = _consultation_choices()
        form.co_drafters.choices = _co_drafter_choices(s.owner_org_id)
    else:
        form = TextForm()
    if request.method == "GET":
        if isinstance(form, StatementForm):
            form.fill_statement(s, current, co)
        else:
            form.fill(current)
    elif form.validate_on_submit():
        try:
            if isinstance(form, StatementForm):
                actions.update_draft(actor, s, form.statement_input(), now=now)
                flash(_("The draft is saved."), "success")
            else:
                new = actions.revise(actor, s, form.text_input(), now=now)
                flash(_("Version %(number)d is saved and frozen. Earlier signatories were asked to re-confirm.",
                        number=new.number), "success")
        except Denied:
            abort(403)
        except Invalid as e:
            attach(form, e)
        else:
            return redirect(url_for("statements.show", statement_id=s.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("statements/form.html", form=form, s=s, current=current), status


def _confirmed(s: Statement, act: Any, done: str) -> Any:
    """A one-button form (open, publish, close): CSRF-checked, the action run, its outcome flashed."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        act()
    except Denied:
        abort(403)
    except Invalid as e:
        flash(e.message, "error")
        return redirect(url_for("statements.show", statement_id=s.id), 303)
    flash(done, "success")
    return redirect(url_for("statements.show", statement_id=s.id), 303)


def _releaser(statement_id: int) -> tuple[Statement, policy.Actor, datetime]:
    s, _co, v = load(statement_id)
    now = utcnow()
    actor = v.releaser(s, now)
    if actor is None:
        abort(403)
    return s, actor, now


@bp.post("/<id:statement_id>/open")
@login_required
def open_for_signature(statement_id: int):
    s, actor, now = _releaser(statement_id)
    return _confirmed(s, lambda: actions.open_statement(actor, s, now=now),
                      _("The statement is open for signature. Its text is frozen as version 1."))


@bp.post("/<id:statement_id>/publish")
@login_required
def publish(statement_id: int):
    s, actor, now = _releaser(statement_id)
    return _confirmed(s, lambda: actions.publish_statement(actor, s, now=now), _("The statement is published."))


@bp.post("/<id:statement_id>/close")
@login_required
def close(statement_id: int):
    s, actor, now = _releaser(statement_id)
    return _confirmed(s, lambda: actions.close_statement(actor, s, now=now), _("Signing is closed."))


@bp.route("/<id:statement_id>/submit", methods=["GET", "POST"])
@login_required
def submit(statement_id: int):
    s, actor, now = _releaser(statement_id)
    if s.published_at is None:
        abort(403)
    form = SubmitForm()
    opened = consultation_queries.public_page(consultation_queries.ListFilters(status=ConsultationStatus.OPEN),
                                              None, now, limit=100).items
    form.consultation.choices = [(str(c.id), c.title.pick(g.lang).text) for c in opened]
    if request.method == "GET" and s.consultation_id:
        form.consultation.data = str(s.consultation_id)
    if form.validate_on_submit():
        try:
            sub = actions.submit_to_consultation(actor, s, int(form.consultation.data), now=now)
        except Denied as e:
            form.consultation.errors = [*form.consultation.errors, e.message]
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The statement was submitted as one joint comment with its %(count)d signatories.",
                    count=sub.signatory_count), "success")
            return redirect(url_for("consultations.comment", consultation_id=sub.consultation_id,
                                    comment_id=sub.comment_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("statements/submit.html", s=s, form=form, now=now), status


# ---- one statement --------------------------------------------------------------------------------

def _signing_context(s: Statement, v: Viewer, now: datetime) -> dict[str, Any]:
    """What the signing region shows: counts, the visitor's own signatures and sign form, one page of the
    signatory list. A fixed number of queries."""
    sort = _sort_arg()
    counts, pending = queries.signing_counts(s)
    signer_keys = [actions.signer_key(a) for a in v.actors]
    mine = queries.signatures_of(s, signer_keys) if signer_keys else []
    signed = {sig.signer for sig in mine if not sig.is_withdrawn}
    choices = [a for a in v.signers(s, now) if actions.signer_key(a) not in signed]
    form = None
    if choices:
        form = SignForm(formdata=request.form if request.method == "POST" else None)
        form.signer.choices = [(actions.signer_key(a), a.org.name.pick(g.lang).text if a.org else _("Myself, as an individual"))
                               for a in choices]
    return {
        "s": s, "now": now, "status": s.status_at(now), "counts": counts,
        "active_total": sum(n for grp, n in counts.items() if grp != Group.WITHDRAWN),
        "pending": pending, "sort": sort,
        "signatures": queries.signature_page(s, sort=sort, lang=g.lang, after=request.args.get("after")),
        "mine": [(sig, v.actor_for_signer(sig.signer)) for sig in mine], "sign_form": form,
        "show_members": policy.can_see_signing_members(v.drafter() or policy.ANONYMOUS, v.drafters),
        "individual_choice": any(a.org is None for a in choices), "groups": {grp.value: grp for grp in Group},
    }


@bp.get("/<id:statement_id>")
@bp.get("/<id:statement_id>/versions/<id:number>")
def show(statement_id: int, number: int | None = None):
    s, co, v = load(statement_id)
    now = utcnow()
    versions = queries.versions(s)
    version = versions[-1] if number is None else next((x for x in versions if x.number == number), None)
    if version is None or (number is not None and not version.is_frozen):
        abort(404)
    context = _signing_context(s, v, now)
    if htmx and htmx.target == "signatories":
        return render_template("statements/_signatories.html", **context)
    drafter = v.drafter()
    context.update({
        "co": co, "version": version, "versions": versions, "viewer": v, "drafter": drafter,
        "can_edit": drafter is not None and policy.can_edit_statement(drafter, s, v.drafters, now=now),
        "releaser": v.releaser(s, now), "submissions": queries.submissions(s),
        "history": present(record_queries.event_page(scope_type="statement", scope_id=s.id, limit=10).items,
                           known=[s]) if s.opened_at else [],
    })
    return render_template("statements/show.html", **context)


@bp.get("/<id:statement_id>/versions/<id:number>/changes")
def changes(statement_id: int, number: int):
    s, _co, _v = load(statement_id)
    later, earlier = queries.version(s, number), queries.version(s, number - 1)
    if later is None or earlier is None or not later.is_frozen:
        abort(404)
    pieces = {lang: {"title": words(getattr(earlier.title, lang), getattr(later.title, lang)),
                     "body": words(getattr(earlier.body_source, lang), getattr(later.body_source, lang))}
              for lang in ("ko", "en")}
    return render_template("statements/diff.html", s=s, earlier=earlier, later=later, pieces=pieces)


@bp.get("/<id:statement_id>/print")
def print_view(statement_id: int):
    s, co, _v = load(statement_id)
    if s.opened_at is None:
        abort(404)
    counts, _pending = queries.signing_counts(s)
    return render_template("statements/print.html", s=s, co=co, version=queries.current(s), now=utcnow(),
                           groups=queries.printed_names(s, g.lang), unnamed=counts.get(Group.UNNAMED, 0))


# ---- signing --------------------------------------------------------------------------------------

def _signing_response(s: Statement, v: Viewer, now: datetime, message: str, status: int = 200) -> Any:
    """After a signature changes: the signing region for htmx, else back to the page (PRG)."""
    if htmx:
        context = _signing_context(s, v, now)
        return render_template("statements/_signing.html", flash_message=message, **context), status
    if status >= 400:
        return render_template("statements/refused.html", s=s, message=message), status
    flash(message, "success")
    return redirect(url_for("statements.show", statement_id=s.id) + "#signing", 303)


@bp.post("/<id:statement_id>/sign")
@login_required
def sign(statement_id: int):
    s, _co, v = load(statement_id)
    now = utcnow()
    if s.opened_at is None:
        abort(404)
    if s.status_at(now) is not Status.OPEN:  # a form opened in time and posted after the deadline
        return _signing_response(s, v, now, _("This statement is not open for signature. Nothing was saved."), 403)
    form = SignForm()
    options = {actions.signer_key(a): a for a in v.actors}
    form.signer.choices = [(k, k) for k in options]
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _signing_response(s, v, now, _("Choose who signs."), 422)
    actor = options[form.signer.data]
    try:
        actions.sign(actor, s, name_public=bool(form.name_public.data), now=now)
    except Denied as e:
        return _signing_response(s, v, now, e.message, 403)
    except Invalid as e:
        return _signing_response(s, v, now, e.message, 422)
    if actor.org is None:
        message = _("You signed version %(number)d of the statement.", number=s.current_version)
    else:
        message = _("%(name)s signed version %(number)d of the statement.", name=actor.org.name.pick(g.lang).text,
                    number=s.current_version)
    return _signing_response(s, v, now, message)


def _own_signature(statement_id: int, signature_id: int) -> tuple[Statement, Viewer, Signature, policy.Actor, datetime]:
    s, _co, v = load(statement_id)
    sig = queries.signature_or_404(s, signature_id)
    now = utcnow()
    actor = v.actor_for_signer(sig.signer)
    if actor is None or not policy.can_change_signature(actor, sig, s, now=now):
        abort(403)
    return s, v, sig, actor, now


@bp.post("/<id:statement_id>/signatures/<id:signature_id>/reconfirm")
@login_required
def reconfirm(statement_id: int, signature_id: int):
    s, v, sig, actor, now = _own_signature(statement_id, signature_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        actions.reconfirm(actor, sig, now=now)
    except Invalid as e:
        return _signing_response(s, v, now, e.message, 422)
    return _signing_response(s, v, now, _("The signature is now on version %(number)d.", number=s.current_version))


@bp.route("/<id:statement_id>/signatures/<id:signature_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(statement_id: int, signature_id: int):
    s, v, sig, actor, now = _own_signature(statement_id, signature_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        from ..forms import bilingual_value
        try:
            actions.withdraw_signature(actor, sig, bilingual_value(form.reason), now=now)
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The signature is withdrawn. The list shows it as withdrawn, with the date."), "success")
            return redirect(url_for("statements.show", statement_id=s.id) + "#signing", 303)
    status = 422 if request.method == "POST" else 200
    return render_template("statements/withdraw.html", s=s, sig=sig, form=form), status


# ---- exports --------------------------------------------------------------------------------------

def _rows(s: Statement) -> Iterator[dict[str, Any]]:
    for sig in queries.all_signatures(s, lang="ko"):
        ko, _lang = signatory_name(sig, "ko")
        en, _lang = signatory_name(sig, "en")
        state = "withdrawn" if sig.is_withdrawn else ("pending" if sig.is_pending(s.current_version) else "current")
        yield {"group": Group(sig.list_group).name.lower(), "kind": sig.organization.kind.value if sig.organization else "individual",
               "name_ko": ko, "name_en": en,
               "organization": sig.organization.slug if sig.organization else None,
               "signed_at": sig.signed_at.isoformat(), "version": sig.version, "first_version": sig.first_version,
               "state": state, "reconfirmed_at": sig.reconfirmed_at.isoformat() if sig.reconfirmed_at else None,
               "withdrawn_at": sig.withdrawn_at.isoformat() if sig.withdrawn_at else None}


def _export(statement_id: int) -> Statement:
    s, _co, _v = load(statement_id)
    if s.opened_at is None:
        abort(404)
    return s


@bp.get("/<id:statement_id>/signatories.csv")
def signatories_csv(statement_id: int):
    s = _export(statement_id)

    def generate() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheet programs read Korean as UTF-8
        buffer = io.StringIO()
        writer: Any = None
        for row in _rows(s):
            if writer is None:
                writer = csv.DictWriter(buffer, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(generate(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="statement-{s.id}-signatories.csv"'})


@bp.get("/<id:statement_id>/signatories.json")
def signatories_json(statement_id: int):
    s = _export(statement_id)
    v = queries.current(s)

    def generate() -> Iterator[str]:
        head = {"statement": s.id, "title": v.title.as_dict(), "version": v.number,
                "content_sha256": v.content_sha256, "signatures": s.signature_count}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "signatories": ['
        for i, row in enumerate(_rows(s)):
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
        yield "]}"

    return Response(generate(), mimetype="application/json")
