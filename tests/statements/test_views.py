from datetime import timedelta
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.policy import Actor
from consult.statements import actions as st
from tests.factories import commenter, make_person

def test_pages(app, client, login):
    now = utcnow()
    drafter = commenter(); co = commenter()
    s = st.create_statement(drafter, st.StatementInput(st.TextInput(Bilingual("성명", "Statement"), Bilingual("본문 **굵게**\n\n둘째", "Body")),
                            co_drafter_ids=(co.org.id,), signing_deadline=now + timedelta(days=3), allows_individuals=True), now=now)
    assert client.get(f"/ko/statements/{s.id}").status_code == 404
    st.open_statement(drafter, s, now=now)
    st.sign(drafter, s, now=now)
    st.sign(Actor(make_person()), s, name_public=False, now=now)
    st.revise(drafter, s, st.TextInput(Bilingual("성명", "Statement"), Bilingual("본문 2", "Body 2"), Bilingual("바꿈", "changed")), now=now)
    for url in [f"/ko/statements/{s.id}", f"/en/statements/{s.id}?sort=name", "/ko/statements/", "/en/statements/feed.atom",
                f"/ko/statements/{s.id}/print", f"/en/statements/{s.id}/versions/2/changes", f"/ko/statements/{s.id}/signatories.csv", f"/ko/statements/{s.id}/signatories.json", f"/ko/statements/{s.id}/versions/1"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    login(drafter.person)
    for url in [f"/ko/statements/{s.id}", "/ko/statements/new", f"/ko/statements/{s.id}/edit", "/ko/statements/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
