"""Statement forms: the shape of each field. Rules that need state or time live in actions.py."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import InputRequired, Optional

from ..forms import BaseForm, MultiCheckboxField, bilingual_field, bilingual_value
from ..i18n import SEOUL
from .actions import MAX_BODY, StatementInput, TextInput

DEADLINE_TIME = time(18, 0)  # signing closes at 18:00 Seoul time on the chosen day


class TextForm(BaseForm):
    """Title and text in both languages; a change note once the statement is open."""

    title = bilingual_field(_l("Title"), max_length=300)
    body = bilingual_field(_l("Text of the statement"), max_length=MAX_BODY, multiline=True, markdown=True,
                           description=_l("Paragraphs, lists, emphasis, links and quotes (Markdown). "
                                          "A blank line starts a new paragraph."))
    change_note = bilingual_field(_l("What changed (public)"), max_length=3000, multiline=True, required=False,
                                  description=_l("Signatories of earlier versions read this note when they are "
                                                 "asked to re-confirm."))

    def text_input(self) -> TextInput:
        return TextInput(bilingual_value(self.title), bilingual_value(self.body), bilingual_value(self.change_note))

    def fill(self, v: Any) -> None:
        self.title.ko.data, self.title.en.data = v.title.ko, v.title.en
        self.body.ko.data, self.body.en.data = v.body_source.ko, v.body_source.en


class StatementForm(TextForm):
    """A draft: its text and settings."""

    org = SelectField(_l("Drafted by"), validators=[InputRequired(message=_l("Choose the drafting organisation."))])
    consultation = SelectField(_l("Related consultation (optional)"), validators=[Optional()])
    co_drafters = MultiCheckboxField(_l("Co-drafting organisations (optional)"), coerce=int, validators=[Optional()],
                                     description=_l("Their members can edit the draft with you."))
    deadline = DateField(_l("Signing deadline (optional)"), validators=[Optional()],
                         description=_l("Signing closes at 18:00 Seoul time on this day. Leave empty to keep "
                                        "signing open until you close it."))
    allows_individuals = BooleanField(_l("Individuals may sign too"))

    def statement_input(self) -> StatementInput:
        day: date | None = self.deadline.data
        deadline = datetime.combine(day, DEADLINE_TIME, tzinfo=SEOUL) if day else None
        return StatementInput(text=self.text_input(),
                              consultation_id=int(self.consultation.data) if self.consultation.data else None,
                              co_drafter_ids=tuple(self.co_drafters.data or ()), signing_deadline=deadline,
                              allows_individuals=bool(self.allows_individuals.data))

    def fill_statement(self, s: Any, v: Any, co: list[Any]) -> None:
        self.fill(v)
        self.consultation.data = str(s.consultation_id) if s.consultation_id else ""
        self.co_drafters.data = [o.id for o in co]
        self.deadline.data = s.signing_deadline.astimezone(SEOUL).date() if s.signing_deadline else None
        self.allows_individuals.data = s.allows_individuals


class SignForm(BaseForm):
    signer = SelectField(_l("Sign as"), validators=[InputRequired(message=_l("Choose who signs."))])
    name_public = BooleanField(_l("Publish my name in the signatory list"), default=True,
                               description=_l("Only for signing as an individual. Without your consent you are "
                                              "counted but not named."))


class WithdrawForm(BaseForm):
    reason = bilingual_field(_l("Reason (public, optional)"), max_length=1000, multiline=True, required=False)


class SubmitForm(BaseForm):
    consultation = SelectField(_l("Consultation"), validators=[InputRequired(message=_l("Choose a consultation."))])
