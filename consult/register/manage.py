"""Officials' pages of the AI register (register, revise, assessment stages, linked consultations,
answers to flags) and organisations' flags.

The entry page (views.show) includes `register/_manage.html` and `register/_flags.html` with the context
of `manage_context(entry, actor)` and `flag_context(entry, actor)` below; `actor` may be the visitor as
themself (views.current_actor()): the organisations they act for are looked up here.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.queries import actor_in, memberships
from ..consultations.models import Consultation
from ..errors import Denied, Invalid
from ..extensions import db, utcnow
from ..forms import bilingual_value
from ..orgs.forms import ConfirmForm
from ..orgs.models import Organization
from ..web.helpers import attach, offices as choose_office
from . import actions, queries
from .forms import AnswerForm, AssessmentForm, BodyFlagForm, EditEntryForm, EntryForm, FlagForm, LinkForm
from .models import EntryConsultation, Flag, FlagKind, RegisterEntry, Stage
from .fields import BY_KEY
from .views import bp

FIELD_LABELS = {key: f.label for key, f in BY_KEY.items()}


# ---- helpers ----------------------------------------------------------------------------------------

def _entry_url(entry_id: int, anchor: str = "") -> str:
    return url_for("register.show", entry_id=entry_id) + anchor


def _edited(entry_id: int) -> tuple[RegisterEntry, policy.Actor]:
    """The entry (404 if unknown) and the visitor as one of its body's officials (403 otherwise)."""
    entry = queries.entry_or_404(entry_id)
    actor = actor_in(current_user, entry.organization)
    if not policy.can_edit_entry(actor, entry):
        abort(403)
    return entry, actor


def _flaggers(person: Any) -> list[policy.Actor]:
    """The person as each organisation they may flag for (verified, not government)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    return [a for a in (policy.actor_for(person, m.organization, m) for m in memberships(person))
            if policy.can_flag(a)]


def _org_choices(actors: list[policy.Actor]) -> list[tuple[str, str]]:
    return [(str(a.org.id), a.org.name.pick(g.lang).text) for a in actors]  # type: ignore[union-attr]


def _flag_form(actors: list[policy.Actor], cls: type[FlagForm] = FlagForm, **kwargs: Any) -> FlagForm:
    form = cls(**kwargs)
    form.org.choices = _org_choices(actors)
    if request.method == "GET":
        form.lang.data = g.lang
    return form


def _answer_form(flag: Flag, **kwargs: Any) -> AnswerForm:
    return AnswerForm(prefix=f"answer-{flag.id}", **kwargs)


def manage_context(entry: RegisterEntry, actor: policy.Actor) -> dict[str, Any]:
    """For `register/_manage.html`: `manager` — the visitor as an official of the entry's body, or None."""
    manager = actor_in(actor.person, entry.organization) if actor.person is not None else policy.ANONYMOUS
    return {"manager": manager if policy.can_edit_entry(manager, entry) else None}


def flag_context(entry: RegisterEntry, actor: policy.Actor) -> dict[str, Any]:
    """For `register/_flags.html` (with `entry` and `flags`, a list of Flag with .organization loaded):
    `flag_form` — a FlagForm when the visitor may flag for at least one organisation, else None;
    `field_labels` — field key → label (what a missing-information flag is about);
    `answerer` — the visitor as an official of the entry's body, or None; `answer_form_for(flag)` — the
    empty AnswerForm of an unanswered flag (None once answered), given only when there is an answerer."""
    flaggers = _flaggers(actor.person)
    form = None
    if flaggers:
        form = FlagForm(formdata=None)
        form.org.choices = _org_choices(flaggers)
        form.lang.data = g.lang
    answerer = actor_in(actor.person, entry.organization) if actor.person is not None else policy.ANONYMOUS
    if not policy.is_official(answerer) or answerer.org is None or answerer.org.id != entry.organization_id:
        answerer = None
    return {"flag_form": form, "answerer": answerer, "field_labels": FIELD_LABELS,
            "answer_form_for": _answer_form_for if answerer is not None else None}


def _answer_form_for(flag: Flag) -> AnswerForm | None:
    """The empty answer form of an unanswered flag (called by the template for each flag)."""
    return None if flag.answered_at is not None else _answer_form(flag, formdata=None)


