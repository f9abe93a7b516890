"""Who takes part, as people meet it: officials invite organisations (by search or by email), withdraw
invitations, decide participation requests and record meetings; invited organisations answer; any
verified organisation asks to take part in an invited consultation. Routes on the consultations blueprint."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from .. import policy
from ..accounts.queries import actor_in
from ..errors import Denied, Invalid
from ..extensions import htmx, utcnow
from ..forms import bilingual_value
from ..orgs.models import ORG_KIND_LABELS, OrgKind
from ..web.helpers import attach, current_person
from . import actions, queries, uploads
from .forms import AnswerForm, DecisionForm, EmailInviteForm, InviteForm, MeetingForm, ReasonForm, RequestForm
from .models import Consultation, InvitationState, Mode, Purpose, RequestDecision, Status
from .views import bp, load, official_actor

NO_CSRF = {"csrf": False}  # forms repeated on a page carry a prefix; CSRFProtect checks the page's token
CHOSEN_MAX = 200  # ticked organisations carried across searches


def _official(consultation_id: int) -> tuple[Consultation, policy.Actor]:
    c = load(consultation_id)
    actor = official_actor(c)
    if not policy.can_manage_consultation(actor, c):
        abort(403)
    return c, actor


def _purpose(form: Any) -> Purpose:
    return Purpose(form.purpose.data)


def _to_page(c: Consultation, anchor: str = "") -> Any:
    return redirect(url_for("consultations.invitations", consultation_id=c.id) + anchor, 303)


# ---- the officials' page: invitations, requests, meetings ----------------------------------------

def _search() -> tuple[OrgKind | None, str]:
    """The candidate search (kind, a part of the name), from the query string or the posted form."""
    value = request.values.get("kind") or None
    try:
        kind = OrgKind(value) if value else None
    except ValueError:
        abort(400)
    return kind, (request.values.get("q") or "").strip()[:100]


def _candidates(c: Consultation, invitations: list[Any], chosen: list[int] | None = None) -> dict[str, Any]:
    """The search's candidates, and the organisations ticked before the search changed (kept ticked above
    the list, so narrowing the search never drops a choice)."""
    kind, q = _search()
    invited: dict[int, list[Any]] = {}
    for i in invitations:
        if i.organization_id is not None and i.state is not InvitationState.WITHDRAWN:
            invited.setdefault(i.organization_id, []).append(i.purpose)
    candidates = queries.invite_candidates(c, kind, q, g.lang)
    chosen = list(dict.fromkeys(chosen or []))[:CHOSEN_MAX]
    listed = {o.id for o in candidates.items}
    earlier = [i for i in chosen if i not in listed]
    return {"candidates": candidates, "kind": kind, "q": q, "chosen": chosen,
            "chosen_elsewhere": queries.invite_candidates_by_id(c, earlier) if earlier else [],
            "kinds": list(ORG_KIND_LABELS.items()), "invited_purposes": invited}


def _ticked() -> list[int]:
    """Organisation ids ticked in the form the search belongs to (sent along by htmx)."""
    return [int(v) for v in request.args.getlist("organizations") if v.isdigit() and len(v) < 10]


def _decision_form(item: Any, formdata: Any = None) -> DecisionForm:
    if formdata is None:
        return DecisionForm(formdata=None, prefix=f"request-{item.id}", meta=NO_CSRF)
    return DecisionForm(prefix=f"request-{item.id}", meta=NO_CSRF)


def _page(c: Consultation, actor: policy.Actor, status: int = 200, **forms: Any) -> Any:
    """The officials' participation page, with a failed form's messages (422)."""
    c = queries.consultation_or_404(c.id)  # after a refused action the rollback expired what was loaded
    now = utcnow()
    invitations = queries.invitations_of(c)
    requests_ = queries.requests_of(c)
    decision_forms = {r.id: _decision_form(r) for r in requests_ if r.decision is RequestDecision.PENDING}
    if (failed := forms.pop("decision", None)) is not None:  # (request id, form): shown even if now decided
        decision_forms[failed[0]] = failed[1]
    context = dict(
        c=c, now=now, status=c.status_at(now), actor=actor, invitations=invitations, requests=requests_,
        meetings=queries.meetings_of(c), decision_forms=decision_forms,
        invite_form=forms.get("invite_form") or InviteForm(formdata=None),
        email_form=forms.get("email_form") or EmailInviteForm(formdata=None, prefix="by-email"),
        can_invite=policy.can_invite(actor, c, now=now), can_decide=c.status_at(now) is not Status.CONCLUDED,
        can_withdraw=c.status_at(now) is not Status.CONCLUDED,
        **_candidates(c, invitations, (forms.get("invite_form") or InviteForm(formdata=None)).organizations.data))
    return render_template("consultations/participation/invitations.html", **context), status


@bp.get("/<id:consultation_id>/invitations")
@login_required
def invitations(consultation_id: int):
    c, actor = _official(consultation_id)
    if htmx and htmx.target == "invite-candidates":
        return render_template("consultations/participation/_candidates.html", c=c, form=InviteForm(formdata=None),
                               **_candidates(c, queries.invitations_of(c), _ticked()))
    return _page(c, actor)


@bp.post("/<id:consultation_id>/invitations")
@login_required
def invite(consultation_id: int):
    c, actor = _official(consultation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            made = actions.invite_organizations(actor, c, list(form.organizations.data or []), _purpose(form),
                                                bilingual_value(form.message), now=utcnow())
        except Invalid as e:
            attach(form, Invalid("organizations", e.message) if e.field == "organization" else e)
        except Denied:
            abort(403)
        else:
            flash(ngettext("%(num)d organisation was invited. Its administrators were emailed.",
                           "%(num)d organisations were invited. Their administrators were emailed.", len(made)),
                  "success")
            return _to_page(c, "#invitations-title")
    return _page(c, actor, 422, invite_form=form)


@bp.post("/<id:consultation_id>/invitations/email")
@login_required
def invite_email(consultation_id: int):
    c, actor = _official(consultation_id)
    form = EmailInviteForm(prefix="by-email")
    if form.validate_on_submit():
        try:
            actions.invite_by_email(actor, c, form.email.data or "", bilingual_value(form.name), _purpose(form),
                                    bilingual_value(form.message), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The invitation was sent by email. It is public under the organisation's name, never the "
                    "address."), "success")
            return _to_page(c, "#invitations-title")
    return _page(c, actor, 422, email_form=form)


@bp.route("/<id:consultation_id>/invitations/<id:invitation_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(consultation_id: int, invitation_id: int):
    c, actor = _official(consultation_id)
    item = queries.invitation_or_404(c, invitation_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            actions.withdraw_invitation(actor, item, bilingual_value(form.reason), now=utcnow())
        except Invalid as e:
            attach(form, e)
            item = queries.invitation_or_404(c, invitation_id)  # the rollback expired it
        except Denied:
            abort(403)
        else:
            flash(_("The invitation was withdrawn. The reason is public."), "success")
            return _to_page(c, "#invitations-title")
    status = 422 if request.method == "POST" else 200
    c = queries.consultation_or_404(c.id)
    return render_template("consultations/participation/withdraw.html", c=c, item=item, form=form,
                           status=c.status_at(utcnow())), status


@bp.post("/<id:consultation_id>/requests/<id:request_id>/decision")
@login_required
def decide(consultation_id: int, request_id: int):
    c, actor = _official(consultation_id)
    item = queries.request_or_404(c, request_id)
    form = _decision_form(item, request.form)
    if form.validate_on_submit():
        try:
            actions.decide_participation(actor, item, form.decision.data == "grant", bilingual_value(form.reason),
                                         now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The decision was recorded and published. The organisation was emailed."), "success")
            return _to_page(c, "#requests-title")
    return _page(c, actor, 422, decision=(item.id, form))


# ---- meetings ----------------------------------------------------------------------------------

@bp.route("/<id:consultation_id>/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new(consultation_id: int):
    c, actor = _official(consultation_id)
    if c.published_at is None:
        abort(403)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            actions.record_meeting(actor, c, form.data_input(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("The meeting was recorded and published with its minutes."), "success")
            return _to_page(c, "#meetings-title")
    status = 422 if request.method == "POST" else 200
    c = queries.consultation_or_404(c.id)
    return render_template("consultations/participation/meeting_form.html", c=c, form=form,
                           orgs=queries.meeting_choices(c), status=c.status_at(utcnow())), status


@bp.get("/<id:consultation_id>/meetings/<id:meeting_id>/minutes.pdf")
def minutes_pdf(consultation_id: int, meeting_id: int):
    c = load(consultation_id)
    meeting = queries.meeting_or_404(c, meeting_id)
    if meeting.minutes_sha256 is None:
        abort(404)
    path = uploads.path_for(meeting.minutes_sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=meeting.minutes_filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---- organisations: answer an invitation, ask to take part --------------------------------------

def box(c: Consultation, now: datetime) -> dict[str, Any] | None:
    """What the consultation page shows a logged-in member about their organisations' invitations and
    requests (None for visitors, at no SQL cost, and when there is nothing to show)."""
    person = current_person()
    if person is None or c.published_at is None:
        return None
    mine = queries.participation_of(c, person)
    status = c.status_at(now)
    answerable = status not in (Status.CLOSED, Status.CONCLUDED)
    answer_forms = {i.id: AnswerForm(formdata=None, prefix=f"invitation-{i.id}", meta=NO_CSRF)
                    for i in mine.invitations if i.state is InvitationState.SENT and answerable}
    request_form = None
    if c.mode is Mode.INVITED and status in (Status.SCHEDULED, Status.OPEN) and mine.may_request:
        request_form = RequestForm(formdata=None)
        request_form.organization.choices = [(o.id, o.name.pick(g.lang).text) for o in mine.may_request]
    if not (mine.invitations or mine.requests or request_form):
        return None
    return {"mine": mine, "answer_forms": answer_forms, "request_form": request_form, "status": status}


@bp.post("/<id:consultation_id>/invitations/<id:invitation_id>/answer")
@login_required
def answer(consultation_id: int, invitation_id: int):
    c = load(consultation_id)
    item = queries.invitation_or_404(c, invitation_id)
    if item.organization is None:
        abort(403)
    actor = actor_in(current_person(), item.organization)
    if not policy.can_act_for(actor, item.organization):
        abort(403)
    form = AnswerForm(prefix=f"invitation-{item.id}", meta=NO_CSRF)
    if form.validate_on_submit():
        try:
            actions.answer_invitation(actor, item, form.answer.data == "accept", bilingual_value(form.reason),
                                      now=utcnow())
        except Invalid as e:
            attach(form, e)
            item = queries.invitation_or_404(c, invitation_id)  # the rollback expired it
        except Denied:
            abort(403)
        else:
            flash(_("Your answer was recorded and is public."), "success")
            return redirect(url_for("consultations.show", consultation_id=c.id) + "#participation-title", 303)
    c = queries.consultation_or_404(c.id)
    return render_template("consultations/participation/answer.html", c=c, item=item, form=form,
                           status=c.status_at(utcnow())), 422


@bp.post("/<id:consultation_id>/requests")
@login_required
def request_join(consultation_id: int):
    c = load(consultation_id)
    now = utcnow()
    mine = queries.participation_of(c, current_person())
    form = RequestForm()
    # every organisation the person speaks for: the action says why one may not ask (already asked …)
    form.organization.choices = [(a.org.id, a.org.name.pick(g.lang).text) for a in mine.actors.values()]
    if not mine.actors:  # no verified organisation to speak for
        abort(403)
    if form.validate_on_submit():
        actor = mine.actors.get(form.organization.data)
        if actor is None:
            abort(403)
        try:
            actions.request_participation(actor, c, bilingual_value(form.motivation), now=now)
        except Invalid as e:
            attach(form, e)
        except Denied:
            abort(403)
        else:
            flash(_("Your request was sent to the consultation's officials. It and their decision are public."),
                  "success")
            return redirect(url_for("consultations.show", consultation_id=c.id) + "#participation-title", 303)
    c = queries.consultation_or_404(c.id)
    return render_template("consultations/participation/request.html", c=c, form=form,
                           status=c.status_at(now)), 422
