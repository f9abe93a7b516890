"""The fields of a register entry, defined once: the form, the validation, the entry page, the revision
diff, the CSV/JSON exports and the mapping to other registers all read `FIELDS`.

An entry's document (`RegisterEntry.content`, `RegisterRevision.content`) is a dict keyed by field key.
Values by kind:

- `text`, `long`: bilingual `{"ko": str | None, "en": str | None}` (`long` is multi-line plain text)
- `plain`: `str | None` (one language-neutral value, e.g. a person's name)
- `url`: `str | None` (http or https)
- `date`: ISO date `"YYYY-MM-DD" | None`
- `bool`: `bool`
- `choice`: the value of an enumeration (`enum`)
- `areas`: list of `Area` values, in the enumeration's order
- `status_dates`: `{status value: "YYYY-MM-DD" | None}` for each `EntryStatus`
- `risks`: list of `{"risk": bilingual, "mitigation": bilingual}`
- `assessment`: `{stage value: {"date": "YYYY-MM-DD", "summary": bilingual,
  "pdf": {"sha256", "filename", "size"} | None}}` for each stage recorded, in stage order
- `withheld`: list of `{"field": key of a withholdable field or "other", "label": bilingual (what is
  withheld, required for "other"), "ground": 1–8 (`Ground`), "reason": bilingual}`

A withheld field's own value is empty; pages show "withheld" with the legal basis in its place.
`atrs` and `nl` name the matching field of the UK Algorithmic Transparency Recording Standard and of
the Dutch algorithm register (Algoritmeregister), where one matches; the README's mapping table is
generated from them.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from .models import Area, EntryStatus, HighImpact, Stage

SUMMARY_MAX = 300
TEXT_MAX = 300
LONG_MAX = 5000


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # lazy string
    kind: str
    section: str
    required: bool = False
    withholdable: bool = False
    max_length: int | None = None
    enum: type[StrEnum] | None = None
    atrs: str | None = None
    nl: str | None = None
    help: Any = None


SECTIONS = {
    "overview": _l("Overview"),
    "legal": _l("High-impact status under the AI Framework Act"),
    "system": _l("The system and its data"),
    "use": _l("How it is used and overseen"),
    "assessment": _l("Impact assessments and risks"),
    "withheld": _l("Withheld information"),
}

FIELDS: tuple[Field, ...] = (
    Field("system_name", _l("System name"), "text", "overview", required=True, max_length=TEXT_MAX,
          atrs="name", nl="name"),
    Field("unit", _l("Operating unit"), "text", "overview", required=True, max_length=TEXT_MAX,
          atrs="team"),
    Field("officer_title", _l("Responsible officer (title)"), "text", "overview", max_length=TEXT_MAX,
          atrs="senior_responsible_owner"),
    Field("officer_name", _l("Responsible officer (name)"), "plain", "overview", max_length=100,
          withholdable=True),
    Field("purpose", _l("Purpose and task"), "long", "overview", required=True, max_length=LONG_MAX,
          atrs="benefits", nl="goal"),
    Field("summary", _l("Plain-language summary"), "long", "overview", required=True, max_length=SUMMARY_MAX,
          atrs="description", nl="description_short",
          help=_l("At most 300 characters in each language, for someone who has never heard of the system.")),
    Field("status", _l("Status"), "choice", "overview", required=True, enum=EntryStatus,
          atrs="phase", nl="status"),
    Field("status_dates", _l("Dates of each status"), "status_dates", "overview",
          atrs="date_deployed", nl="begin_date"),
    Field("high_impact", _l("High-impact AI"), "choice", "legal", required=True, enum=HighImpact,
          nl="publication_category"),
    Field("areas", _l("High-impact areas (AI Framework Act, Article 2(4))"), "areas", "legal", enum=Area),
    Field("high_impact_note", _l("Note on the high-impact status"), "long", "legal", max_length=LONG_MAX),
    Field("confirmation_requested_on", _l("Confirmation requested from the Ministry of Science and ICT on"),
          "date", "legal"),
    Field("confirmation_result", _l("Result of the confirmation request"), "long", "legal",
          max_length=LONG_MAX),
    Field("supplier", _l("Developer or supplier"), "text", "system", max_length=TEXT_MAX, withholdable=True,
          atrs="external_supplier", nl="provider"),
    Field("procurement", _l("Procurement route"), "long", "system", max_length=LONG_MAX, withholdable=True,
          atrs="procurement_procedure_type"),
    Field("data_sources", _l("Data sources"), "long", "system", required=True, max_length=LONG_MAX,
          withholdable=True, atrs="data_sources", nl="source_data"),
    Field("data_categories", _l("Categories of data"), "long", "system", required=True, max_length=LONG_MAX,
          withholdable=True, atrs="data_description"),
    Field("personal_data", _l("Processes personal data"), "bool", "system", required=True,
          atrs="data_sensitivity"),
    Field("model_type", _l("How it works (model type)"), "long", "system", max_length=LONG_MAX,
          withholdable=True, atrs="model_type", nl="methods_and_models"),
    Field("decision_role", _l("How its outputs feed decisions"), "long", "use", required=True,
          max_length=LONG_MAX, atrs="process_integration"),
    Field("human_oversight", _l("Human oversight"), "long", "use", required=True, max_length=LONG_MAX,
          atrs="human_decisions_and_review", nl="human_intervention"),
    Field("non_discrimination", _l("Non-discrimination measures and audit results"), "long", "use",
          max_length=LONG_MAX, withholdable=True, atrs="risks"),
    Field("contest", _l("How to ask for an explanation or contest a decision"), "long", "use", required=True,
          max_length=LONG_MAX, atrs="appeals_and_review"),
    Field("assessment", _l("Human rights impact assessment"), "assessment", "assessment", required=True,
          atrs="impact_assessments",
          help=_l("Recorded stage by stage; an entry without an assessment must say why.")),
    Field("assessment_link", _l("Link to the impact assessment"), "url", "assessment", max_length=500,
          atrs="impact_assessments", nl="impacttoetsen_grouping"),
    Field("no_assessment_reason", _l("Why there is no impact assessment"), "long", "assessment",
          max_length=LONG_MAX, nl="impacttoetsen"),
    Field("privacy_assessment", _l("Privacy impact assessment (summary)"), "long", "assessment",
          max_length=LONG_MAX, withholdable=True),
    Field("risks", _l("Risks and mitigations"), "risks", "assessment", atrs="risks", nl="risks"),
    Field("withheld", _l("Withheld information"), "withheld", "withheld"),
)

BY_KEY = {f.key: f for f in FIELDS}
WITHHOLDABLE = tuple(f for f in FIELDS if f.withholdable)
BILINGUAL_KINDS = ("text", "long")
STAGES = tuple(Stage)


def empty_bilingual() -> dict[str, str | None]:
    return {"ko": None, "en": None}


def empty_content() -> dict[str, Any]:
    """A document with every field present and empty, the shape every revision has."""
    doc: dict[str, Any] = {}
    for f in FIELDS:
        if f.kind in BILINGUAL_KINDS:
            doc[f.key] = empty_bilingual()
        elif f.kind == "bool":
            doc[f.key] = False
        elif f.kind in ("areas", "risks", "withheld"):
            doc[f.key] = []
        elif f.kind == "status_dates":
            doc[f.key] = {s.value: None for s in EntryStatus}
        elif f.kind == "assessment":
            doc[f.key] = {}
        else:
            doc[f.key] = None
    return doc


def withheld_keys(doc: dict[str, Any]) -> set[str]:
    return {w["field"] for w in doc.get("withheld", []) if w["field"] != "other"}
