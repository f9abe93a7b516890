"""/ko/log entries verify in the visitor's browser (Web Crypto), and a tampered entry does not."""
from __future__ import annotations

from typing import Any

import pytest

from consult import record

from ..factories import make_org
from .conftest import axe_violations, describe_violations, release_database, rewrite_event_by_hand

pytestmark = pytest.mark.browser


def _verify(page: Any, lang: str, seq: int) -> str:
    page.goto(f"/{lang}/log/{seq}")
    page.locator("#verify-button").click()
    page.wait_for_selector(".verify-ok, .verify-fail")
    return page.locator("#verify-result").get_attribute("class")


def test_entries_verify_in_the_browser_in_both_languages(page, app):
    for _ in range(3):
        make_org()
    size = record.size()
    release_database()
    for lang, seq in (("ko", 0), ("en", size // 2), ("ko", size - 1)):
        assert "verify-ok" in _verify(page, lang, seq), (lang, seq)
        text_shown = page.locator("#verify-result").inner_text()
        assert "✓" in text_shown
        problems = describe_violations(page.url, axe_violations(page))
        assert not problems, "\n".join(problems)
    page.goto("/ko/log/about")
    problems = describe_violations(page.url, axe_violations(page))
    assert not problems, "\n".join(problems)


def test_a_leaf_edited_in_the_database_fails_in_the_browser(page, new_context, app):
    make_org()
    release_database()
    assert "verify-ok" in _verify(page, "en", 2)
    rewrite_event_by_hand(2, lambda leaf: leaf.replace('"type":"', '"type":"x', 1))
    fresh = new_context().new_page()  # entries are immutable, so the first browser cached them
    assert "verify-fail" in _verify(fresh, "en", 2)
