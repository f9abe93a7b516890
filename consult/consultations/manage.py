"""The officials' pages: create and edit a consultation, prepare and publish versions, move the deadline,
record dispositions (one comment or a whole campaign), and conclude with the result report."""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import policy
from ..accounts.queries import actor_in
from ..errors import Denied, Invalid
from ..extensions import utcnow
from ..forms import bilingual_value
from ..orgs.forms import ConfirmForm
from ..web.helpers import attach, offices as choose_office
from . import actions, queries
from .forms import (AttachmentForm, ConcludeForm, ConsultationForm, DeadlineForm, DispositionForm, SectionForm,
                    VersionForm, seoul_day)
from .models import Consultation, Section, Version
from .views import bp, load, official_actor, version_or_404


def _managed(consultation_id: int) -> tuple[Consultation, policy.Actor]:
    c = load(consultation_id)
    actor = official_actor(c)
    if not policy.can_manage_consultation(actor, c):
        abort(403)
    return c, actor


def _to_manage(c: Consultation, anchor: str = "") -> Any:
    return redirect(url_for("consultations.manage", consultation_id=c.id) + anchor, 303)


def _refused(c: Consultation, e: Exception) -> Any:
    flash(getattr(e, "message", str(e)), "error")
    return _to_manage(c)


def _confirmed(c: Consultation, act: Callable[[], Any], done: str | None, then: Any) -> Any:
    """A one-button form (publish, start a version, delete …): CSRF-checked, the action run, its refusal
    flashed on the management page, its success flashed and followed by `then` (a redirect)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        act()
    except (Invalid, Denied) as e:
        return _refused(c, e)
    if done:
        flash(done, "success")
    return then


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    offices, org = choose_office(policy.can_create_consultation)
    form = ConsultationForm()
    if request.method == "GET":
        form.target_groups.data = []
    if form.validate_on_submit():
        try:
            c = actions.create_consultation(actor_in(current_user, org), form.data_input(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The draft consultation was created. Add its sections, then publish it."), "success")
            return _to_manage(c)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/form.html", form=form, c=None, org=org, offices=offices), status


@bp.get("/<id:consultation_id>/manage")
@login_required
def manage(consultation_id: int):
    c, actor = _managed(consultation_id)
    return _manage_with(c, actor, 200)


def _version_form(version: Version | None) -> VersionForm | None:
    if version is None:
        return None
    form = VersionForm(formdata=None)
    form.fill(version)
    return form


@bp.route("/<id:consultation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id: int):
    c, actor = _managed(consultation_id)
    if c.published_at is not None:
        abort(403)
    form = ConsultationForm()
    if request.method == "GET":
        form.fill(c)
    if form.validate_on_submit():
        try:
            actions.update_consultation(actor, c, form.data_input(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The draft was saved."), "success")
            return _to_manage(c)
    status = 422 if request.method == "POST" else 200
    c = queries.consultation_or_404(c.id)  # after a refused action the rollback expired what was loaded
    return render_template("consultations/form.html", form=form, c=c, org=c.owner, offices=[c.owner]), status


@bp.post("/<id:consultation_id>/publish")
@login_required
def publish(consultation_id: int):
    c, actor = _managed(consultation_id)
    return _confirmed(c, lambda: actions.publish_consultation(actor, c, now=utcnow()),
                      _("The consultation was published. Its first version and its hash are in the public record."),
                      redirect(url_for("consultations.show", consultation_id=c.id), 303))


# ---- the version being prepared ---------------------------------------------------------------

def _editable(c: Consultation, number: int) -> Version:
    version = version_or_404(c, number, published=False)
    if version.is_published:
        abort(409)
    return version


@bp.post("/<id:consultation_id>/versions/new")
@login_required
def version_new(consultation_id: int):
    c, actor = _managed(consultation_id)
    return _confirmed(c, lambda: actions.start_version(actor, c, now=utcnow()),
                      _("A new version was started as a copy of the current one. Change its sections, then "
                        "publish it."), _to_manage(c, "#editable"))


@bp.post("/<id:consultation_id>/versions/<id:number>")
@login_required
def version_save(consultation_id: int, number: int):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            actions.update_version(actor, c, version, title=bilingual_value(form.title),
                                   summary=bilingual_value(form.summary),
                                   change_note=bilingual_value(form.change_note), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The version's details were saved."), "success")
            return _to_manage(c, "#editable")
    return _manage_with(c, actor, 422, version_form=form)


@bp.post("/<id:consultation_id>/versions/<id:number>/publish")
@login_required
def version_publish(consultation_id: int, number: int):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    return _confirmed(c, lambda: actions.publish_version(actor, c, version, now=utcnow()),
                      _("Version %(number)d was published; its hash is in the public record.", number=number),
                      redirect(url_for("consultations.changes", consultation_id=c.id, number=number), 303))


def _manage_with(c: Consultation, actor: policy.Actor, status: int, **forms: Any) -> Any:
    """The management page, with a form's messages when one failed (422)."""
    c = queries.consultation_or_404(c.id)  # after a refused action the rollback expired what was loaded
    now = utcnow()
    editable = actions.editable_version(c)
    deadline = forms.pop("deadline_form", None)
    if deadline is None:
        deadline = DeadlineForm(formdata=None)
        deadline.closes_on.data = seoul_day(c.closes_at)
    context = dict(
        c=c, now=now, status=c.status_at(now), actor=actor, versions=queries.versions(c), editable=editable,
        sections=queries.sections(editable) if editable else [],
        attachments=queries.attachments(editable) if editable else [],
        version_form=_version_form(editable), section_form=SectionForm(formdata=None),
        attachment_form=AttachmentForm(formdata=None), deadline_form=deadline, confirm=ConfirmForm(),
        campaigns=queries.campaigns(c) if c.published_at else [],
        undisposed=actions.undisposed_count(c) if c.published_at else 0, changes=queries.deadline_changes(c),
        can_edit=policy.can_edit_draft(actor, c, now=now), can_deadline=policy.can_change_deadline(actor, c, now=now),
        can_decide=policy.can_decide_disposition(actor, c, now=now), can_conclude=policy.can_conclude(actor, c, now=now))
    context.update(forms)
    return render_template("consultations/manage.html", **context), status


