"""Consultation forms: the shape of each field. Rules that need state or time live in actions.py."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import (BaseForm, MultiCheckboxField, bilingual_field, bilingual_value, no_control_characters, no_markup,
                     safe_links)
from ..orgs.models import ORG_KIND_LABELS, OrgKind
from .actions import MAX_COMMENT, CommentInput, ConsultationInput, DispositionInput, SectionInput
from .models import LABELS, Mode, NoticeType, Outcome

SEOUL = ZoneInfo("Asia/Seoul")
OPENING_TIME = time(9, 0)   # notices open at 09:00 and close at 18:00, Seoul time (as ministries post them)
CLOSING_TIME = time(18, 0)


def seoul_moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SEOUL)


def seoul_day(moment: datetime) -> date:
    return moment.astimezone(SEOUL).date()


def _choices(enum: Any) -> list[tuple[str, Any]]:
    return [(m.value, LABELS[enum][m]) for m in enum]


class ConsultationForm(BaseForm):
    title = bilingual_field(_l("Title"), max_length=300)
    summary = bilingual_field(_l("Summary"), max_length=3000, multiline=True,
                              description=_l("What the draft does and why, in plain words."))
    department = bilingual_field(_l("Responsible division (optional)"), max_length=120, required=False)
    instrument = bilingual_field(_l("Kind of instrument (optional)"), max_length=120, required=False,
                                 description=_l("For example: Presidential Decree, ministerial guideline."))
    notice_type = RadioField(_l("Kind of notice"), choices=lambda: _choices(NoticeType),
                             default=NoticeType.ADMINISTRATIVE.value,
                             validators=[InputRequired(message=_l("Choose the kind of notice."))])
    mode = RadioField(_l("Who may comment"), choices=lambda: _choices(Mode), default=Mode.OPEN.value,
                      validators=[InputRequired(message=_l("Choose who may comment."))])
    allows_individuals = BooleanField(_l("Individuals may comment too"))
    target_groups = MultiCheckboxField(_l("Stakeholder groups to hear"),
                                       choices=lambda: [(k.value, label) for k, label in ORG_KIND_LABELS.items()],
                                       validators=[DataRequired(message=_l("Choose at least one stakeholder group to hear."))])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(message=_l("Enter a valid date."))],
                         description=_l("The period opens at 09:00 Seoul time."))
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(message=_l("Enter a valid date."))],
                          description=_l("The period closes at 18:00 Seoul time. The law expects at least 40 "
                                         "days for a legislative notice and 20 for an administrative notice."))
    short_period_reason = bilingual_field(
        _l("Reason for a shorter period (public)"), max_length=1000, required=False, multiline=True,
        description=_l("Required only if the period is shorter than the legal minimum."))

    def data_input(self) -> ConsultationInput:
        return ConsultationInput(
            title=bilingual_value(self.title), summary=bilingual_value(self.summary),
            department=bilingual_value(self.department), instrument=bilingual_value(self.instrument),
            notice_type=NoticeType(self.notice_type.data), mode=Mode(self.mode.data),
            allows_individuals=bool(self.allows_individuals.data),
            target_groups=[OrgKind(v) for v in self.target_groups.data or []],
            opens_at=seoul_moment(self.opens_on.data, OPENING_TIME),
            closes_at=seoul_moment(self.closes_on.data, CLOSING_TIME),
            short_period_reason=bilingual_value(self.short_period_reason))

    def fill(self, c: Any) -> None:
        for name in ("title", "summary", "department", "instrument", "short_period_reason"):
            value = getattr(c, name)
            getattr(self, name).ko.data, getattr(self, name).en.data = value.ko, value.en
        self.notice_type.data, self.mode.data = c.notice_type.value, c.mode.value
        self.allows_individuals.data = c.allows_individuals
        self.target_groups.data = [k.value for k in c.target_groups]
        self.opens_on.data, self.closes_on.data = seoul_day(c.opens_at), seoul_day(c.closes_at)


class SectionForm(BaseForm):
    number = bilingual_field(_l("Article number"), max_length=40,
                             description=_l("For example: 제3조 / Article 3."))
    heading = bilingual_field(_l("Heading (optional)"), max_length=200, required=False)
    body = bilingual_field(_l("Text of the section"), max_length=20000, multiline=True)

    def data_input(self) -> SectionInput:
        return SectionInput(bilingual_value(self.number), bilingual_value(self.heading), bilingual_value(self.body))

    def fill(self, s: Any) -> None:
        for name in ("number", "heading", "body"):
            value = getattr(s, name)
            getattr(self, name).ko.data, getattr(self, name).en.data = value.ko, value.en


class VersionForm(BaseForm):
    title = bilingual_field(_l("Title of this version"), max_length=300)
    summary = bilingual_field(_l("Summary"), max_length=3000, multiline=True, required=False)
    change_note = bilingual_field(_l("What changed (public)"), max_length=3000, multiline=True, required=False,
                                  description=_l("Required for every version after the first."))

    def fill(self, v: Any) -> None:
        for name in ("title", "summary", "change_note"):
            value = getattr(v, name)
            getattr(self, name).ko.data, getattr(self, name).en.data = value.ko, value.en


class AttachmentForm(BaseForm):
    file = FileField(_l("PDF file (at most 10 MB)"), validators=[FileRequired(message=_l("Choose a PDF file."))])


class DeadlineForm(BaseForm):
    closes_on = DateField(_l("New closing date"), validators=[InputRequired(message=_l("Enter a valid date."))],
                          description=_l("The period closes at 18:00 Seoul time on this day."))
    reason = bilingual_field(_l("Reason (public)"), max_length=1000, multiline=True)

    def closes_at(self) -> datetime:
        return seoul_moment(self.closes_on.data, CLOSING_TIME)


def _comment_text(label: Any, required: bool) -> TextAreaField:
    checks = [DataRequired(message=_l("Write your comment."))] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=MAX_COMMENT, message=_l("At most %(max)d characters.")),
                                            no_control_characters(multiline=True), no_markup, safe_links])


class CommentForm(BaseForm):
    author = SelectField(_l("Comment as"), validators=[InputRequired(message=_l("Choose who the comment is from."))])
    section = SelectField(_l("Comment on"), validators=[Optional()])
    lang = RadioField(_l("Language of your comment"), choices=[("ko", "한국어"), ("en", "English")], default="ko",
                      validators=[InputRequired(message=_l("Choose the language you wrote in."))])
    body = _comment_text(_l("Your comment"), required=True)
    translation = _comment_text(_l("Translation in the other language (optional)"), required=False)

    def data_input(self) -> CommentInput:
        section = self.section.data if self.section is not None else ""
        return CommentInput(body=self.body.data or "", lang=self.lang.data,
                            section_id=int(section) if section else None,
                            translation=self.translation.data or None)


class ReasonForm(BaseForm):
    """Withdrawal (reason optional) or moderation (reason required: the action checks)."""

    reason = bilingual_field(_l("Reason (public)"), max_length=1000, multiline=True, required=False)


class DispositionForm(BaseForm):
    outcome = RadioField(_l("Outcome"), choices=lambda: _choices(Outcome),
                         validators=[InputRequired(message=_l("Choose an outcome."))])
    reason = bilingual_field(_l("Reason (public)"), max_length=5000, multiline=True)
    changed_sections = MultiCheckboxField(_l("Sections of a later version changed because of this comment"),
                                          coerce=int, validators=[Optional()])

    def data_input(self) -> DispositionInput:
        return DispositionInput(Outcome(self.outcome.data), bilingual_value(self.reason),
                                tuple(self.changed_sections.data or ()))


class ConcludeForm(BaseForm):
    title = bilingual_field(_l("Title of the result report"), max_length=300)
    body = bilingual_field(_l("Text of the report"), max_length=50000, multiline=True,
                           description=_l("Paragraphs, lists, emphasis, links and quotes (Markdown)."))
    undisposed_reason = bilingual_field(_l("Why some comments have no disposition (public)"), max_length=3000,
                                        multiline=True, required=False)
