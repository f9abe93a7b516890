"""Registration, email verification, login, password reset, the account page."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import policy
from ..errors import Denied, Invalid
from ..extensions import limiter, utcnow
from ..i18n import LANG
from ..web.helpers import attach, current_actor, invalid, safe_next
from . import actions, queries
from .forms import (ChangePasswordForm, DeleteAccountForm, ForgotPasswordForm, LoginForm, ProfileForm,
                    RegisterForm, ResendForm, ResetPasswordForm)

bp = Blueprint("accounts", __name__, url_prefix=LANG)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _form_email() -> str:
    return (request.form.get("email") or "").strip().lower() or request.remote_addr or "?"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if not policy.can_register(current_actor()):
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = g.lang
    if form.validate_on_submit():
        data = actions.RegistrationInput(
            email=form.email.data, display_name=form.display_name.data,
            display_name_latin=form.display_name_latin.data, password=form.password.data,
            consent_collection=form.consent_collection.data,
            consent_publish_name=form.consent_publish_name.data, locale=form.locale.data)
        try:
            person = actions.register(data, now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            login_user(person)
            flash(_("Your account was created. We sent a verification link to %(email)s.", email=person.email),
                  "success")
            return redirect(url_for("accounts.account"), 303)
    if request.method == "POST":
        return invalid("accounts/register.html", form=form)
    return render_template("accounts/register.html", form=form)


@bp.get("/verify-email/<token>")
def verify_email(token: str):
    try:
        person = actions.verify_email(token, now=utcnow())
    except Invalid as e:
        return render_template("accounts/link_invalid.html", message=e.message), 400
    flash(_("Your email address is verified."), "success")
    if current_user.is_authenticated and current_user.id == person.id:
        return redirect(url_for("accounts.account"), 303)
    return redirect(url_for("accounts.login"), 303)


@bp.post("/account/resend-verification")
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.resend_verification(current_user, now=utcnow())
    except Invalid as e:
        flash(e.message, "info")
    else:
        flash(_("We sent a new verification link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.account"), 303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_form_email)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("accounts.account")))
    form = LoginForm()
    if form.validate_on_submit():
        person = actions.authenticate(form.email.data, form.password.data)
        if person is not None:
            login_user(person, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("accounts.account")), 303)
        form.form_errors.append(_("The email address or password is not correct."))
    if request.method == "POST":
        return invalid("accounts/login.html", form=form)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("web.home"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        actions.request_password_reset(form.email.data, lang=g.lang, now=utcnow())
        flash(_("If an account uses that address, we sent it a link to set a new password."), "success")
        return redirect(url_for("accounts.login"), 303)
    if request.method == "POST":
        return invalid("accounts/forgot_password.html", form=form)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    if actions.person_for_reset(token) is None:
        return render_template("accounts/link_invalid.html",
                               message=_("This password reset link is invalid or has expired.")), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            actions.reset_password(token, form.password.data, now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            logout_user()
            flash(_("Your password was changed. Log in with the new password."), "success")
            return redirect(url_for("accounts.login"), 303)
    if request.method == "POST":
        return invalid("accounts/reset_password.html", form=form, token=token)
    return render_template("accounts/reset_password.html", form=form, token=token)


def _account_page(status: int = 200, **forms):
    context = {
        "profile_form": forms.get("profile_form") or ProfileForm(obj=current_user),
        "password_form": forms.get("password_form") or ChangePasswordForm(),
        "resend_form": ResendForm(),
        "memberships": queries.memberships(current_user),
    }
    return render_template("accounts/account.html", **context), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        actions.update_profile(current_actor(), current_user, display_name=form.display_name.data,
                               display_name_latin=form.display_name_latin.data,
                               consent_publish_name=form.consent_publish_name.data,
                               locale=form.locale.data, now=utcnow())
        flash(_("Your account details were saved."), "success")
        return redirect(url_for("accounts.account"), 303)
    return _account_page(422, profile_form=form)


@bp.post("/account/password")
@login_required
@limiter.limit(_login_limit)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            person = actions.change_password(current_actor(), current_user, form.current_password.data,
                                             form.password.data, now=utcnow())
        except Invalid as e:
            attach(form, e)
        else:
            login_user(person)  # the session nonce changed: keep this session, end the others
            flash(_("Your password was changed. Other devices were logged out."), "success")
            return redirect(url_for("accounts.account"), 303)
    return _account_page(422, password_form=form)


@bp.get("/account/data.json")
@login_required
def download_data():
    body = json.dumps(queries.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=gongnon-my-data.json", "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if (form.confirm_email.data or "").strip().lower() != current_user.email:
            form.confirm_email.errors.append(_("This is not the email address of your account."))
        elif actions.authenticate(current_user.email, form.password.data) is None:
            form.password.errors.append(_("The password is not correct."))
        else:
            try:
                actions.erase_account(current_actor(), current_user, now=utcnow())
            except Denied:
                abort(403)
            logout_user()
            flash(_("Your account was deleted. Your name and email address were erased."), "success")
            return redirect(url_for("web.home"), 303)
    if request.method == "POST":
        return invalid("accounts/delete.html", form=form)
    return render_template("accounts/delete.html", form=form)
