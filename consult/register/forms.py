"""AI register forms: the entry form is generated from fields.FIELDS (one form field per document field,
grouped by section); the assessment, link, flag and answer forms are small. Shapes only: every rule
about the document lives in actions.validate_document."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, FieldList, Form, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..consultations.models import LABELS as CONSULTATION_LABELS
from ..consultations.models import Outcome
from ..forms import (BaseForm, MultiCheckboxField, bilingual_field, bilingual_value, no_control_characters, no_markup,
                     plain, strip, web_address)
from .actions import (ANSWER_MAX, CHANGE_NOTE_MAX, FLAG_MAX, MAX_RISKS, MAX_WITHHELD, RISK_MAX, URL_MAX,
                      WITHHELD_LABEL_MAX, WITHHELD_REASON_MAX)
from .fields import BILINGUAL_KINDS, FIELDS, LONG_MAX, SECTIONS, WITHHOLDABLE, Field
from .models import Area, EntryStatus, FlagKind, Ground, Stage

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def _enum_choices(enum: Any) -> list[tuple[str, Any]]:
    return [(m.value, m.label) for m in enum]


def _area_choices() -> list[tuple[str, str]]:
    return [(a.value, f"({a.letter}) {a.label}") for a in Area]


class StatusDatesForm(Form):
    """One optional date per status."""


for _status in EntryStatus:
    setattr(StatusDatesForm, _status.value, DateField(_status.label, validators=[Optional()]))


class RiskRow(Form):
    risk = bilingual_field(_l("Risk"), max_length=RISK_MAX, required=False, multiline=True)
    mitigation = bilingual_field(_l("Mitigation"), max_length=RISK_MAX, required=False, multiline=True)


class WithheldRow(Form):
    field = SelectField(_l("Withheld field"), validators=[Optional()], choices=lambda: [
        ("", _l("Nothing withheld in this row")), *((f.key, f.label) for f in WITHHOLDABLE),
        ("other", _l("Other information (describe it)"))])
    label = bilingual_field(_l("What is withheld (for other information)"), max_length=WITHHELD_LABEL_MAX,
                            required=False)
    ground = SelectField(_l("Legal basis"), validators=[Optional()], choices=lambda: [
        ("", _l("Choose the legal basis")), *((str(g.value), g.label) for g in Ground)])
    reason = bilingual_field(_l("Reason for withholding (public)"), max_length=WITHHELD_REASON_MAX, required=False,
                             multiline=True)


def _form_field(f: Field) -> Any:
    """The form field for one document field (None for the assessment, which has its own form)."""
    description = f.help or ""
    if f.kind in BILINGUAL_KINDS:
        # required-ness is checked by EntryForm.validate: a withheld required field may stay empty
        return bilingual_field(f.label, max_length=f.max_length or LONG_MAX, required=False,
                               multiline=f.kind == "long", description=description)
    if f.kind == "plain":
        return StringField(f.label, validators=plain(f.max_length or 300), description=description)
    if f.kind == "url":
        return StringField(f.label, validators=[Optional(), Length(max=URL_MAX), web_address],
                           description=description)
    if f.kind == "date":
        return DateField(f.label, validators=[Optional()], description=description)
    if f.kind == "bool":
        return RadioField(f.label, choices=YES_NO, description=description,
                          validators=[InputRequired(message=_l("Answer yes or no."))])
    if f.kind == "choice":
        return RadioField(f.label, choices=lambda enum=f.enum: _enum_choices(enum), description=description,
                          validators=[InputRequired(message=_l("Choose one of the options."))])
    if f.kind == "areas":
        return MultiCheckboxField(f.label, choices=_area_choices, validators=[Optional()], description=_l(
            "Only for a system that is, or may be, high-impact AI."))
    if f.kind == "status_dates":
        return FormField(StatusDatesForm, label=f.label, description=description)
    if f.kind == "risks":
        return FieldList(FormField(RiskRow), label=f.label, min_entries=MAX_RISKS, max_entries=MAX_RISKS)
    if f.kind == "withheld":
        return FieldList(FormField(WithheldRow), label=f.label, min_entries=MAX_WITHHELD, max_entries=MAX_WITHHELD)
    return None


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _pair(value: Any) -> dict[str, str | None]:
    return bilingual_value(value).as_dict()


class EntryForm(BaseForm):
    """Every field of an entry, by section (see `sections`). On a new entry the first assessment stage
    can be given here; later stages, and every stage of an existing entry, on the assessment form."""

    assessment = SelectField(_l("Stage of the human rights impact assessment"), validators=[Optional()],
                             choices=lambda: [("", _l("No assessment yet")), *_enum_choices(Stage)])
    assessment_date = DateField(_l("Date of this stage"), validators=[Optional()])
    assessment_summary = bilingual_field(_l("Summary of this stage"), max_length=LONG_MAX, required=False,
                                         multiline=True)

    # compound fields (status dates, areas, risks, withheld) show an action's message here, above their rows
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.block_errors: dict[str, list[str]] = {}

    def sections(self) -> list[tuple[str, Any, list[tuple[Field, Any]]]]:
        """(key, title, [(document field, form field)]) in FIELDS order, for the template."""
        out = []
        for key, title in SECTIONS.items():
            rows = [(f, self._fields.get(f.key)) for f in FIELDS if f.section == key]
            out.append((key, title, [(f, field) for f, field in rows if field is not None]))
        return out

    def _withheld_rows(self) -> list[dict[str, Any]]:
        return [{"field": row.field.data or None, "label": _pair(row.label),
                 "ground": int(row.ground.data) if row.ground.data else None, "reason": _pair(row.reason)}
                for row in (entry.form for entry in self.withheld)]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        hidden = {row["field"] for row in self._withheld_rows()}
        for f in FIELDS:
            if f.required and f.kind in BILINGUAL_KINDS and f.key not in hidden:
                pair = self[f.key].form
                if not (pair.ko.data or pair.en.data) and not pair.ko.errors:
                    pair.ko.errors = [*pair.ko.errors, _l("Fill in at least one language.")]
                    ok = False
        return ok

    def document(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The document the form describes; `base` (the current one) supplies the assessment on edit."""
        doc: dict[str, Any] = {}
        for f in FIELDS:
            field = self._fields.get(f.key)
            if f.kind == "assessment":
                continue
            if f.kind in BILINGUAL_KINDS:
                doc[f.key] = _pair(field)
            elif f.kind == "plain":
                doc[f.key] = field.data or None
            elif f.kind == "url":
                doc[f.key] = field.data or None
            elif f.kind == "date":
                doc[f.key] = _iso(field.data)
            elif f.kind == "bool":
                doc[f.key] = {"yes": True, "no": False}.get(field.data)
            elif f.kind == "choice":
                doc[f.key] = field.data or None
            elif f.kind == "areas":
                doc[f.key] = list(field.data or [])
            elif f.kind == "status_dates":
                doc[f.key] = {s.value: _iso(field.form[s.value].data) for s in EntryStatus}
            elif f.kind == "risks":
                doc[f.key] = [{"risk": _pair(row.form.risk), "mitigation": _pair(row.form.mitigation)}
                              for row in field]
            elif f.kind == "withheld":
                doc[f.key] = self._withheld_rows()
        if base is not None:
            doc["assessment"] = base.get("assessment", {})
        elif self.assessment.data:
            doc["assessment"] = {self.assessment.data: {
                "date": _iso(self.assessment_date.data), "summary": _pair(self.assessment_summary), "pdf": None}}
        else:
            doc["assessment"] = {}
        return doc

    def fill(self, doc: dict[str, Any]) -> None:
        """Show a document in the form (GET of the edit page)."""
        for f in FIELDS:
            field = self._fields.get(f.key)
            value = doc.get(f.key)
            if field is None:
                continue
            if f.kind in BILINGUAL_KINDS:
                field.form.ko.data, field.form.en.data = (value or {}).get("ko"), (value or {}).get("en")
            elif f.kind in ("plain", "url", "choice"):
                field.data = value
            elif f.kind == "date":
                field.data = _day(value)
            elif f.kind == "bool":
                field.data = "yes" if value else "no"
            elif f.kind == "areas":
                field.data = list(value or [])
            elif f.kind == "status_dates":
                for s in EntryStatus:
                    field.form[s.value].data = _day((value or {}).get(s.value))
            elif f.kind == "risks":
                for row, item in zip(field, value or []):
                    for side in ("risk", "mitigation"):
                        row.form[side].form.ko.data = item[side]["ko"]
                        row.form[side].form.en.data = item[side]["en"]
            elif f.kind == "withheld":
                for row, item in zip(field, value or []):
                    row.form.field.data = item["field"]
                    row.form.ground.data = str(item["ground"])
                    for side in ("label", "reason"):
                        row.form[side].form.ko.data = item[side]["ko"]
                        row.form[side].form.en.data = item[side]["en"]

    def attach(self, error: Any) -> None:
        """Show an action's Invalid at its field, above a compound field's rows, or at the top."""
        field = self._fields.get(error.field)
        if field is None:
            self.form_errors.append(error.message)
        elif isinstance(field, FormField) and hasattr(field.form, "ko"):
            field.form.ko.errors = [*field.form.ko.errors, error.message]
        elif isinstance(field, (FieldList, FormField)):
            self.block_errors.setdefault(error.field, []).append(error.message)
        else:
            field.errors = [*field.errors, error.message]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form_errors or self.block_errors)


