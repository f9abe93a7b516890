"""Maintenance helper for the catalogues: English msgstr = msgid everywhere; Korean from a dict file.

    .venv/bin/python scripts/fill_translations.py [KO_DICT.py]

KO_DICT.py defines KO = {msgid: Korean}. Entries already translated are kept; the fuzzy flag is removed
only where a translation was given. Run `make extract-messages` first, `make translations` after.
"""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def fill(lang: str, ko: dict[str, str]) -> list[str]:
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open(encoding="utf-8") as f:
        catalog = read_po(f)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if lang == "en":
            message.string = message.id
            message.flags.discard("fuzzy")
        elif message.id in ko:
            message.string = ko[message.id]
            message.flags.discard("fuzzy")
        if not message.string or "fuzzy" in message.flags:
            missing.append(str(message.id))
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True)
    return missing


def main() -> int:
    ko = runpy.run_path(sys.argv[1])["KO"] if len(sys.argv) > 1 else {}
    fill("en", {})
    missing = fill("ko", ko)
    for msgid in missing:
        print("untranslated (ko):", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
