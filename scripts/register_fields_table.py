"""Write the AI register's field table into README.md from consult.register.fields.FIELDS, so the
documented schema and its mapping to the UK ATRS and the Dutch Algoritmeregister stay in step with the code.

    .venv/bin/python scripts/register_fields_table.py          # rewrite the table in README.md
    .venv/bin/python scripts/register_fields_table.py --check  # exit 1 if README.md is out of date

The table sits between the markers `<!-- register-fields:start -->` and `<!-- register-fields:end -->`.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START, END = "<!-- register-fields:start -->", "<!-- register-fields:end -->"

# ATRS attribute names checked word for word against the ATRS data standard v1.1 (gov.uk, CSV of
# 2 December 2021); the others follow the ATRS v2/v3 templates' sections and are marked "≈".
ATRS_VERIFIED = {"name", "description", "team", "senior_responsible_owner", "external_supplier"}

KINDS = {
    "text": "bilingual `{ko, en}` (one line)",
    "long": "bilingual `{ko, en}` (plain text, newlines)",
    "plain": "string",
    "url": "string (http/https URL)",
    "date": "ISO date `YYYY-MM-DD`",
    "bool": "boolean",
    "choice": "string: one of",
    "areas": "list of area codes",
    "status_dates": "`{status: YYYY-MM-DD or null}`",
    "risks": "list of `{risk, mitigation}` (bilingual)",
    "assessment": "`{stage: {date, summary, pdf}}`",
    "withheld": "list of `{field, label, ground, reason}`",
}


def table() -> str:
    from consult import create_app
    from consult.register.fields import FIELDS, SECTIONS

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    lines = ["| key | field | section | kind | required | withholdable | UK ATRS | NL Algoritmeregister |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    with app.test_request_context("/en/"):
        from flask import g
        g.lang = "en"
        for f in FIELDS:
            kind = KINDS[f.kind]
            if f.kind == "choice" and f.enum is not None:
                kind += " " + ", ".join(f"`{m.value}`" for m in f.enum)
            elif f.kind == "areas" and f.enum is not None:
                kind += " (" + ", ".join(f"`{m.value}`" for m in f.enum) + ")"
            atrs = "" if not f.atrs else (f"`{f.atrs}`" if f.atrs in ATRS_VERIFIED else f"≈ `{f.atrs}`")
            nl = f"`{f.nl}`" if f.nl else ""
            lines.append(f"| `{f.key}` | {f.label} | {SECTIONS[f.section]} | {kind} | {'yes' if f.required else ''} "
                         f"| {'yes' if f.withholdable else ''} | {atrs} | {nl} |")
    return "\n".join(lines)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print("README.md has no register-fields markers", file=sys.stderr)
        return 2
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table()}\n{END}{tail}"
    if "--check" in sys.argv:
        if new != text:
            print("README.md's register field table is out of date: run scripts/register_fields_table.py")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
