from consult.consultations import actions as consult
from consult.consultations.models import Outcome
from consult.extensions import utcnow
from consult.i18n import Bilingual
from tests.factories import make_consultation, make_comment, make_official, commenter


def test_pages(app, client, login):
    off = make_official()
    c = make_consultation(off)
    v = consult.latest_published(c)
    secs = consult._sections_of(v)
    a = make_comment(c, section_id=secs[1].id)
    make_comment(c, body="**강조** [링크](https://example.org)")
    v2 = consult.start_version(off, c, now=utcnow())
    s2 = consult._sections_of(v2)
    consult.save_section(off, c, v2, consult.SectionInput(s2[1].number, s2[1].heading, Bilingual("공공기관은 고영향 인공지능을 도입하기 전에 반드시 인권영향평가를 실시하고 공개하여야 한다.", "New body")), section=s2[1], now=utcnow())
    consult.update_version(off, c, v2, title=v2.title, summary=v2.summary, change_note=Bilingual("변경", "Changed"), now=utcnow())
    consult.publish_version(off, c, v2, now=utcnow())
    consult.record_disposition(off, a, consult.DispositionInput(Outcome.ACCEPTED, Bilingual("반영", "Done"), (s2[1].id,)), now=utcnow())
    draft = make_consultation(off, published=False)
    for lang in ("ko", "en"):
        for url in ["/consultations/", f"/consultations/{c.id}", f"/consultations/{c.id}/versions/1",
                    f"/consultations/{c.id}/versions/2/changes", f"/consultations/{c.id}/comments/{a.id}",
                    f"/consultations/{c.id}/report", f"/consultations/{c.id}/comments.csv", f"/consultations/{c.id}/comments.json",
                    "/consultations/?status=open", f"/consultations/{c.id}?on=s2"]:
            r = client.get(f"/{lang}{url}")
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-3000:])
        assert client.get(f"/{lang}/consultations/{draft.id}").status_code == 404
    login(off.person)
    for url in [f"/consultations/{c.id}/manage", f"/consultations/{draft.id}/manage", "/consultations/new", f"/consultations/{draft.id}/edit",
                f"/consultations/{c.id}/comments/{a.id}/disposition", f"/consultations/{draft.id}/versions/1/sections/new"]:
        r = client.get(f"/ko{url}")
        assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-3000:])
    print(client.get(f"/en/consultations/{c.id}/report").get_data(as_text=True)[-6000:])
