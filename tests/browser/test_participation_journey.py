"""Who takes part, in a real browser (SPEC §2, §6, §7): on a consultation for invited organisations, an
official finds two organisations with the htmx search and invites them, and invites a third by email; a
third organisation asks to take part from the consultation page and the official denies it with a reason;
one invited organisation declines with a reason, the other accepts; the official records a hearing held
yesterday. The mails reach a real local SMTP server, each in its recipient's language. Then a logged-out
visitor reads all of it on the record page in Korean and in English — the invitations and their states
(the email invitation under its given name, never the address), the denied request and its reason, the
hearing, the participation chart and its table, the verified organisation of a target group nobody
invited — and follows its links into the transparency log. axe-core checks every page the journey shows."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, ngettext

from consult.consultations.models import Mode
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.mail.delivery import deliver_due
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor

from ..factories import PASSWORD, make_consultation, make_org, make_person
from ..test_mail import smtp  # noqa: F401 - the local SMTP server fixture
from ..web.support import translated
from .conftest import log_in, release_database
from .test_consultation_journey import Axe, _fill_bilingual, _flash, _submit, _tick

pytestmark = pytest.mark.browser

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = Bilingual("인공지능 공공이용 지침(안) 행정예고", "Administrative notice: draft guideline on public-sector AI")
MESSAGE = Bilingual("제2조의 영향평가에 관한 서면 의견을 요청드립니다.",
                    "We ask for your written comments on the impact assessment in Article 2.")
EMAIL = "contact@aiethics-coop.example.org"
EMAIL_NAME = Bilingual("AI윤리협동조합", "AI Ethics Cooperative")
MOTIVATION = Bilingual("플랫폼 노동자에게 미치는 인공지능의 영향을 조사해 왔습니다.",
                       "We have studied how AI affects platform workers.")
DENIAL = Bilingual("이번 행정예고는 공공기관의 인공지능 도입만 다루므로 노동 분야는 별도 협의에서 듣겠습니다.",
                   "This notice covers public bodies' use of AI only; labour questions will be heard separately.")
DECLINE = Bilingual("이번 분기에는 검토할 인력이 없습니다.", "We have no one to review it this quarter.")
HEARING = Bilingual("인공지능 공공이용 지침(안) 공청회", "Public hearing on the draft guideline on public-sector AI")
PLACE = Bilingual("정부서울청사 별관 2층", "Government Complex Seoul, annex, 2nd floor")
MINUTES = Bilingual("1. 개정안의 취지를 설명했다.\n2. 영향평가 시점에 관한 질의응답이 있었다.",
                    "1. The draft was presented.\n2. Questions on when the assessment takes place.")

FORUM = Bilingual("디지털권리포럼", "Digital Rights Forum")  # civil society: invited, declines
LAW = Bilingual("인공지능법포럼", "AI Law Forum")  # academia: invited, accepts, attends the hearing
UNION = Bilingual("플랫폼노동연대", "Platform Workers' Solidarity")  # labour: asks to take part, denied
CIVIC = Bilingual("시민기술네트워크", "Civic Tech Network")  # civil society: verified, never invited


def _text(locator: Any) -> str:
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def _candidates(page: Any) -> list[str]:
    return [re.sub(r"\s+", " ", t).split(" · ")[0].strip()
            for t in page.locator("#invite-candidates .candidate-list label").all_inner_texts()]


def _radio(form: Any, value: str) -> str:
    """The id of the form's radio button with this value (its label is what people click)."""
    box_id = form.locator(f"input[type=radio][value='{value}']").get_attribute("id")
    assert box_id
    return box_id


def _fill_prefixed(form: Any, prefix: str, value: Bilingual) -> None:
    """Fill a bilingual field of a form whose fields carry a prefix (one form per row on a page)."""
    form.locator(f"[id$='{prefix}-ko']").fill(value.ko or "")
    form.locator(f"[id$='{prefix}-en']").fill(value.en or "")


def _yesterday() -> str:
    return (datetime.now(SEOUL).date() - timedelta(days=1)).isoformat()


