"""Joint statements in a real browser (SPEC §5): a civil-society admin drafts a statement with a
co-drafting organisation and opens it for signature; three organisations sign — one through the htmx
button (the signing region swaps in place, no reload), one with JavaScript off (a plain form and a
redirect); the text changes to version 2 and a signer re-confirms; one withdraws; then a logged-out
visitor reads the text, its hash, the versions and the signatory list in Korean and in English and
prints it (the printed page ends with the signatories). axe-core checks every page the journey shows
with JavaScript on."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext, ngettext

from consult.extensions import db
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from consult.statements import actions as statement_actions
from consult.statements.models import Signature, Statement, StatementVersion

from ..factories import PASSWORD, make_org, make_person
from .conftest import log_in, release_database
from .test_consultation_journey import Axe, _fill_bilingual, _flash, _submit, _tick

pytestmark = pytest.mark.browser

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = Bilingual("공공기관 인공지능 등록제 도입을 촉구하는 공동성명",
                  "Joint statement calling for a register of AI used by public bodies")
BODY = Bilingual("우리는 모든 공공기관이 이용하는 인공지능을 **공개 등록부**에 올릴 것을 요구합니다.\n\n"
                 "- 도입 전 인권영향평가\n- 평가 결과 공개",
                 "We call on every public body to enter the AI it uses in a **public register**.\n\n"
                 "- A human rights impact assessment before introduction\n- Publication of the results")
BODY_2 = Bilingual(BODY.ko.replace("평가 결과 공개", "평가 결과 30일 안에 공개"),  # type: ignore[union-attr]
                   BODY.en.replace("Publication of the results", "Publication of the results within 30 days"))  # type: ignore[union-attr]
NOTE = Bilingual("평가 결과의 공개 기한(30일)을 넣었습니다.", "Added a 30-day deadline for publishing the results.")
REASON = Bilingual("이사회 의결을 다시 거치기로 했습니다.", "Our board will decide again.")


def _in(lang: str, message: str, **values: Any) -> str:
    """An interface message as the page shows it in lang (and it must be translated into Korean)."""
    with force_locale(lang):
        text = gettext(message, **values)
    if lang == "ko":
        assert text != message % values if values else text != message, f"not translated into Korean: {message!r}"
    return text


def _n_in(lang: str, singular: str, plural: str, num: int) -> str:
    with force_locale(lang):
        return ngettext(singular, plural, num)


def _total(page: Any) -> str:
    return re.sub(r"\s+", " ", page.locator("#signing .signature-total").inner_text()).strip()


def _entry(page: Any, name: str) -> str:
    """The text of one signatory's line in the list."""
    entry = page.locator("#signatories li.signatory", has_text=name)
    assert entry.count() == 1, f"{name!r} is listed {entry.count()} times"
    return re.sub(r"\s+", " ", entry.inner_text())


def _signature(statement_id: int, org_id: int) -> Signature:
    db.session.expire_all()
    sig = db.session.scalar(db.select(Signature).where(Signature.statement_id == statement_id,
                                                       Signature.organization_id == org_id))
    assert sig is not None
    return sig


def _hash(statement_id: int, number: int) -> str:
    v = db.session.scalar(db.select(StatementVersion).where(StatementVersion.statement_id == statement_id,
                                                            StatementVersion.number == number))
    assert v is not None and v.content_sha256 == statement_actions.content_hash(v)
    return v.content_sha256  # type: ignore[return-value]


def _sign_in_place(page: Any, axe: Axe, signer: str, expected_total: str) -> None:
    """Sign through the htmx button: the signing region is swapped, the document stays (its marker too)."""
    page.evaluate("() => { window.notReloaded = true; }")
    form = page.locator("#signing form.sign-form")
    form.locator("#signer").select_option(signer)
    with page.expect_response(lambda r: r.url.endswith("/sign") and r.request.method == "POST"
                              and r.request.headers.get("hx-request") == "true") as response:
        form.locator("button[type=submit]").click()
    assert response.value.status == 200, response.value.status  # swapped in place, not redirected
    page.wait_for_function("(text) => document.querySelector('#signing .signature-total').innerText.includes(text)",
                           arg=expected_total)
    assert page.evaluate("() => window.notReloaded") is True  # the same document: no reload
    assert page.evaluate("() => document.activeElement.id") == "signing"  # focus follows the swap
    axe(page, "after signing in place")