# ---- registering and revising -----------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    offices, org = choose_office(policy.can_register_system)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            entry = actions.register_system(actor_in(current_user, org), form.document(), now=utcnow())
        except Invalid as e:
            form.attach(e)
        except Denied:
            abort(403)
        else:
            flash(_("The AI system was registered. Its first revision and its hash are in the public record."),
                  "success")
            return redirect(_entry_url(entry.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("register/form.html", form=form, entry=None, org=org, offices=offices), status


@bp.route("/<id:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    entry, actor = _edited(entry_id)
    form = EditEntryForm()
    if request.method == "GET":
        form.fill(entry.content)
    if form.validate_on_submit():
        try:
            actions.revise_entry(actor, entry, form.document(entry.content), bilingual_value(form.change_note),
                                 now=utcnow())
        except Invalid as e:
            form.attach(e)
        except Denied:
            abort(403)
        else:
            flash(_("The entry was changed. The new revision and its hash are in the public record."), "success")
            return redirect(_entry_url(entry.id), 303)
    status = 422 if request.method == "POST" else 200
    entry = queries.entry_or_404(entry_id)  # after a refused action the rollback expired what was loaded
    return render_template("register/form.html", form=form, entry=entry, org=entry.organization,
                           offices=[entry.organization]), status


@bp.route("/<id:entry_id>/assessment", methods=["GET", "POST"])
@login_required
def assessment(entry_id: int):
    entry, actor = _edited(entry_id)
    form = AssessmentForm()
    if request.method == "GET" and request.args.get("stage") in {s.value for s in Stage}:
        form.stage.data = request.args["stage"]
    if form.validate_on_submit():
        upload = form.pdf.data
        pdf = actions.PdfUpload(upload.filename or "assessment.pdf", upload.read()) if upload else None
        try:
            actions.record_assessment_stage(actor, entry, Stage(form.stage.data), form.date.data,
                                            bilingual_value(form.summary), pdf, now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The assessment stage was recorded as a new revision of the entry."), "success")
            return redirect(_entry_url(entry.id), 303)
    status = 422 if request.method == "POST" else 200
    entry = queries.entry_or_404(entry_id)
    return render_template("register/assessment_form.html", form=form, entry=entry,
                           stage_labels={s.value: s.label for s in Stage}), status


# ---- consultations ---------------------------------------------------------------------------------

def _linkable(entry: RegisterEntry) -> list[Consultation]:
    """The body's published consultations not yet linked to the entry, newest first: one query."""
    linked = select(EntryConsultation.consultation_id).where(EntryConsultation.entry_id == entry.id)
    return list(db.session.scalars(select(Consultation).where(
        Consultation.owner_org_id == entry.organization_id, Consultation.published_at.is_not(None),
        Consultation.id.not_in(linked)).order_by(Consultation.published_at.desc(), Consultation.id.desc())
        .limit(200)))


@bp.route("/<id:entry_id>/consultations", methods=["GET", "POST"])
@login_required
def consultations(entry_id: int):
    entry, actor = _edited(entry_id)
    form = LinkForm()
    form.consultation.choices = [(str(c.id), c.title.pick(g.lang).text) for c in _linkable(entry)]
    if form.validate_on_submit():
        c = db.session.get(Consultation, int(form.consultation.data))
        try:
            actions.link_consultation(actor, entry, c, now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The consultation was linked to the entry."), "success")
            return redirect(_entry_url(entry.id), 303)
    status = 422 if request.method == "POST" else 200
    entry = queries.entry_or_404(entry_id)
    return render_template("register/link_form.html", form=form, entry=entry, confirm=ConfirmForm(formdata=None),
                           linked=queries.linked_consultations(entry, public_only=False)), status


@bp.post("/<id:entry_id>/consultations/assessment")
@login_required
def open_assessment(entry_id: int):
    entry, actor = _edited(entry_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        c = actions.open_assessment_consultation(actor, entry, now=utcnow())
    except Denied:
        abort(403)
    except Invalid as e:
        flash(e.message, "error")
        return redirect(url_for("register.consultations", entry_id=entry_id), 303)
    flash(_("A draft consultation on the impact assessment was created and linked to the entry. Check its "
            "text and period, then publish it."), "success")
    return redirect(url_for("consultations.edit", consultation_id=c.id), 303)


# ---- flags and answers -----------------------------------------------------------------------------

def _chosen(actors: list[policy.Actor], form: FlagForm) -> policy.Actor:
    return next((a for a in actors if str(a.org.id) == (form.org.data or "")), actors[0])  # type: ignore[union-attr]


def _flag(form: FlagForm, act: Any, page: str, **context: Any) -> Any:
    """Validate a flag form, run the action, redirect (303) or re-render the page (422)."""
    if form.validate_on_submit():
        try:
            flag = act()
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("Your flag was published. The body has been notified and its answer will be public."), "success")
            if flag.entry_id is not None:
                return redirect(_entry_url(flag.entry_id, f"#flag-{flag.id}"), 303)
            return redirect(url_for("register.body", org_id=flag.body_org_id) + f"#flag-{flag.id}", 303)
    status = 422 if request.method == "POST" else 200
    return render_template(page, form=form, field_labels=FIELD_LABELS, **context), status


@bp.route("/<id:entry_id>/flags", methods=["GET", "POST"])
@login_required
def flag_entry(entry_id: int):
    entry = queries.entry_or_404(entry_id)
    actors = _flaggers(current_user)
    if not actors:
        abort(403)
    form = _flag_form(actors)
    body_org = entry.organization
    return _flag(form, lambda: actions.flag_entry(
        _chosen(actors, form), body_org=body_org, entry=entry, kind=FlagKind(form.kind.data),
        field=form.field.data or None, body=form.body.data, lang=form.lang.data,
        evidence_url=form.evidence_url.data or None, now=utcnow()),
        "register/flag_form.html", entry=entry, body_org=body_org)


@bp.route("/bodies/<id:org_id>/flags", methods=["GET", "POST"])
@login_required
def flag_body(org_id: int):
    body_org = db.session.get(Organization, org_id)
    if body_org is None or not body_org.is_government or not body_org.is_verified:
        abort(404)
    actors = _flaggers(current_user)
    if not actors:
        abort(403)
    form = _flag_form(actors, BodyFlagForm)
    return _flag(form, lambda: actions.flag_entry(
        _chosen(actors, form), body_org=body_org, kind=FlagKind.UNREGISTERED_SYSTEM, body=form.body.data,
        lang=form.lang.data, evidence_url=form.evidence_url.data, now=utcnow()),
        "register/flag_form.html", entry=None, body_org=body_org)


def _flag_or_none(flag_id: int) -> Flag | None:
    return db.session.scalar(select(Flag).where(Flag.id == flag_id).options(joinedload(Flag.organization)))


@bp.route("/flags/<id:flag_id>/answer", methods=["GET", "POST"])
@login_required
def answer(flag_id: int):
    flag = _flag_or_none(flag_id)
    if flag is None:
        abort(404)
    body_org = db.session.get(Organization, flag.body_org_id)
    actor = actor_in(current_user, body_org)
    if not policy.can_answer_flag(actor, flag):
        abort(403)
    form = _answer_form(flag)
    if form.validate_on_submit():
        try:
            actions.answer_flag(actor, flag, form.outcome.data, bilingual_value(form.answer), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("Your answer was published. The organisation that raised the flag has been notified."),
                  "success")
            if flag.entry_id is not None:
                return redirect(_entry_url(flag.entry_id, f"#flag-{flag.id}"), 303)
            return redirect(url_for("register.body", org_id=flag.body_org_id) + f"#flag-{flag.id}", 303)
    status = 422 if request.method == "POST" else 200
    flag = _flag_or_none(flag_id)
    entry = db.session.get(RegisterEntry, flag.entry_id) if flag.entry_id else None  # type: ignore[union-attr]
    flagger = db.session.get(Organization, flag.organization_id)  # type: ignore[union-attr]
    return render_template("register/answer_form.html", form=form, flag=flag, entry=entry, body_org=body_org,
                           flagger=flagger, field_labels=FIELD_LABELS), status
