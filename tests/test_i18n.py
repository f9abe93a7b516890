"""Interface text is complete in both catalogues; bilingual fields fall back; dates are Korean and Seoul."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from consult.i18n import Bilingual, Shown, format_moment

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po" for lang in ("ko", "en")}
PYBABEL = Path(sys.executable).with_name("pybabel")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict:
    """The messages the source uses now, extracted exactly as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([str(PYBABEL), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                    "--no-location", "-o", str(pot), "--ignore-dirs=.venv node_modules static", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        template = read_po(f)
    return {m.id: m for m in template if m.id}


def _catalogue(lang: str):
    with CATALOGUES[lang].open("rb") as f:
        return read_po(f, locale=lang)


def test_extraction_finds_the_interface(extracted):
    assert len(extracted) > 200
    assert "Page not found" in extracted and "Organisation verified" in extracted  # templates and code
    assert ("%(count)d people" in extracted) or any(isinstance(k, tuple) for k in extracted)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_message_is_translated(extracted, lang):
    catalogue = _catalogue(lang)
    problems = []
    for msgid, template in extracted.items():
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not strings or not all(s and s.strip() for s in strings):
            problems.append(f"empty: {msgid!r}")
        if isinstance(template.id, tuple) and len(strings) < catalogue.num_plurals:
            problems.append(f"plural forms missing: {msgid!r}")
    assert problems == [], f"{len(problems)} message(s) in {lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_placeholders_survive_translation(lang):
    """A translation that drops or renames %(name)s would raise or print the wrong value."""
    import re
    catalogue = _catalogue(lang)
    bad = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)[sd]", ids[0]))
        for s in strings:
            if s and set(re.findall(r"%\((\w+)\)[sd]", s)) != wanted:
                bad.append((message.id, s))
    assert bad == []


def test_korean_is_really_korean():
    catalogue = _catalogue("ko")
    assert catalogue.get("Page not found").string != "Page not found"
    hangul = sum(1 for m in catalogue if m.id and any("\uac00" <= ch <= "\ud7a3" for ch in str(m.string)))
    assert hangul > 0.9 * sum(1 for m in catalogue if m.id)


# ---- Bilingual.pick --------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "lang", "shown"), [
    (Bilingual("의견수렴", "Consultation"), "ko", Shown("의견수렴", "ko", False)),
    (Bilingual("의견수렴", "Consultation"), "en", Shown("Consultation", "en", False)),
    (Bilingual("의견수렴", None), "en", Shown("의견수렴", "ko", True)),
    (Bilingual("의견수렴", ""), "en", Shown("의견수렴", "ko", True)),
    (Bilingual(None, "Consultation"), "ko", Shown("Consultation", "en", True)),
    (Bilingual(None, None), "ko", Shown("", "en", True)),
])
def test_pick(value, lang, shown):
    assert value.pick(lang) == shown


def test_bilingual_truth_and_dict():
    assert not Bilingual(None, None) and not Bilingual("", "") and Bilingual(None, "x")
    assert Bilingual("가", None).as_dict() == {"ko": "가", "en": None}


# ---- dates: Korean conventions, Seoul time ---------------------------------------------------------

# 15:30 UTC on Monday 20 May 2024 is 00:30 on Tuesday 21 May in Seoul
LATE_MONDAY_UTC = datetime(2024, 5, 20, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "lang", "text"), [
    ("date", "ko", "2024년 5월 21일 (화)"),
    ("date", "en", "Tue 21 May 2024"),
    ("datetime", "ko", "2024년 5월 21일 (화) 오전 12:30"),
    ("datetime", "en", "Tue 21 May 2024, 00:30"),
    ("official", "ko", "2024. 5. 21."),
    ("official", "en", "21 May 2024"),
])
def test_format_moment_in_seoul(app, kind, lang, text):
    assert format_moment(LATE_MONDAY_UTC, kind, lang) == text


def test_format_moment_afternoon_and_empty(app):
    afternoon = datetime(2024, 12, 31, 6, 5, tzinfo=UTC)  # 15:05 in Seoul
    assert format_moment(afternoon, "datetime", "ko") == "2024년 12월 31일 (화) 오후 3:05"
    assert format_moment(afternoon, "datetime", "en") == "Tue 31 Dec 2024, 15:05"
    assert format_moment(None) == ""


def test_dates_on_pages_are_seoul_dates(app, client):
    """The member list shows the day of joining in Seoul, in the page's language."""
    from tests.factories import make_org, make_person
    admin = make_person()
    org = make_org(admin=admin, now=LATE_MONDAY_UTC)
    assert "2024년 5월 21일 (화)" in client.get(f"/ko/organizations/{org.slug}").get_data(as_text=True)
    assert "Tue 21 May 2024" in client.get(f"/en/organizations/{org.slug}").get_data(as_text=True)


@pytest.mark.parametrize("now, deadline, days", [
    # Seoul 19:00 on the 9th; the deadline is 18:00 Seoul on the 10th: one calendar day, not "today"
    ("2026-12-09T10:00:00+00:00", "2026-12-10T09:00:00+00:00", 1),
    ("2026-12-10T00:30:00+00:00", "2026-12-10T09:00:00+00:00", 0),
    # 23:30 UTC on the 9th is already the 10th in Seoul
    ("2026-12-09T23:30:00+00:00", "2026-12-10T09:00:00+00:00", 0),
    ("2026-12-09T10:00:00+00:00", "2026-12-30T09:00:00+00:00", 21),
])
def test_days_until_counts_seoul_calendar_days(now, deadline, days):
    from datetime import datetime

    from consult.i18n import days_until
    assert days_until(datetime.fromisoformat(deadline), datetime.fromisoformat(now)) == days