def test_official_invites_organisations_answer_a_request_is_denied_a_hearing_is_recorded_and_anyone_sees_it(
        app, live_server, new_context, smtp):  # noqa: F811 - the fixture
    official = make_person(email="jung.minho@msit.example.go.kr", name="정민호")
    ministry = make_org(kind=OrgKind.GOVERNMENT, admin=official, name_ko="과학기술정보통신부",
                        name_en="Ministry of Science and ICT")
    c = make_consultation(Actor(official, ministry, Role.ADMIN), mode=Mode.INVITED,
                          target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA])
    people = {
        "forum": make_person(email="kim.haneul@digitalrights.example.org", name="김하늘", locale="ko"),
        "law": make_person(email="choi.yuna@ailaw.example.ac.kr", name="최유나", locale="en"),
        "union": make_person(email="kang.sua@platformlabour.example.org", name="강수아", locale="en"),
        "civic": make_person(email="yoon.seoyeon@civictech.example.org", name="윤서연", locale="ko"),
    }
    kinds = {"forum": OrgKind.CIVIL_SOCIETY, "law": OrgKind.ACADEMIA, "union": OrgKind.LABOUR,
             "civic": OrgKind.CIVIL_SOCIETY}
    names = {"forum": FORUM, "law": LAW, "union": UNION, "civic": CIVIC}
    orgs = {k: make_org(kind=kinds[k], admin=people[k], name_ko=names[k].ko, name_en=names[k].en) for k in people}
    org_ids = {k: o.id for k, o in orgs.items()}
    civic_slug = orgs["civic"].slug
    emails = {k: p.email for k, p in people.items()}
    cid, official_email = c.id, official.email
    official_names = {lang: official.public_name(lang) for lang in ("ko", "en")}  # 정민호, or the Latin name
    release_database()
    axe = Axe()
    invitations = f"/consultations/{cid}/invitations"

    # the official, in Korean, from the officials' page to the participation page
    desk = new_context().new_page()
    log_in(desk, official_email, PASSWORD, "ko")
    desk.goto(f"/ko/consultations/{cid}/manage")
    with desk.expect_navigation():
        desk.locator(f"main a[href$='{invitations}']").click()
    assert desk.url.endswith(f"/ko{invitations}"), desk.url
    assert sorted(_candidates(desk)) == sorted(n.ko for n in names.values())  # every verified one, not the ministry
    axe(desk, "nobody invited yet")

    # narrowing the search by a part of the name swaps the list in place (htmx): the two "포럼"s remain
    desk.evaluate("() => { window.notReloaded = true; }")
    with desk.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        desk.locator("#search-q").fill("포럼")
    desk.wait_for_function("() => document.querySelectorAll('#invite-candidates .candidate-list li').length === 2")
    assert sorted(_candidates(desk)) == sorted([FORUM.ko, LAW.ko])
    assert desk.evaluate("() => window.notReloaded") is True
    axe(desk, "candidates narrowed")
    _tick(desk, f"organizations-{org_ids['forum']}")
    _tick(desk, f"organizations-{org_ids['law']}")
    _tick(desk, "purpose-0")  # written input
    _fill_bilingual(desk, "message", MESSAGE)
    _submit(desk, f"form[action$='{invitations}']")
    assert desk.url.endswith(f"/ko{invitations}#invitations-title"), desk.url + _text(desk.locator("main"))[:800]
    with force_locale("ko"):
        invited_flash = ngettext("%(num)d organisation was invited. Its administrators were emailed.",
                                 "%(num)d organisations were invited. Their administrators were emailed.", 2)
    assert invited_flash in _flash(desk) and "2" in invited_flash, _flash(desk)
    table = desk.locator("#invitations-title + .krds-table-wrap table")
    assert table.locator("tbody tr").count() == 2
    axe(desk, "two invited")

    # … and invites an organisation not yet on the platform, by email, under the name it gives
    form = desk.locator(f"form[action$='{invitations}/email']")
    form.locator("#by-email-email").fill(EMAIL)
    _fill_bilingual(desk, "by-email-name", EMAIL_NAME)
    _tick(desk, "by-email-purpose-1")  # hearing
    _fill_bilingual(desk, "by-email-message", MESSAGE)
    _submit(desk, f"form[action$='{invitations}/email']")
    assert desk.url.endswith(f"/ko{invitations}#invitations-title"), desk.url + _text(desk.locator("main"))[:800]
    assert table.locator("tbody tr").count() == 3
    assert EMAIL_NAME.ko in _text(table) and EMAIL not in _text(table)
    axe(desk, "invited by email")

    # the labour organisation, in English, asks to take part from the consultation page
    union = new_context().new_page()
    log_in(union, emails["union"], PASSWORD)
    union.goto(f"/en/consultations/{cid}")
    box = union.locator("section[aria-labelledby='participation-title']")
    assert box.locator("#organization option:checked").inner_text() == UNION.en
    axe(union, "the request form")
    _fill_bilingual(union, "motivation", MOTIVATION)
    _submit(union, f"form[action$='/consultations/{cid}/requests']")
    assert union.url.endswith(f"/en/consultations/{cid}#participation-title"), union.url
    assert translated("Your request was sent to the consultation's officials. It and their decision are public.") \
        in _flash(union)
    assert translated("Awaiting decision") in _text(box.locator(".request-item h3"))
    assert box.locator("form").count() == 0  # asked once
    axe(union, "request pending")

    # the official denies it with a public reason
    desk.goto(f"/ko{invitations}")
    item = desk.locator("#requests li.request-item", has_text=UNION.ko)
    assert MOTIVATION.ko in _text(item)
    decision = item.locator("form")
    _tick(desk, _radio(decision, "deny"))
    _fill_prefixed(decision, "reason", DENIAL)
    axe(desk, "deciding a request")
    with desk.expect_navigation():
        decision.locator("button[type=submit]").click()
    assert desk.url.endswith(f"/ko{invitations}#requests-title"), desk.url + _text(desk.locator("main"))[:800]
    assert translated("The decision was recorded and published. The organisation was emailed.", "ko") in _flash(desk)
    item = desk.locator("#requests li.request-item", has_text=UNION.ko)
    assert translated("Denied", "ko") in _text(item) and DENIAL.ko in _text(item)
    assert item.locator("form").count() == 0
    axe(desk, "request denied")

    # the forum, in Korean, declines with a reason
    forum = new_context().new_page()
    log_in(forum, emails["forum"], PASSWORD, "ko")
    forum.goto(f"/ko/consultations/{cid}")
    invitation = forum.locator("section[aria-labelledby='participation-title'] .invitation-item")
    assert invitation.count() == 1 and MESSAGE.ko in _text(invitation)
    assert translated("Invitation to %(org)s", "ko", org=FORUM.ko) in _text(invitation.locator("h3"))
    axe(forum, "an invitation to answer")
    answer = invitation.locator("form")
    _tick(forum, _radio(answer, "decline"))
    _fill_prefixed(answer, "reason", DECLINE)
    with forum.expect_navigation():
        answer.locator("button[type=submit]").click()
    assert forum.url.endswith(f"/ko/consultations/{cid}#participation-title"), forum.url
    assert translated("Your answer was recorded and is public.", "ko") in _flash(forum)
    invitation = forum.locator("section[aria-labelledby='participation-title'] .invitation-item")
    assert DECLINE.ko in _text(invitation) and invitation.locator("form").count() == 0
    axe(forum, "invitation declined")

    # the law forum, in English, accepts
    law = new_context().new_page()
    log_in(law, emails["law"], PASSWORD)
    law.goto(f"/en/consultations/{cid}")
    answer = law.locator("section[aria-labelledby='participation-title'] .invitation-item form")
    _tick(law, _radio(answer, "accept"))
    with law.expect_navigation():
        answer.locator("button[type=submit]").click()
    assert translated("Your answer was recorded and is public.") in _flash(law)
    axe(law, "invitation accepted")

    # the official records yesterday's public hearing: both organisations invited, the law forum attended
    desk.goto(f"/ko{invitations}")
    with desk.expect_navigation():
        desk.locator(f"a[href$='/consultations/{cid}/meetings/new']").click()
    assert desk.locator("label[for^='invited-']").count() == 2  # the invited ones (never the email invitation)
    axe(desk)
    _tick(desk, "kind-0")  # public hearing
    _tick(desk, "format-2")  # hybrid
    desk.locator("#held_on").fill(_yesterday())
    desk.locator("#starts_at").fill("14:00")
    desk.locator("#ends_at").fill("16:30")
    _fill_bilingual(desk, "title", HEARING)
    _fill_bilingual(desk, "place", PLACE)
    _tick(desk, f"invited-{org_ids['forum']}")
    _tick(desk, f"invited-{org_ids['law']}")
    _tick(desk, f"attended-{org_ids['law']}")
    _fill_bilingual(desk, "minutes", MINUTES)
    _submit(desk, "main form")
    assert desk.url.endswith(f"/ko{invitations}#meetings-title"), desk.url + _text(desk.locator("main"))[:800]
    assert translated("The meeting was recorded and published with its minutes.", "ko") in _flash(desk)
    assert HEARING.ko in _text(desk.locator("#meetings"))
    axe(desk, "hearing recorded")

    # the mails reach a real SMTP server: the invitations (each admin in their language; the address in
    # Korean, the mail carrying both), the denial; declining, accepting and the hearing mail nobody
    db.session.remove()
    assert deliver_due(utcnow() + timedelta(seconds=1)) == (4, 0)
    received = {m["To"]: m for m in smtp.messages}
    assert sorted(received) == sorted([emails["forum"], emails["law"], EMAIL, emails["union"]])
    assert sorted(r for e in smtp.envelopes for r in e.rcpt_tos) == sorted(received)
    invited_subject = "Invitation to a consultation: %(title)s"

    def subject(address: str) -> str:  # (a long subject may be folded right after "Subject:": unfolded, it
        return received[address]["Subject"].strip()  # starts with the folding space, which clients ignore)
    assert subject(emails["forum"]) == translated(invited_subject, "ko", title=TITLE.ko)
    assert subject(emails["law"]) == translated(invited_subject, "en", title=TITLE.en)
    assert subject(EMAIL) == " / ".join((translated(invited_subject, "ko", title=TITLE.ko),  # reader unknown:
                                         translated(invited_subject, "en", title=TITLE.en)))  # both languages
    assert subject(emails["union"]) == translated("Request denied: %(title)s", "en", title=TITLE.en)
    assert MESSAGE.ko in received[emails["forum"]].get_content()
    assert MESSAGE.en in received[emails["law"]].get_content()
    assert EMAIL_NAME.ko in received[EMAIL].get_content() and EMAIL_NAME.en in received[EMAIL].get_content()
    assert DENIAL.en in received[emails["union"]].get_content()
    assert f"http://gongnon.test/en/consultations/{cid}" in received[emails["union"]].get_content()

    # anyone, logged out, in Korean and in English
    visitor = new_context().new_page()
    for lang in ("ko", "en"):
        visitor.goto(f"/{lang}/consultations/{cid}")
        assert visitor.locator("section[aria-labelledby='participation-title']").count() == 0
        with visitor.expect_navigation():
            visitor.locator(f"main a[href$='/consultations/{cid}/record']").click()
        assert visitor.url.endswith(f"/{lang}/consultations/{cid}/record"), visitor.url
        assert EMAIL not in visitor.content()  # never the address, anywhere on the page
        axe(visitor)

        # the invitations and their states
        rows = visitor.locator("#invitations-caption").locator("xpath=..").locator("tbody tr")
        assert rows.count() == 3
        row = {k: rows.filter(has_text=names[k].pick(lang).text) for k in ("forum", "law")}
        row["email"] = rows.filter(has_text=EMAIL_NAME.pick(lang).text)
        assert all(r.count() == 1 for r in row.values())
        state = {k: _text(r.locator(".krds-badge")) for k, r in row.items()}
        assert state == {"forum": translated("Invitation declined", lang),
                         "law": translated("Invitation accepted", lang),
                         "email": translated("Awaiting answer", lang)}, state
        assert DECLINE.pick(lang).text in _text(row["forum"].locator("td").last)
        assert translated("not yet on the platform", lang) in _text(row["email"])
        assert row["email"].locator("th a").count() == 0  # no organisation page to link to
        assert official_names[lang] in _text(row["forum"])  # who invited: officials act in public

        # the denied request and its reason
        request = visitor.locator("li.record-item[id^='request-']")
        assert request.count() == 1
        assert UNION.pick(lang).text in _text(request.locator("h3"))
        assert _text(request.locator("h3 .krds-badge")) == translated("Denied", lang)
        assert MOTIVATION.pick(lang).text in _text(request) and DENIAL.pick(lang).text in _text(request)

        # the hearing, with who was invited and who attended
        meeting = visitor.locator("li.record-item[id^='meeting-']")
        assert meeting.count() == 1
        assert _text(meeting.locator("h3")) == f"{translated('Public hearing', lang)}: {HEARING.pick(lang).text}"
        facts = _text(meeting.locator("dl"))
        assert PLACE.pick(lang).text in facts and translated("In person and online", lang) in facts
        attended = meeting.locator("dt", has_text=translated("Attending organisations", lang)).locator(
            "xpath=following-sibling::dd[1]")
        assert attended.locator("a").all_inner_texts() == [LAW.pick(lang).text]
        assert MINUTES.pick(lang).text.split("\n")[0] in _text(meeting)

        # the chart (an image with its name and its numbers in words) and its data table
        chart = visitor.locator("svg[role=img][aria-labelledby^='inclusion-chart']")
        assert chart.is_visible() and chart.locator("rect").count() > 0
        assert chart.locator("title").first.text_content() == translated("Participation by stakeholder group", lang)
        assert chart.locator("desc").text_content()
        cells = [[_text(cell) for cell in r.locator("th, td").all()]
                 for r in visitor.locator("#inclusion-table tbody tr").all()]
        # verified / invited / accepted / commented; the labour union is no target group
        assert cells == [[translated("Civil-society organisation", lang), "2", "1", "0", "0"],
                         [translated("Academia and research", lang), "1", "1", "1", "0"]], cells

        # the verified organisation of a target group that nobody invited
        uninvited = visitor.locator("ul.org-list.uninvited a")
        assert uninvited.all_inner_texts() == [CIVIC.pick(lang).text]
        assert uninvited.first.get_attribute("href").endswith(f"/{lang}/organizations/{civic_slug}")

        # links into the transparency log: the forum's answer opens its entry
        log_links = visitor.locator("main a[href*='/log/']")
        assert all(re.search(rf"/{lang}/log/\d+$", h) for h in
                   (log_links.nth(i).get_attribute("href") for i in range(log_links.count())))
        assert visitor.locator(".record-page a[href*='/log/']").count() >= 6  # 3 sent, 2 answered, request, meeting…
        answered = row["forum"].locator("td").last.locator("a[href*='/log/']")
        seq = int(answered.get_attribute("href").rsplit("/", 1)[1])
        with visitor.expect_navigation():
            answered.click()
        assert visitor.url.endswith(f"/{lang}/log/{seq}"), visitor.url
        assert translated("Log entry %(seq)s", lang, seq=seq) in _text(visitor.locator("h1"))
        assert '"invitation.answered"' in visitor.locator("pre.leaf:not(.checkpoint-note)").inner_text()
        assert '"declined"' in visitor.locator("pre.leaf:not(.checkpoint-note)").inner_text()
        axe(visitor, "the answer's log entry")
        visitor.go_back()
        email_sent = row["email"].locator("a[href*='/log/']")
        with visitor.expect_navigation():
            email_sent.click()
        leaf = visitor.locator("pre.leaf:not(.checkpoint-note)").inner_text()
        assert '"invitation.sent"' in leaf and "email_sha256" in leaf and EMAIL not in visitor.content()
        axe(visitor, "the email invitation's log entry")
    assert len(axe.pages) >= 19, axe.pages
    axe.assert_clean()
