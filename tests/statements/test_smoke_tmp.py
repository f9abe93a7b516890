from datetime import timedelta
from consult.extensions import utcnow, db
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from consult.statements import actions as st, queries as q
from consult.statements.models import Signature, Group
from tests.factories import commenter, make_person, make_consultation, make_official


def test_smoke(app, outbox):
    now = utcnow()
    drafter = commenter()
    co = commenter()
    s = st.create_statement(drafter, st.StatementInput(st.TextInput(Bilingual("성명", "Statement"), Bilingual("본문 **굵게**", "Body")),
                            co_drafter_ids=(co.org.id,), signing_deadline=now + timedelta(days=3), allows_individuals=True), now=now)
    assert q.drafter_ids(s) == {drafter.org.id, co.org.id}
    st.open_statement(drafter, s, now=now)
    sig = st.sign(drafter, s, now=now)
    p = make_person()
    ind = st.sign(Actor(p), s, name_public=False, now=now)
    assert ind.list_group == Group.UNNAMED
    st.sign(co, s, now=now)
    assert s.signature_count == 3
    v2 = st.revise(drafter, s, st.TextInput(Bilingual("성명", "Statement"), Bilingual("본문 2", "Body 2"), Bilingual("바꿈", "changed")), now=now + timedelta(hours=1))
    assert v2.number == 2 and q.pending_count(s) == 3
    assert len(outbox()) == 3
    st.reconfirm(drafter, sig, now=now + timedelta(hours=2))
    assert q.pending_count(s) == 2
    st.withdraw_signature(co, q.signature_of(s, f"org:{co.org.id}"), Bilingual("이유", None), now=now + timedelta(hours=2))
    assert s.signature_count == 2
    page = q.signature_page(s, sort="name", lang="ko", after=None)
    assert [x.signer for x in page.items][-1] == f"org:{co.org.id}"
    page = q.signature_page(s, sort="date", lang="en", after=None, limit=1)
    assert page.next_cursor
    page2 = q.signature_page(s, sort="date", lang="en", after=page.next_cursor, limit=1)
    assert page2.items[0].id != page.items[0].id
    st.publish_statement(drafter, s, now=now + timedelta(hours=3))
    official = make_official()
    c = make_consultation(official)
    sub = st.submit_to_consultation(drafter, s, c.id, now=now + timedelta(hours=3))
    assert sub.signatory_count == 2
    print(q.group_counts(s))
