"""Consultation forms: the shape of each field. Rules that need state or time live in actions.py."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..forms import (BaseForm, MultiCheckboxField, bilingual_field, bilingual_value, no_control_characters, no_markup,
                     safe_links)
from ..orgs.models import ORG_KIND_LABELS, OrgKind
from .actions import MAX_COMMENT, CommentInput, ConsultationInput, DispositionInput, MeetingInput, SectionInput
from .models import LABELS, MeetingFormat, MeetingKind, Mode, NoticeType, Outcome, Purpose

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


# ---- participation: invitations, requests, meetings ---------------------------------------------------

def _purpose_field() -> RadioField:
    return RadioField(_l("Purpose of the invitation"), choices=lambda: _choices(Purpose),
                      default=Purpose.WRITTEN_INPUT.value,
                      validators=[InputRequired(message=_l("Choose the purpose of the invitation."))])


def _message_field() -> Any:
    return bilingual_field(_l("Message to the organisation (optional)"), max_length=3000, multiline=True,
                           required=False)


class InviteForm(BaseForm):
    """Invite organisations found on the platform; the action checks that each is verified."""

    organizations = MultiCheckboxField(_l("Organisations to invite"), coerce=int, validate_choice=False)
    purpose = _purpose_field()
    message = _message_field()


class EmailInviteForm(BaseForm):
    """Invite, by email, an organisation not yet on the platform (the action checks the address)."""

    email = StringField(_l("Email address"), validators=[
        InputRequired(message=_l("Enter a valid email address.")), Length(max=254, message=_l("At most %(max)d characters.")),
        no_control_characters()],
        description=_l("The address is never shown publicly."))
    name = bilingual_field(_l("Name of the organisation (public)"), max_length=200, required=False)
    purpose = _purpose_field()
    message = _message_field()


class AnswerForm(BaseForm):
    answer = RadioField(_l("Your answer"), choices=[("accept", _l("Accept the invitation")),
                                                  ("decline", _l("Decline the invitation"))],
                        validators=[InputRequired(message=_l("Choose whether to accept or decline."))])
    reason = bilingual_field(_l("Reason (optional, public)"), max_length=3000, multiline=True, required=False)


class RequestForm(BaseForm):
    organization = SelectField(_l("Ask on behalf of"), coerce=int,
                               validators=[InputRequired(message=_l("Choose the organisation that asks."))])
    motivation = bilingual_field(_l("Why your organisation should take part (public)"), max_length=3000,
                                 multiline=True, required=False)


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[("grant", _l("Grant")), ("deny", _l("Deny"))],
                          validators=[InputRequired(message=_l("Choose whether to grant or deny the request."))])
    reason = bilingual_field(_l("Reason (public)"), max_length=3000, multiline=True, required=False)


_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class MeetingForm(BaseForm):
    kind = RadioField(_l("Kind of meeting"), choices=lambda: _choices(MeetingKind),
                      validators=[InputRequired(message=_l("Choose the kind of meeting."))])
    format = RadioField(_l("Format"), choices=lambda: _choices(MeetingFormat), default=MeetingFormat.IN_PERSON.value,
                        validators=[InputRequired(message=_l("Choose the format."))])
    held_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a valid date."))])
    starts_at = StringField(_l("Start time (HH:MM, Seoul time)"), validators=[
        InputRequired(message=_l("Enter a time as HH:MM, for example 14:00.")),
        Regexp(_TIME, message=_l("Enter a time as HH:MM, for example 14:00."))])
    ends_at = StringField(_l("End time (HH:MM, Seoul time, optional)"), validators=[
        Optional(), Regexp(_TIME, message=_l("Enter a time as HH:MM, for example 14:00."))])
    title = bilingual_field(_l("Title"), max_length=300, required=False)
    place = bilingual_field(_l("Place or online venue (optional)"), max_length=300, required=False)
    invited = MultiCheckboxField(_l("Organisations invited to the meeting"), coerce=int, validate_choice=False)
    attended = MultiCheckboxField(_l("Organisations that attended"), coerce=int, validate_choice=False)
    minutes = bilingual_field(_l("Minutes"), max_length=50000, multiline=True, required=False)
    minutes_pdf = FileField(_l("Minutes as a PDF (optional, at most 10 MB)"))

    def _at(self, value: str) -> datetime:
        hours, minutes = value.split(":")
        return seoul_moment(self.held_on.data, time(int(hours), int(minutes)))

    def data_input(self) -> MeetingInput:
        upload = self.minutes_pdf.data
        pdf = upload.read() if upload and getattr(upload, "filename", None) else None
        return MeetingInput(
            kind=MeetingKind(self.kind.data), format=MeetingFormat(self.format.data),
            held_at=self._at(self.starts_at.data), ends_at=self._at(self.ends_at.data) if self.ends_at.data else None,
            title=bilingual_value(self.title), place=bilingual_value(self.place),
            minutes=bilingual_value(self.minutes), invited_org_ids=tuple(self.invited.data or ()),
            attended_org_ids=tuple(self.attended.data or ()), minutes_pdf=pdf,
            minutes_filename=upload.filename if pdf is not None else None)
