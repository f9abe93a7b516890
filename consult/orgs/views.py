"""Organisation directory and profiles, registration, members, and the verification queue."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..accounts.queries import actor_in
from ..errors import Denied, Invalid
from ..extensions import htmx, utcnow
from ..forms import bilingual_value
from ..i18n import LANG
from ..web.helpers import attach, current_actor, current_person, invalid
from ..web.timeline import timeline
from . import actions, queries
from .forms import ConfirmForm, DecisionForm, InviteMemberForm, MemberForm, OrgForm
from .models import OrgKind, Role, VerificationStatus

bp = Blueprint("orgs", __name__, url_prefix=LANG + "/organizations")
admin_bp = Blueprint("admin", __name__, url_prefix=LANG + "/admin")


def _kind_arg() -> OrgKind | None:
    value = request.args.get("kind") or None
    if value is None:
        return None
    try:
        return OrgKind(value)
    except ValueError:
        abort(400)


@bp.get("/")
def directory():
    kind = _kind_arg()
    page = queries.directory(g.lang, kind, request.args.get("after"))
    context = {"page": page, "kind": kind, "counts": queries.kind_counts(), "kinds": list(OrgKind)}
    if htmx and htmx.target == "org-results":
        return render_template("orgs/_directory_results.html", **context)
    return render_template("orgs/directory.html", **context)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    actor = current_actor()
    if not policy.can_create_organization(actor):
        flash(_("Verify your email address before registering an organisation."), "warning")
        return redirect(url_for("accounts.account"), 303)
    form = OrgForm()
    if form.validate_on_submit():
        try:
            org = actions.create_organization(actor, form.data_input(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The organisation was registered. A platform administrator will review it; "
                    "until then it cannot act on the platform."), "success")
            return redirect(url_for("orgs.show", slug=org.slug), 303)
    if request.method == "POST":
        return invalid("orgs/form.html", form=form, org=None)
    return render_template("orgs/form.html", form=form, org=None)


@bp.get("/<slug>")
def show(slug: str):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_person(), org)
    if not policy.can_view_organization(actor, org):
        abort(404)  # a pending organisation is not public yet
    return render_template("orgs/show.html", org=org, actor=actor, member_count=queries.member_count(org),
                           decided_by=queries.decided_by(org), history=timeline("organization", org.id),
                           members=queries.members(org) if policy.can_view_members(actor, org) else None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    if not policy.can_edit_organization(actor, org):
        abort(403)
    form = OrgForm()
    if request.method == "GET":
        form.fill(org)
    if form.validate_on_submit():
        try:
            actions.update_organization(actor, org, form.data_input(), now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The organisation's profile was saved."), "success")
            return redirect(url_for("orgs.show", slug=org.slug), 303)
    if request.method == "POST":
        return invalid("orgs/form.html", form=form, org=org)
    return render_template("orgs/form.html", form=form, org=org)


def _members_page(org, actor, status: int = 200, invite_form=None):  # type: ignore[no-untyped-def]
    return render_template("orgs/members.html", org=org, actor=actor, members=queries.members(org),
                           invitations=queries.open_invitations(org, utcnow()),
                           invite_form=invite_form or InviteMemberForm(), confirm_form=ConfirmForm(),
                           member_form_for=lambda m: MemberForm(formdata=None, role=m.role,
                                                                title={"ko": m.title.ko, "en": m.title.en})), status


@bp.get("/<slug>/members")
@login_required
def members(slug: str):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    if not policy.can_view_members(actor, org):
        abort(403)
    return _members_page(org, actor)


@bp.post("/<slug>/members/invite")
@login_required
def invite(slug: str):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    if not policy.can_manage_members(actor, org):
        abort(403)
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            actions.invite_member(actor, org, form.email.data, Role(form.role.data), lang=g.lang, now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("orgs.members", slug=org.slug), 303)
    return _members_page(org, actor, 422, invite_form=form)


@bp.post("/<slug>/members/<int:membership_id>")
@login_required
def change_member(slug: str, membership_id: int):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    if not policy.can_manage_members(actor, org):
        abort(403)
    membership = queries.membership_or_404(org, membership_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            actions.change_member(actor, membership, Role(form.role.data), bilingual_value(form.title), now=utcnow())
        except Invalid as e:
            flash(e.message, "error")
            return _members_page(org, actor, 422)
        flash(_("The member's role and position were saved."), "success")
        return redirect(url_for("orgs.members", slug=org.slug), 303)
    flash(_("The member could not be changed: check the role and position."), "error")
    return _members_page(org, actor, 422)


@bp.post("/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    membership = queries.membership_or_404(org, membership_id)
    if not (policy.can_manage_members(actor, org) or membership.person_id == current_user.id):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        actions.remove_member(actor, membership, now=utcnow())
    except Invalid as e:
        flash(e.message, "error")
        return redirect(url_for("orgs.members", slug=org.slug), 303)
    flash(_("The member was removed."), "success")
    if policy.can_view_members(actor_in(current_user, org), org):
        return redirect(url_for("orgs.members", slug=org.slug), 303)
    return redirect(url_for("accounts.account"), 303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str):
    invitation = actions.invitation_for(token)
    if invitation is None or not invitation.is_open(utcnow()):
        return render_template("accounts/link_invalid.html",
                               message=_("This invitation is invalid, was already used or has expired.")), 400
    org = queries.by_ids([invitation.organization_id])[invitation.organization_id]
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            actions.accept_invitation(current_user, token, now=utcnow())
        except Denied as e:
            return render_template("accounts/link_invalid.html", message=e.message), 403
        except Invalid as e:
            return render_template("accounts/link_invalid.html", message=e.message), 400
        flash(_("You joined %(org)s.", org=org.name.pick(g.lang).text), "success")
        return redirect(url_for("orgs.show", slug=org.slug), 303)
    return render_template("orgs/accept_invitation.html", invitation=invitation, org=org, form=form,
                           email_matches=current_user.email == invitation.email)


# ---- platform administrators: the verification queue -------------------------------------------

def _status_arg() -> VerificationStatus:
    try:
        return VerificationStatus(request.args.get("status", VerificationStatus.PENDING.value))
    except ValueError:
        abort(400)


@admin_bp.get("/organizations")
@login_required
def review_queue():
    if not policy.can_review_organizations(current_actor()):
        abort(403)
    status = _status_arg()
    page = queries.review_queue(status, request.args.get("after"))
    return render_template("orgs/review_queue.html", page=page, status=status,
                           statuses=list(VerificationStatus), counts=queries.status_counts())


@admin_bp.route("/organizations/<slug>", methods=["GET", "POST"])
@login_required
def decide(slug: str):
    org = queries.by_slug_or_404(slug)
    actor = actor_in(current_user, org)
    if not policy.can_decide_verification(actor, org):
        abort(403)
    form = DecisionForm()
    if request.method == "GET":
        form.decision.data = "revoke" if org.is_verified else "verify"
    if form.validate_on_submit():
        try:
            actions.decide_verification(actor, org, form.decision.data, bilingual_value(form.note), now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            flash(_("The decision was recorded and published."), "success")
            return redirect(url_for("admin.review_queue"), 303)
    context = {"org": org, "form": form, "members": queries.members(org), "decided_by": queries.decided_by(org)}
    if request.method == "POST":
        return invalid("orgs/decide.html", **context)
    return render_template("orgs/decide.html", **context)