def _section_of(version: Version, section_id: int) -> Section:
    section = next((s for s in queries.sections(version) if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


@bp.route("/<id:consultation_id>/versions/<id:number>/sections/new", methods=["GET", "POST"])
@bp.route("/<id:consultation_id>/versions/<id:number>/sections/<id:section_id>", methods=["GET", "POST"])
@login_required
def section_form(consultation_id: int, number: int, section_id: int | None = None):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    section = _section_of(version, section_id) if section_id is not None else None
    form = SectionForm()
    if request.method == "GET" and section is not None:
        form.fill(section)
    if form.validate_on_submit():
        try:
            actions.save_section(actor, c, version, form.data_input(), section=section, now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The section was saved."), "success")
            return _to_manage(c, "#editable")
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/section_form.html", c=c, version=version, section=section,
                           form=form), status


@bp.post("/<id:consultation_id>/versions/<id:number>/sections/<id:section_id>/<any(up, down, delete):op>")
@login_required
def section_op(consultation_id: int, number: int, section_id: int, op: str):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    section = _section_of(version, section_id)
    if op == "delete":
        return _confirmed(c, lambda: actions.delete_section(actor, c, version, section, now=utcnow()),
                          _("The section was removed from this version."), _to_manage(c, "#editable"))
    return _confirmed(c, lambda: actions.move_section(actor, c, version, section, -1 if op == "up" else 1,
                                                      now=utcnow()), None, _to_manage(c, "#editable"))


@bp.post("/<id:consultation_id>/versions/<id:number>/attachments")
@login_required
def attachment_add(consultation_id: int, number: int):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            actions.add_attachment(actor, c, version, upload.filename or "", upload.read(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The PDF was attached."), "success")
            return _to_manage(c, "#editable")
    return _manage_with(c, actor, 422, attachment_form=form)


@bp.post("/<id:consultation_id>/versions/<id:number>/attachments/<id:attachment_id>/delete")
@login_required
def attachment_remove(consultation_id: int, number: int, attachment_id: int):
    c, actor = _managed(consultation_id)
    version = _editable(c, number)
    item = queries.attachment_or_404(version, attachment_id)
    return _confirmed(c, lambda: actions.remove_attachment(actor, c, version, item, now=utcnow()),
                      _("The attachment was removed."), _to_manage(c, "#editable"))


# ---- deadline, dispositions, conclusion ---------------------------------------------------------

@bp.post("/<id:consultation_id>/deadline")
@login_required
def deadline(consultation_id: int):
    c, actor = _managed(consultation_id)
    if not policy.can_change_deadline(actor, c, now=utcnow()):
        abort(403)
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            actions.change_deadline(actor, c, form.closes_at(), bilingual_value(form.reason), now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The deadline was changed. The change and its reason are public."), "success")
            return _to_manage(c)
    return _manage_with(c, actor, 422, deadline_form=form)


def _disposition_form(c: Consultation, after_version: int, formdata: Any = None) -> DispositionForm:
    form = DispositionForm(formdata=formdata) if formdata is not None else DispositionForm()
    form.changed_sections.choices = [
        (s.id, _("Version %(number)d", number=v.number) + f" · {s.number.pick(g.lang).text} {s.heading.pick(g.lang).text}")
        for v, s in queries.later_sections(c, after_version)]
    return form


@bp.route("/<id:consultation_id>/comments/<id:comment_id>/disposition", methods=["GET", "POST"])
@login_required
def disposition(consultation_id: int, comment_id: int):
    c, actor = _managed(consultation_id)
    now = utcnow()
    if not policy.can_decide_disposition(actor, c, now=now):
        abort(403)
    item = queries.comment_or_404(c, comment_id)
    form = _disposition_form(c, item.version.number)
    if request.method == "GET" and item.disposition is not None:
        d = item.disposition
        form.outcome.data = d.outcome.value
        form.reason.ko.data, form.reason.en.data = d.reason.ko, d.reason.en
        form.changed_sections.data = [s.id for s in d.changed_sections]
    if form.validate_on_submit():
        try:
            actions.record_disposition(actor, item, form.data_input(), now=now)
        except Invalid as e:
            attach(form, e)
            item = queries.comment_or_404(c, comment_id)  # the rollback expired its eager-loaded relations
        else:
            flash(_("The disposition was recorded and published."), "success")
            return redirect(url_for("consultations.comment", consultation_id=c.id, comment_id=item.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/disposition.html", c=c, item=item, form=form, campaign=None), status


@bp.route("/<id:consultation_id>/campaigns/<id:campaign_id>/disposition", methods=["GET", "POST"])
@login_required
def campaign_disposition(consultation_id: int, campaign_id: int):
    c, actor = _managed(consultation_id)
    now = utcnow()
    if not policy.can_decide_disposition(actor, c, now=now):
        abort(403)
    group = next((grp for grp in queries.campaigns(c) if grp.id == campaign_id), None)
    if group is None or group.first is None:
        abort(404)
    item = queries.comment_or_404(c, group.first.id)
    form = _disposition_form(c, item.version.number)
    if form.validate_on_submit():
        try:
            answered = actions.record_campaign_disposition(actor, c, campaign_id, form.data_input(), now=now)
        except Invalid as e:
            attach(form, e)
            item = queries.comment_or_404(c, item.id)  # the rollback expired its eager-loaded relations
        else:
            flash(ngettext("The disposition was recorded for %(num)d comment of the group.",
                           "The disposition was recorded for %(num)d comments of the group.", len(answered)),
                  "success")
            return _to_manage(c, "#campaigns")
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/disposition.html", c=c, item=item, form=form, campaign=group), status


@bp.route("/<id:consultation_id>/conclude", methods=["GET", "POST"])
@login_required
def conclude(consultation_id: int):
    c, actor = _managed(consultation_id)
    now = utcnow()
    if not policy.can_conclude(actor, c, now=now):
        abort(403)
    form = ConcludeForm()
    if form.validate_on_submit():
        try:
            actions.conclude(actor, c, title=bilingual_value(form.title), body=bilingual_value(form.body),
                             undisposed_reason=bilingual_value(form.undisposed_reason), now=now)
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The result report was published and the consultation is concluded."), "success")
            return redirect(url_for("consultations.report", consultation_id=c.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/conclude.html", c=c, form=form, undisposed=actions.undisposed_count(c),
                           stats=queries.outcomes(c)), status
