"""The AI register's public pages: the list (filters, search, keyset pages, htmx), entry pages with their
withheld fields, assessment stages and consultations, history and revisions, per-body pages and the
coverage overview — in Korean and English, for a visitor who is not logged in; bad input is a 4xx."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from consult.pagination import encode_cursor
from consult.register import actions
from consult.register.models import RegisterEntry, Stage
from tests.factories import make_consultation, make_org

HTMX = {"HX-Request": "true", "HX-Target": "register-results"}


def _text(ko: str | None, en: str | None) -> dict:  # type: ignore[type-arg]
    return {"ko": ko, "en": en}


def searchable(name: tuple[str, str | None], *, summary: tuple[str, str | None] | None = None, **overrides: object) -> dict:  # type: ignore[type-arg]
    """Overrides that replace every searchable text (name, summary, purpose, unit, supplier), so a test
    knows exactly which words an entry can be found by."""
    return {"system_name": _text(*name), "summary": _text(*(summary or name)),
            "purpose": _text(f"{name[0]}의 목적", f"Purpose of {name[1] or name[0]}"),
            "unit": _text("정보화담당관", "IT Division"), "supplier": _text("가나다 주식회사", "Ganada Ltd"),
            **overrides}


NO_ASSESSMENT = {"assessment": {}, "no_assessment_reason": _text("아직 평가 계획이 없습니다.", "No assessment is planned yet.")}


@pytest.fixture
def site(official, other_official, make_entry):  # type: ignore[no-untyped-def]
    """Three entries of two bodies: welfare (복지, official's, pilot, high-impact, assessment, personal data,
    a linked consultation), face (얼굴, other body's, in operation, under review, no assessment, a withheld
    field) and traffic (literal % and _ in its name, other body's, retired, not high-impact, no personal data)."""
    now = utcnow()
    welfare = make_entry(official, now=now - timedelta(days=3))
    face = make_entry(other_official, now=now - timedelta(days=2), **searchable(
        ("얼굴 인식 출입 관리", "Face recognition entry control"),
        summary=("청사 출입구에서 얼굴을 인식해 출입을 허가합니다.", None), supplier=_text(None, None)),
        status="in_operation", high_impact="under_review", areas=["biometric_law_enforcement"], withheld=[
            {"field": "supplier", "label": None, "ground": 7, "reason": _text("계약상 영업비밀입니다.", "A trade secret under the contract.")},
            {"field": "other", "label": _text("인식 임계값", "Recognition thresholds"), "ground": 4,
             "reason": _text("우회를 막기 위해 비공개합니다.", "Withheld so that it cannot be evaded.")}],
        **NO_ASSESSMENT)
    traffic = make_entry(other_official, now=now - timedelta(days=1), **searchable(
        ("교통 신호 100% 최적화", "Traffic_signal optimiser")),
        status="retired", high_impact="no", areas=[], personal_data=False, **NO_ASSESSMENT)
    c = make_consultation(official)
    actions.link_consultation(official, welfare, c, now=now)
    return {"welfare": welfare, "face": face, "traffic": traffic, "consultation": c}


def names(body: str) -> set[str]:
    """The entries listed in a page of results, by id."""
    return {int(i) for i in re.findall(r'href="/(?:ko|en)/ai-register/(\d+)"', body)}


def ids(*entries: RegisterEntry) -> set[int]:
    return {e.id for e in entries}


# ---- the list -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_list_shows_every_entry_with_its_facts(client, site, lang):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/ai-register/")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert names(body) == ids(site["welfare"], site["face"], site["traffic"])
    assert f'lang="{lang}"' in body
    assert 'rel="alternate" type="application/atom+xml"' in body and "/ai-register/feed.atom" in body
    assert "/ai-register/register.csv" in body and "/ai-register/register.json" in body
    if lang == "en":
        assert "Face recognition entry control" in body and "Retired" in body and "Pilot" in body
        assert "No impact assessment" in body and "Impact assessment: Planning and preparation" in body
        assert "Consultation held" in body and "No consultation" in body
        # the face entry's summary has no English: the Korean one is shown, marked
        assert "청사 출입구에서 얼굴을 인식해" in body and "(not translated)" in body
    # the latest changed first: traffic, face, then welfare (its consultation link is not a revision)
    order = [int(i) for i in re.findall(r'<h2 class="org-card-title"><a href="/\w\w/ai-register/(\d+)"', body)]
    assert order == [site["traffic"].id, site["face"].id, site["welfare"].id]


@pytest.mark.parametrize("query, expected", [
    ("status=retired", ["traffic"]),
    ("status=pilot", ["welfare"]),
    ("area=biometric_law_enforcement", ["face"]),
    ("area=public_service_decisions", ["welfare"]),
    ("area=energy", []),
    ("assessment=yes", ["welfare"]),
    ("assessment=no", ["face", "traffic"]),
    ("consultation=yes", ["welfare"]),
    ("consultation=no", ["face", "traffic"]),
    ("personal_data=yes", ["welfare", "face"]),
    ("personal_data=no", ["traffic"]),
    ("status=in_operation&assessment=no&personal_data=yes", ["face"]),
])
def test_each_filter_narrows_the_list(client, site, query, expected):  # type: ignore[no-untyped-def]
    body = client.get(f"/en/ai-register/?{query}").get_data(as_text=True)
    assert names(body) == ids(*(site[k] for k in expected))
    if not expected:
        assert "No entries match these filters." in body


def test_body_filter_by_slug(client, site, official, other_official):  # type: ignore[no-untyped-def]
    body = client.get(f"/ko/ai-register/?body={other_official.org.slug}").get_data(as_text=True)
    assert names(body) == ids(site["face"], site["traffic"])
    assert f'<option value="{other_official.org.slug}" selected>' in body


@pytest.mark.parametrize("query", ["status=deleted", "area=weather", "assessment=maybe", "consultation=1",
                                   "personal_data=true", "body=no-such-body"])
def test_unknown_filter_values_are_refused(client, site, query):  # type: ignore[no-untyped-def]
    assert client.get(f"/en/ai-register/?{query}").status_code == 400


def test_a_civil_society_organisation_is_not_a_body_filter(client, site, cso):  # type: ignore[no-untyped-def]
    assert client.get(f"/en/ai-register/?body={cso.org.slug}").status_code == 400


@pytest.mark.parametrize("q, expected", [
    ("복지", ["welfare"]),  # two syllables, inside 복지급여
    ("얼굴", ["face"]),  # two syllables, a word of its own
    ("welfare", ["welfare"]),
    ("FACE Recognition", ["face"]),  # case does not matter
    ("  교통   신호 ", ["traffic"]),  # blanks collapsed
    ("가나다", ["face", "traffic"]),  # the supplier, but not where it is withheld (face withholds it)
    ("주식회사가 아닌 말", []),
])
def test_search_in_korean_and_english(client, site, q, expected):  # type: ignore[no-untyped-def]
    if q == "가나다":
        expected = ["traffic"]  # face withholds its supplier: a withheld value is never searchable
    body = client.get("/ko/ai-register/", query_string={"q": q}).get_data(as_text=True)
    assert names(body) == ids(*(site[k] for k in expected)), q


@pytest.mark.parametrize("q, expected", [("%", ["traffic"]), ("100%", ["traffic"]), ("_", ["traffic"]),
                                         ("c_signal", ["traffic"]), ("c%signal", []), ("\\", []),
                                         ("%%", []), ("_s", ["traffic"]), ("__", [])])
def test_like_wildcards_match_only_themselves(client, site, q, expected):  # type: ignore[no-untyped-def]
    body = client.get("/en/ai-register/", query_string={"q": q}).get_data(as_text=True)
    assert names(body) == ids(*(site[k] for k in expected)), q


def test_search_combines_with_filters(client, site):  # type: ignore[no-untyped-def]
    body = client.get("/en/ai-register/", query_string={"q": "가나다", "status": "pilot"}).get_data(as_text=True)
    assert names(body) == set()
    body = client.get("/en/ai-register/", query_string={"q": "복지", "personal_data": "yes"}).get_data(as_text=True)
    assert names(body) == ids(site["welfare"])


@pytest.mark.parametrize("lang, message", [("en", "Enter at most 200 characters to search.")])
def test_an_overlong_query_is_refused_with_a_message(client, site, lang, message):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/ai-register/", query_string={"q": "가" * 201})
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert message in body and 'aria-invalid="true"' in body and names(body) == set()
    assert client.get(f"/{lang}/ai-register/", query_string={"q": "가" * 200}).status_code == 200
    htmx = client.get(f"/{lang}/ai-register/", query_string={"q": "a" * 300}, headers=HTMX)
    assert htmx.status_code == 400 and message in htmx.get_data(as_text=True)


def test_filters_work_as_a_plain_form_and_narrow_in_place_with_htmx(client, site):  # type: ignore[no-untyped-def]
    page = client.get("/en/ai-register/").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/en/ai-register/"[^>]*>', page)
    assert form and 'data-hx-get="/en/ai-register/"' in form.group(0)
    assert 'data-hx-target="#register-results"' in form.group(0) and 'data-hx-push-url="true"' in form.group(0)
    assert '<button type="submit"' in page  # works without JavaScript
    r = client.get("/en/ai-register/?status=retired", headers=HTMX)
    partial = r.get_data(as_text=True)
    assert r.status_code == 200 and partial.lstrip().startswith('<div id="register-results"')
    assert "<html" not in partial and names(partial) == ids(site["traffic"])
    assert "HX-Request" in r.headers.get("Vary", "")


def test_more_pages_by_keyset(client, official, make_entry):  # type: ignore[no-untyped-def]
    now = utcnow()
    made = [make_entry(official, now=now - timedelta(hours=30 - i)) for i in range(23)]
    first = client.get("/ko/ai-register/?personal_data=yes").get_data(as_text=True)
    assert len(names(first)) == 20
    link = re.search(r'<p class="more">\s*<a [^>]*href="([^"]+)"', first)
    assert link, "no link to the next page"
    later = html.unescape(link.group(1))
    assert "after=" in later and "personal_data=yes" in later
    second = client.get(later).get_data(as_text=True)
    assert names(first) | names(second) == ids(*made) and not names(first) & names(second)
    assert '<p class="more">' not in second
    htmx = client.get(later, headers=HTMX).get_data(as_text=True)
    assert names(htmx) == names(second)


@pytest.mark.parametrize("after", ["not-a-cursor", encode_cursor(["2026-01-01T00:00:00", 3]),
                                   encode_cursor([1, 2]), encode_cursor(["yesterday", 1]), "x" * 500])
def test_malformed_cursors_are_400(client, site, after):  # type: ignore[no-untyped-def]
    assert client.get("/en/ai-register/", query_string={"after": after}).status_code == 400
    assert client.get(f"/en/ai-register/{site['welfare'].id}/history",
                      query_string={"after": after}).status_code == 400


# ---- an entry -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_entry_page_reads_summary_first_then_sections(client, site, lang):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    r = client.get(f"/{lang}/ai-register/{e.id}")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    summary = e.summary.pick(lang).text
    assert body.index(summary) < body.index('id="section-overview"')
    positions = [body.index(f'id="section-{key}"') for key in
                 ("overview", "legal", "system", "use", "assessment", "withheld", "consultations")]
    assert positions == sorted(positions)
    assert e.content_sha256 in body and f"/ai-register/{e.id}/history" in body
    if lang == "en":
        for label in ("Operating unit", "Purpose and task", "Human oversight", "Data sources",
                      "How to ask for an explanation or contest a decision", "Risks and mitigations"):
            assert label in body
        assert "Benefit Standards Division, Welfare Policy Bureau" in body
        assert "Article 2(4)(i)" in body  # 자목: public-service decisions
        assert "Nothing in this entry is withheld." in body


def test_entry_page_lists_the_four_stages_in_order(client, site, official):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    actions.record_assessment_stage(official, e, Stage.ANALYSIS, utcnow().date() - timedelta(days=1),
                                    Bilingual("차별 위험을 분석했습니다.", "Discrimination risks were analysed."),
                                    now=utcnow())
    body = client.get(f"/en/ai-register/{e.id}").get_data(as_text=True)
    stages = re.search(r'<ol class="assessment-stages">(.*?)</ol>', body, re.S)
    assert stages
    items = re.findall(r"<li>(.*?)</li>", stages.group(1), re.S)
    assert [re.search(r"<strong>(.*?)</strong>", i).group(1) for i in items] == [  # type: ignore[union-attr]
        "Planning and preparation", "Analysis and assessment", "Improvement and remedy", "Disclosure and review"]
    assert "The assessment plan was drawn up." in items[0] and "Discrimination risks were analysed." in items[1]
    assert "Not yet" not in items[0] and "Not yet" not in items[1]
    assert "Not yet" in items[2] and "Not yet" in items[3]


@pytest.mark.parametrize("lang, withheld, basis, reason", [
    ("en", "Withheld", "Official Information Disclosure Act, Article 9(1), item 7", "A trade secret under the contract."),
    ("ko", None, None, "계약상 영업비밀입니다."),
])
def test_a_withheld_field_shows_its_legal_basis_in_its_place(client, site, lang, withheld, basis, reason):  # type: ignore[no-untyped-def]
    body = client.get(f"/{lang}/ai-register/{site['face'].id}").get_data(as_text=True)
    section = body[body.index('id="section-system"'):body.index('id="section-use"')]
    supplier = section[section.index('id="field-supplier"'):]
    supplier = supplier[:supplier.index("</dd>")]
    assert 'class="withheld"' in supplier and reason in supplier
    if withheld:
        assert withheld in supplier and basis in supplier
    # every "withheld" badge has a legal basis right after it
    for m in re.finditer(r'<span class="krds-badge bg-light-warning">[^<]+</span>([^<]*)', body):
        assert m.group(1).strip(), "withheld without a legal basis"
    # the other withheld item is listed in the withheld section with its basis
    listed = body[body.index('id="section-withheld"'):body.index('id="section-consultations"')]
    if lang == "en":
        assert "Recognition thresholds" in listed and "Article 9(1), item 4" in listed
        assert "Withheld so that it cannot be evaded." in listed
    assert "가나다 주식회사" not in body and "Ganada Ltd" not in body


def test_linked_consultations_link_to_their_page_and_record(client, site):  # type: ignore[no-untyped-def]
    c = site["consultation"]
    body = client.get(f"/en/ai-register/{site['welfare'].id}").get_data(as_text=True)
    assert f'href="/en/consultations/{c.id}"' in body and f'href="/en/consultations/{c.id}/record"' in body
    assert "Related consultation" in body
    other = client.get(f"/en/ai-register/{site['face'].id}").get_data(as_text=True)
    assert "No consultation has been held on this system on the platform." in other


def test_a_linked_draft_consultation_is_not_shown(client, official, make_entry):  # type: ignore[no-untyped-def]
    e = make_entry(official)
    draft = actions.open_assessment_consultation(official, e, now=utcnow())
    assert draft.published_at is None
    body = client.get(f"/en/ai-register/{e.id}").get_data(as_text=True)
    assert f"/consultations/{draft.id}" not in body
    listed = client.get("/en/ai-register/?consultation=no").get_data(as_text=True)
    assert e.id in names(listed)


def test_english_falls_back_to_korean_with_a_mark(client, official, make_entry):  # type: ignore[no-untyped-def]
    e = make_entry(official, **searchable(("한국어로만 적은 시스템", None)))
    body = client.get(f"/en/ai-register/{e.id}").get_data(as_text=True)
    assert '<span lang="ko">한국어로만 적은 시스템</span> <small class="fallback">(not translated)</small>' in body


@pytest.mark.parametrize("path", ["/en/ai-register/999999", "/ko/ai-register/2147483648",
                                  "/en/ai-register/999999/history", "/en/ai-register/999999/revisions/1",
                                  "/en/ai-register/999999.json", "/en/ai-register/bodies/999999",
                                  "/en/ai-register/-1", "/en/ai-register/abc"])
def test_forged_ids_are_404(client, site, path):  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 404


def test_revision_numbers_and_stages_that_do_not_exist_are_404(client, site):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    assert client.get(f"/en/ai-register/{e.id}/revisions/0").status_code == 404
    assert client.get(f"/en/ai-register/{e.id}/revisions/{e.revision + 1}").status_code == 404
    assert client.get(f"/en/ai-register/{e.id}/assessments/planning.pdf").status_code == 404  # no PDF
    assert client.get(f"/en/ai-register/{e.id}/assessments/nothing.pdf").status_code == 404


# ---- history and revisions ------------------------------------------------------------------------

def _revise(official, e, **changes):  # type: ignore[no-untyped-def]
    doc = {**e.content, **changes}
    return actions.revise_entry(official, e, doc, Bilingual("목적을 고쳤습니다.", "Corrected the purpose."), now=utcnow())


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_history_lists_every_revision_with_its_log_entry(client, site, official, lang):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    _revise(official, e, purpose=_text("부정수급 가능성이 높은 사례를 골라 담당자에게 알립니다.",
                                       "Points investigators to cases with a high risk of fraud."))
    r = client.get(f"/{lang}/ai-register/{e.id}/history")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    rows = re.findall(r'/ai-register/\d+/revisions/(\d+)"', body)
    assert rows == ["2", "1"]
    seqs = [int(s) for s in re.findall(r'href="/\w\w/log/(\d+)"', body)]
    assert len(seqs) == 2 and seqs[0] > seqs[1]
    for seq in seqs:
        assert client.get(f"/{lang}/log/{seq}").status_code == 200
    if lang == "en":
        assert "Corrected the purpose." in body and "Purpose and task" in body and "Registered" in body


def test_history_pages_by_keyset(client, site, official):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    for i in range(31):
        _revise(official, e, high_impact_note=_text(f"메모 {i}", f"Note {i}"))
    first = client.get(f"/en/ai-register/{e.id}/history").get_data(as_text=True)
    numbers = re.findall(r'/ai-register/\d+/revisions/(\d+)"', first)
    assert numbers[0] == "32" and len(numbers) == 30
    link = re.search(r'<p class="more">\s*<a [^>]*href="([^"]+)"', first)
    assert link
    second = client.get(html.unescape(link.group(1))).get_data(as_text=True)
    assert re.findall(r'/ai-register/\d+/revisions/(\d+)"', second) == ["2", "1"]


def test_revision_page_shows_the_document_and_a_field_by_field_diff(client, site, official):  # type: ignore[no-untyped-def]
    e = site["welfare"]
    _revise(official, e, purpose=_text("부정수급 가능성이 높은 사례를 선별하여 담당자가 먼저 검토하도록 돕습니다.",
                                       "Selects cases with a high risk of fraud so that investigators review them first."),
            personal_data=False, status="in_operation")
    body = client.get(f"/en/ai-register/{e.id}/revisions/2").get_data(as_text=True)
    changes = body[body.index('id="changes-title"'):body.index("The entry as of revision 2")]
    assert "Purpose and task" in changes and "Processes personal data" in changes and "Status" in changes
    assert "<del>우선</del>" in changes and "<ins>먼저</ins>" in changes  # Korean by 어절
    assert "Operating unit" not in changes  # unchanged fields are not listed
    assert re.search(r"Before</dt><dd>\s*Yes", changes) and re.search(r"After</dt><dd>\s*No", changes)
    assert "Pilot" in changes and "In operation" in changes
    assert "You are reading an earlier revision." not in body
    first = client.get(f"/ko/ai-register/{e.id}/revisions/1").get_data(as_text=True)
    assert "복지급여 부정수급 위험 예측 시스템" in first and e.content_sha256 not in first


# ---- per body and coverage ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_body_page_lists_its_systems(client, site, other_official, lang):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/ai-register/bodies/{other_official.org.id}")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert names(body) == ids(site["face"], site["traffic"])
    assert other_official.org.name.pick(lang).text in body


def test_body_page_of_an_organisation_that_is_not_a_government_body_is_404(client, site, cso):  # type: ignore[no-untyped-def]
    assert client.get(f"/en/ai-register/bodies/{cso.org.id}").status_code == 404
    empty = make_org(kind=OrgKind.GOVERNMENT)
    r = client.get(f"/en/ai-register/bodies/{empty.id}")
    assert r.status_code == 200 and names(r.get_data(as_text=True)) == set()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_coverage_chart_and_table(client, site, official, other_official, lang):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/ai-register/coverage")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    svg = re.search(r"<svg [^>]*>", body)
    assert svg and 'role="img"' in svg.group(0) and "aria-labelledby" in svg.group(0)
    assert "<title id=\"coverage-chart-title\">" in body and "<desc id=\"coverage-chart-desc\">" in body
    rows = dict(re.findall(r'<tr><th scope="row"><a href="/\w\w/ai-register/bodies/(\d+)"[^>]*>[^<]*</a></th>'
                           r"((?:<td>\d+</td>){3})</tr>", body))
    assert rows == {str(other_official.org.id): "<td>2</td><td>2</td><td>2</td>",
                    str(official.org.id): "<td>1</td><td>0</td><td>0</td>"}
    assert "<tfoot><tr><th scope=\"row\">" in body and "<td>3</td><td>2</td><td>2</td>" in body


def test_empty_register_pages(client, app):  # type: ignore[no-untyped-def]
    assert "The register has no entries yet." in client.get("/en/ai-register/").get_data(as_text=True)
    assert "The register has no entries yet." in client.get("/en/ai-register/coverage").get_data(as_text=True)


def test_main_menu_links_to_the_register(client, site):  # type: ignore[no-untyped-def]
    body = client.get("/en/ai-register/").get_data(as_text=True)
    assert re.search(r'<a href="/en/ai-register/" aria-current="page">AI register</a>', body)
    assert '<a href="/ko/ai-register/"' in client.get("/ko/").get_data(as_text=True)