for _f in FIELDS:
    if (_unbound := _form_field(_f)) is not None:
        setattr(EntryForm, _f.key, _unbound)


class EditEntryForm(EntryForm):
    """An existing entry: its fields and a public change note; assessment stages have their own form."""

    assessment = None  # type: ignore[assignment]
    assessment_date = None  # type: ignore[assignment]
    assessment_summary = None  # type: ignore[assignment]
    change_note = bilingual_field(_l("What changed (public)"), max_length=CHANGE_NOTE_MAX, multiline=True,
                                  description=_l("Shown in the entry's history beside the changes."))


class AssessmentForm(BaseForm):
    stage = RadioField(_l("Stage"), choices=lambda: _enum_choices(Stage),
                       validators=[InputRequired(message=_l("Choose one of the options."))],
                       description=_l("The four stages of the National Human Rights Commission's AI human rights "
                                      "impact assessment tool. Recording a stage again replaces it."))
    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a valid date."))],
                     description=_l("When this stage was completed, or reached."))
    summary = bilingual_field(_l("Summary of this stage (public)"), max_length=LONG_MAX, multiline=True)
    pdf = FileField(_l("Report of this stage (PDF, at most 10 MB, optional)"))


class LinkForm(BaseForm):
    consultation = SelectField(_l("Consultation"), validators=[InputRequired(message=_l("Choose a consultation."))])


