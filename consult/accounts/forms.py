"""Account forms: the shape of each field; rules needing state live in accounts/actions.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from ..forms import BaseForm, no_control_characters, no_markup

PASSWORD_MIN = 10


def _email_field() -> EmailField:
    return EmailField(_l("Email address"), validators=[
        DataRequired(message=_l("Enter your email address.")),
        Length(max=254, message=_l("At most %(max)d characters.")),
        Email(message=_l("Enter a valid email address, such as name@example.org."),
              check_deliverability=False)],
        render_kw={"autocomplete": "email"})


def _new_password(label: str) -> PasswordField:
    return PasswordField(label, validators=[
        InputRequired(message=_l("Enter a password.")),
        Length(min=PASSWORD_MIN, max=200,
               message=_l("Use between %(min)d and %(max)d characters."))],
        render_kw={"autocomplete": "new-password"})


def _confirm() -> PasswordField:
    return PasswordField(_l("Password again"), validators=[
        EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"})


def _display_name() -> StringField:
    return StringField(_l("Display name"), validators=[
        DataRequired(message=_l("Enter the name to show on the platform.")),
        Length(max=80, message=_l("At most %(max)d characters.")),
        no_control_characters(), no_markup], render_kw={"autocomplete": "name"},
        description=_l("Korean names: family name first, e.g. 김하늘."))


def _latin_name() -> StringField:
    return StringField(_l("Name in Latin letters (optional)"), validators=[
        Length(max=80, message=_l("At most %(max)d characters.")), no_control_characters(), no_markup],
        description=_l("Shown on English pages, e.g. Kim Haneul."))


def _locale() -> RadioField:
    return RadioField(_l("Language for mail"), choices=[("ko", "한국어"), ("en", "English")],
                      default="ko", validators=[InputRequired(message=_l("Choose a language."))])


class RegisterForm(BaseForm):
    email = _email_field()
    display_name = _display_name()
    display_name_latin = _latin_name()
    password = _new_password(_l("Password"))
    password_again = _confirm()
    locale = _locale()
    consent_collection = BooleanField(_l("I agree to the collection and use of my personal data (required)"),
                                      validators=[DataRequired(message=_l(
                                          "Registration needs your consent to the collection and use of personal data."))])
    consent_publish_name = BooleanField(_l("I agree to publish my name with my comments and signatures (optional)"))


class LoginForm(BaseForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[
        InputRequired(message=_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResendForm(BaseForm):
    """Only a CSRF token: resend the verification mail to the logged-in person."""


class ForgotPasswordForm(BaseForm):
    email = _email_field()


class ResetPasswordForm(BaseForm):
    password = _new_password(_l("New password"))
    password_again = _confirm()


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(message=_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    password = _new_password(_l("New password"))
    password_again = _confirm()


class ProfileForm(BaseForm):
    display_name = _display_name()
    display_name_latin = _latin_name()
    locale = _locale()
    consent_publish_name = BooleanField(_l("I agree to publish my name with my comments and signatures (optional)"))


class DeleteAccountForm(BaseForm):
    confirm_email = EmailField(_l("Type your email address to confirm"), validators=[
        DataRequired(message=_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(message=_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