def test_cso_drafts_opens_organisations_sign_text_changes_and_anyone_reads_and_prints_it(
        app, live_server, new_context, outbox):
    drafter = make_person(email="kim.haneul@digitalrights.example.org", name="김하늘")
    forum = make_org(admin=drafter, name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    scholar = make_person(email="choi.yuna@ailaw.example.ac.kr", name="최유나")
    society = make_org(kind=OrgKind.ACADEMIA, admin=scholar, name_ko="한국AI법학회",
                       name_en="Korean Society for AI and Law")
    organiser = make_person(email="kang.sua@platformlabour.example.org", name="강수아")
    union = make_org(kind=OrgKind.LABOUR, admin=organiser, name_ko="플랫폼노동연대",
                     name_en="Platform Workers' Solidarity")
    forum_id, society_id, union_id = forum.id, society.id, union.id
    emails = {"drafter": drafter.email, "scholar": scholar.email, "organiser": organiser.email}
    release_database()
    axe = Axe()

    # the forum's admin, in Korean, drafts the statement with the research society as co-drafter
    desk = new_context().new_page()
    log_in(desk, emails["drafter"], PASSWORD, "ko")
    desk.goto("/ko/statements/")
    axe(desk, "for a drafting organisation")
    with desk.expect_navigation():
        desk.locator("main a[href$='/statements/new']").click()
    axe(desk)
    _fill_bilingual(desk, "title", TITLE)
    _fill_bilingual(desk, "body", BODY)
    co = desk.locator("label[for^='co_drafters-']", has_text="한국AI법학회")
    assert co.count() == 1
    _tick(desk, co.get_attribute("for"))
    desk.locator("#deadline").fill((datetime.now(SEOUL).date() + timedelta(days=14)).isoformat())
    _tick(desk, "allows_individuals")
    _submit(desk, "main form")
    assert re.search(r"/ko/statements/\d+$", desk.url), desk.url + desk.locator("main").inner_text()[:800]
    sid = int(desk.url.rsplit("/", 1)[1])
    show = f"/statements/{sid}"
    assert "한국AI법학회" in desk.locator("main .meta").inner_text()  # drafted by … with the co-drafter
    assert desk.locator("code.hash").count() == 0  # a draft has no hash yet
    axe(desk, "a draft")

    # a draft is private: a visitor gets 404, the co-drafter sees it and may edit it
    visitor = new_context().new_page()
    assert visitor.goto(f"/ko{show}").status == 404
    peer = new_context().new_page()
    log_in(peer, emails["scholar"], PASSWORD, "ko")
    assert peer.goto(f"/ko{show}").status == 200
    assert peer.locator(f"main a[href$='{show}/edit']").count() == 1
    axe(peer, "the draft, seen by the co-drafter")

    # opening freezes version 1: its hash is shown and is the hash of what was written
    _submit(desk, f"form[action$='{show}/open']")
    assert desk.url.endswith(f"/ko{show}"), desk.url
    assert _in("ko", "The statement is open for signature. Its text is frozen as version 1.") in _flash(desk)
    hash_1 = _hash(sid, 1)
    release_database()
    assert desk.locator("code.hash").inner_text() == hash_1
    axe(desk, "open for signature")

    # 1) the labour union signs with the htmx button, in English: the count updates in place
    union_page = new_context().new_page()
    log_in(union_page, emails["organiser"], PASSWORD)
    union_page.goto(f"/en{show}")
    assert _total(union_page).startswith(_n_in("en", "%(num)d signature", "%(num)d signatures", 0))
    axe(union_page, "before signing")
    _sign_in_place(union_page, axe, f"org:{union_id}", _n_in("en", "%(num)d signature", "%(num)d signatures", 1))
    assert "Platform Workers' Solidarity" in _entry(union_page, "Platform Workers' Solidarity")
    assert union_page.locator("#signing form.sign-form").count() == 1  # still offered: sign as oneself
    assert union_page.locator("#signer option[value^='org:']").count() == 0  # but not twice for the union

    # 2) the research society signs with JavaScript off: a plain form, a redirect, the same result
    offline = new_context(java_script_enabled=False).new_page()
    log_in(offline, emails["scholar"], PASSWORD, "ko")
    offline.goto(f"/ko{show}")
    offline.locator("#signer").select_option(f"org:{society_id}")
    with offline.expect_navigation() as navigation:
        offline.locator("#signing form.sign-form button[type=submit]").click()
    assert navigation.value.status == 200 and offline.url.endswith(f"/ko{show}#signing"), offline.url
    assert "한국AI법학회" in _flash(offline)
    assert _total(offline).startswith(_n_in("ko", "%(num)d signature", "%(num)d signatures", 2))
    assert "한국AI법학회" in _entry(offline, "한국AI법학회")

    # 3) the drafting forum signs too (htmx), in Korean
    desk.goto(f"/ko{show}")
    _sign_in_place(desk, axe, f"org:{forum_id}", _n_in("ko", "%(num)d signature", "%(num)d signatures", 3))
    assert {_signature(sid, org).version for org in (forum_id, society_id, union_id)} == {1}
    release_database()

    # the drafter changes the text: version 2, with a public note; every signer is asked to re-confirm
    with desk.expect_navigation():
        desk.locator(f"main a[href$='{show}/edit']").click()
    assert desk.locator("#body-ko").input_value() == BODY.ko  # the frozen text, to start from
    axe(desk, "a new version")
    _fill_bilingual(desk, "body", BODY_2)
    _fill_bilingual(desk, "change_note", NOTE)
    _submit(desk, "main form")
    assert desk.url.endswith(f"/ko{show}"), desk.url + desk.locator("main").inner_text()[:800]
    hash_2 = _hash(sid, 2)
    mailed = {m.to_address for m in outbox() if f"{show}" in m.body}  # the mail asking to re-confirm
    release_database()
    assert hash_2 != hash_1 and desk.locator("code.hash").inner_text() == hash_2
    assert mailed == set(emails.values()), mailed
    assert desk.locator("nav.version-switcher li").count() == 2
    pending_ko = _in("ko", "signed version %(number)d — re-confirmation pending", number=1)
    assert pending_ko in _entry(desk, "디지털권리포럼")
    axe(desk, "version 2")

    # the union re-confirms in place (htmx)
    union_page.goto(f"/en{show}")
    pending_en = _in("en", "signed version %(number)d — re-confirmation pending", number=1)
    assert pending_en in _entry(union_page, "Platform Workers' Solidarity")
    union_page.evaluate("() => { window.notReloaded = true; }")
    with union_page.expect_response(lambda r: r.url.endswith("/reconfirm")) as response:
        union_page.locator("#signing .my-signature form[action$='/reconfirm'] button").click()
    assert response.value.status == 200
    union_page.wait_for_function("() => !document.querySelector('#signing .my-signature form[action$=\"/reconfirm\"]')")
    assert union_page.evaluate("() => window.notReloaded") is True
    entry = _entry(union_page, "Platform Workers' Solidarity")
    assert pending_en not in entry and "re-confirmed version 2" in entry, entry
    axe(union_page, "after re-confirming")

    # the society withdraws, with JavaScript off, giving a reason
    offline.goto(f"/ko{show}")
    with offline.expect_navigation():
        offline.locator("#signing .my-signature a[href$='/withdraw']").click()
    _fill_bilingual(offline, "reason", REASON)
    _submit(offline, "main form")
    assert offline.url.endswith(f"/ko{show}#signing"), offline.url
    assert "한국AI법학회" in offline.locator("#signing .my-signature").inner_text()
    assert _signature(sid, society_id).withdrawn_at is not None
    assert _signature(sid, union_id).version == 2 and _signature(sid, forum_id).version == 1
    count = db.session.get(Statement, sid).signature_count  # type: ignore[union-attr]
    release_database()
    assert count == 2

    # a logged-out visitor, in Korean and in English: text, hash, versions, signatories; then prints it
    names = {"ko": ("디지털권리포럼", "플랫폼노동연대", "한국AI법학회"),
             "en": ("Digital Rights Forum", "Platform Workers' Solidarity", "Korean Society for AI and Law")}
    for lang in ("ko", "en"):
        forum_name, union_name, society_name = names[lang]
        visitor.goto(f"/{lang}/statements/")
        card = visitor.locator("#statement-results li", has_text=getattr(TITLE, lang))
        assert _n_in(lang, "%(num)d signature", "%(num)d signatures", 2) in card.inner_text()
        assert _in(lang, "version %(number)d", number=2) in card.inner_text()
        axe(visitor, "the list")
        with visitor.expect_navigation():
            card.locator("a").first.click()
        assert visitor.url.endswith(f"/{lang}{show}"), visitor.url
        assert visitor.locator("main h1").inner_text() == getattr(TITLE, lang)
        body = visitor.locator(".statement-body")
        assert body.get_attribute("lang") == lang and body.locator("strong").inner_text() in (
            "공개 등록부", "public register")
        assert ("30일 안에" if lang == "ko" else "within 30 days") in body.inner_text()
        assert visitor.locator("code.hash").inner_text() == hash_2
        assert getattr(NOTE, lang) in visitor.locator(".change-note").inner_text()
        versions = visitor.locator("nav.version-switcher a")
        assert versions.count() == 2 and versions.nth(1).get_attribute("aria-current") == "page"
        total = _total(visitor)
        assert total.startswith(_n_in(lang, "%(num)d signature", "%(num)d signatures", 2)), total
        assert _n_in(lang, "%(num)d withdrawn", "%(num)d withdrawn", 1) in total, total
        assert _in(lang, "signed version %(number)d — re-confirmation pending", number=1) in _entry(visitor, forum_name)
        assert _in(lang, "version %(number)d", number=2) in _entry(visitor, union_name)
        withdrawn = _entry(visitor, society_name)
        assert "is-withdrawn" in visitor.locator("#signatories li.signatory", has_text=society_name).get_attribute("class")
        assert getattr(REASON, lang) in withdrawn
        groups = visitor.locator("#signatories h3.signatory-group").all_inner_texts()
        assert len(groups) == 3 and _in(lang, "Withdrawn signatures") in groups[-1], groups  # withdrawn last
        assert visitor.locator("#signatories a", has_text=forum_name).count() == 1  # links to the organisation
        assert "김하늘" not in visitor.locator("#signatories").inner_text()  # who signed for an org: drafters only
        axe(visitor)

        # version 1, as it was signed, with its own hash, and what changed
        with visitor.expect_navigation():
            versions.nth(0).click()
        assert visitor.url.endswith(f"/{lang}{show}/versions/1")
        assert visitor.locator("code.hash").inner_text() == hash_1
        assert ("30일 안에" if lang == "ko" else "within 30 days") not in visitor.locator(".statement-body").inner_text()
        axe(visitor, "version 1")
        visitor.goto(f"/{lang}{show}")
        with visitor.expect_navigation():
            visitor.locator(f"a[href$='{show}/versions/2/changes']").click()
        added = " ".join(visitor.locator(f".diff [lang={lang}] ins").all_inner_texts())
        assert ("30일" in added) if lang == "ko" else ("30 days" in added), added
        axe(visitor)

        # the print page: the text, then the signatories, and only the proof of the text after them
        visitor.goto(f"/{lang}{show}")
        with visitor.expect_navigation():
            visitor.locator(f"a[href$='{show}/print']").click()
        axe(visitor, "print page")
        visitor.emulate_media(media="print")
        printed = visitor.locator("main").inner_text()  # innerText leaves out what print styles hide
        assert getattr(TITLE, lang) in printed and ("30일 안에" if lang == "ko" else "within 30 days") in printed
        heading = _n_in(lang, "%(num)d signatory", "%(num)d signatories", 2)
        assert printed.index(heading) > printed.index(getattr(BODY_2, lang)[:12])  # the list follows the text
        listed = printed[printed.index(heading):]
        assert forum_name in listed and union_name in listed and society_name not in listed, listed
        after = listed[listed.index(union_name) + len(union_name):]
        proof = visitor.locator(".print-proof").inner_text()
        assert hash_2 in proof and f"/{lang}{show}" in proof
        rest = after.replace(proof, "").replace("*", "")
        rest = rest.replace(_in(lang, "signed an earlier version and has not yet re-confirmed version %(number)d",
                                number=2), "")
        assert not rest.strip(), f"the printed page goes on after the signatories: {rest!r}"
        assert not printed.lstrip().startswith(_in(lang, "Back to the statement")), \
            "the print page's own instructions are printed"
        assert visitor.pdf(format="A4")[:4] == b"%PDF"  # it prints
        visitor.emulate_media(media="screen")

    assert len(axe.pages) >= 20, axe.pages
    axe.assert_clean()