class FlagForm(BaseForm):
    """A flag on an entry (missing information or disagreement)."""

    org = SelectField(_l("Flag as"), validators=[InputRequired(message=_l("Choose your organisation."))])
    kind = RadioField(_l("Kind of flag"), choices=lambda: [(k.value, k.label) for k in (
        FlagKind.MISSING_INFORMATION, FlagKind.DISAGREEMENT)],
        validators=[InputRequired(message=_l("Choose one of the options."))])
    field = SelectField(_l("Field that lacks information"), validators=[Optional()], choices=lambda: [
        ("", _l("Choose a field")), *((f.key, f.label) for f in FIELDS)],
        description=_l("Only for missing information."))
    body = TextAreaField(_l("Your flag (public)"), filters=[strip], validators=[
        DataRequired(message=_l("Write your text.")), Length(max=FLAG_MAX, message=_l("At most %(max)d characters.")),
        no_control_characters(True), no_markup])
    lang = RadioField(_l("Language of your text"), choices=[("ko", "한국어"), ("en", "English")], default="ko",
                      validators=[InputRequired(message=_l("Choose one of the options."))])
    evidence_url = StringField(_l("Link to evidence (optional)"), validators=[Optional(), Length(max=URL_MAX),
                                                                              web_address])


class BodyFlagForm(FlagForm):
    """A system in use that the body has not registered: the evidence link is required."""

    kind = None  # type: ignore[assignment]
    field = None  # type: ignore[assignment]
    evidence_url = StringField(_l("Link to evidence that the body uses the system"), validators=[
        DataRequired(message=_l("Link to the evidence that the body uses this system.")), Length(max=URL_MAX),
        web_address])


class AnswerForm(BaseForm):
    outcome = RadioField(_l("Outcome"), choices=lambda: [(o.value, CONSULTATION_LABELS[Outcome][o]) for o in Outcome],
                         validators=[InputRequired(message=_l("Choose one of the options."))])
    answer = bilingual_field(_l("Answer (public)"), max_length=ANSWER_MAX, multiline=True)
