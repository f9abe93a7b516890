"""Organisation forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..forms import BaseForm, bilingual_field, bilingual_value, no_control_characters, web_address
from ..i18n import Bilingual
from .actions import OrgInput
from .models import GOV_SUBKIND_LABELS, ORG_KIND_LABELS, ROLE_LABELS, GovSubkind, OrgKind, Role


def _kind_choices() -> list[tuple[str, object]]:
    return [(k.value, label) for k, label in ORG_KIND_LABELS.items()]


class OrgForm(BaseForm):
    name = bilingual_field(_l("Official name"), max_length=200,
                           description=_l("The full official name, in Korean and in English."))
    short_name = bilingual_field(_l("Short name (optional)"), max_length=60, required=False)
    kind = SelectField(_l("Kind of organisation"), choices=_kind_choices,
                       validators=[InputRequired(message=_l("Choose the kind of organisation."))])
    subkind = SelectField(_l("Kind of government body"),
                          choices=lambda: [("", _l("Not a government body"))]
                          + [(k.value, label) for k, label in GOV_SUBKIND_LABELS.items()],
                          validators=[Optional()])
    website = StringField(_l("Website"), validators=[
        Optional(), Length(max=300, message=_l("At most %(max)d characters.")),
        no_control_characters(), web_address], render_kw={"inputmode": "url", "placeholder": "https://"})
    description = bilingual_field(_l("About the organisation (optional)"), max_length=2000, required=False,
                                  multiline=True)

    def data_input(self) -> OrgInput:
        return OrgInput(name=bilingual_value(self.name), short_name=bilingual_value(self.short_name),
                        kind=OrgKind(self.kind.data),
                        subkind=GovSubkind(self.subkind.data) if self.subkind.data else None,
                        website=self.website.data or None, description=bilingual_value(self.description))

    def fill(self, org: object) -> None:
        for name in ("name", "short_name", "description"):
            value: Bilingual = getattr(org, name)
            getattr(self, name).ko.data = value.ko
            getattr(self, name).en.data = value.en
        self.kind.data = org.kind
        self.subkind.data = org.subkind or ""
        self.website.data = org.website


def _role_field() -> RadioField:
    return RadioField(_l("Role"), choices=lambda: [(r.value, label) for r, label in ROLE_LABELS.items()],
                      default=Role.EDITOR.value,
                      validators=[InputRequired(message=_l("Choose a role."))])


class InviteMemberForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(message=_l("Enter an email address.")),
        Length(max=254, message=_l("At most %(max)d characters.")),
        Email(message=_l("Enter a valid email address, such as name@example.org."), check_deliverability=False)])
    role = _role_field()


class MemberForm(BaseForm):
    role = _role_field()
    title = bilingual_field(_l("Position (optional)"), max_length=120, required=False)


class ConfirmForm(BaseForm):
    """A button with a CSRF token (accept an invitation, remove a member)."""


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[("verify", _l("Verify")), ("reject", _l("Reject verification")),
                                                   ("revoke", _l("Revoke verification"))],
                          validators=[InputRequired(message=_l("Choose a decision."))])
    note = bilingual_field(_l("Basis or reason (public)"), max_length=1000, multiline=True,
                           description=_l("For a verification, what was checked (e.g. the registration "
                                          "certificate); for a rejection or revocation, why."))
