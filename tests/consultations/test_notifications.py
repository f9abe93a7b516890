"""Commenters hear by mail when their comment gets a disposition, or when it changes: an organisation
through its current admins, an individual themself, each in their own language, in the transaction that
records the disposition — and the mail really leaves through SMTP."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from consult.accounts import actions as accounts
from consult.consultations import actions as consult
from consult.consultations.models import Outcome
from consult.errors import Invalid
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.mail.delivery import deliver_due
from consult.orgs import actions as orgs
from consult.orgs.models import Role
from consult.policy import Actor
from tests.factories import commenter, make_comment, make_consultation, make_person
from tests.test_mail import smtp  # noqa: F401 - the local SMTP server fixture
from tests.web.support import translated

TITLE = Bilingual("인공지능 공공이용 지침(안) 행정예고", "Administrative notice: draft guideline on public-sector AI")
REASON = Bilingual("제2조에 평가 시점을 명시하였습니다.", "Article 2 now says when the assessment is made.")
LETTER = ("We urge the Ministry to require a public human rights impact assessment before any high-impact AI "
          "system is deployed by a public body, and to publish every assessment in full on its website.")
NOTE = Bilingual("추후 검토하겠습니다.", "We will look at it later.")


@pytest.fixture
def open_to_individuals(official):  # type: ignore[no-untyped-def]
    return make_consultation(official, allows_individuals=True)


def individual(locale: str = "en", email: str | None = None) -> Actor:
    return Actor(make_person(locale=locale, email=email))


def link(c, comment, lang: str) -> str:  # type: ignore[no-untyped-def]
    return f"http://gongnon.test/{lang}/consultations/{c.id}/comments/{comment.id}"


def mails(outbox) -> dict:  # type: ignore[no-untyped-def]
    return {m.to_address: m for m in outbox()}


def test_an_individual_hears_in_their_language_with_a_link_to_the_comment(open_to_individuals, official, now,
                                                                            outbox):
    c = open_to_individuals
    author = individual("en", "reader@example.org")
    comment = make_comment(c, author, body="Please say when the assessment happens.", lang="en", now=now)
    assert outbox() == []
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.ACCEPTED, REASON), now=now)
    [mail] = outbox()
    assert mail.to_address == "reader@example.org"
    assert mail.subject == translated("Disposition recorded: %(title)s", "en", title=TITLE.en)
    assert translated("Accepted", "en") in mail.body and REASON.en in mail.body and REASON.ko not in mail.body
    assert link(c, comment, "en") in mail.body
    assert "you submitted" in mail.body and official.org.name.en in mail.body


def test_an_organisation_hears_through_its_current_admins_each_in_their_language(consultation, official, cso,
                                                                                   now, outbox):
    org = cso.org
    english_admin = make_person(locale="en", email="second.admin@example.org")
    orgs.add_member_directly(org, english_admin, Role.ADMIN, Bilingual(None, None), now=now)
    editor = make_person(email="editor@example.org")
    orgs.add_member_directly(org, editor, Role.EDITOR, Bilingual(None, None), now=now)
    comment = make_comment(consultation, cso, now=now)
    # an admin who erased their account is no admin any more, and hears nothing
    leaver = make_person(locale="en", email="left.admin@example.org")
    orgs.add_member_directly(org, leaver, Role.ADMIN, Bilingual(None, None), now=now)
    accounts.erase_account(Actor(leaver), leaver, now=now)
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.PARTIALLY_ACCEPTED, REASON),
                               now=now)
    sent = mails(outbox)
    assert set(sent) == {cso.person.email, "second.admin@example.org"}
    ko, en = sent[cso.person.email], sent["second.admin@example.org"]
    assert ko.subject == translated("Disposition recorded: %(title)s", "ko", title=TITLE.ko)
    assert translated("Partially accepted", "ko") == "일부수용"
    assert "일부수용" in ko.body and REASON.ko in ko.body and org.name.ko in ko.body
    assert link(consultation, comment, "ko") in ko.body and "/en/" not in ko.body
    assert en.subject == translated("Disposition recorded: %(title)s", "en", title=TITLE.en)
    assert "Partially accepted" in en.body and REASON.en in en.body and org.name.en in en.body
    assert link(consultation, comment, "en") in en.body


def test_a_change_is_told_and_saving_it_unchanged_is_not(consultation, official, cso, now, outbox):
    comment = make_comment(consultation, cso, now=now)
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.NOTED, NOTE), now=now)
    later = now + timedelta(days=1)
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.NOTED, NOTE), now=later)
    assert len(outbox()) == 1  # saved again as it was: nothing to tell
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.ACCEPTED, REASON), now=later)
    first, second = outbox()
    assert first.subject == translated("Disposition recorded: %(title)s", "ko", title=TITLE.ko)
    assert second.subject == translated("Disposition changed: %(title)s", "ko", title=TITLE.ko)
    assert "수용" in second.body and REASON.ko in second.body and NOTE.ko not in second.body


def test_a_reason_in_one_language_is_shown_to_everyone_marked_as_untranslated(open_to_individuals, official, now,
                                                                              outbox):
    comment = make_comment(open_to_individuals, individual("en"), body="A comment.", lang="en", now=now)
    consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.NOT_ACCEPTED, Bilingual("현행 법령으로 충분합니다.", None)), now=now)
    [mail] = outbox()
    assert "현행 법령으로 충분합니다. " + translated("(not translated)", "en") in mail.body


def test_erased_people_and_people_without_an_address_get_nothing(open_to_individuals, official, now, outbox):
    c = open_to_individuals
    gone = individual("ko")
    comment = make_comment(c, gone, body="곧 탈퇴합니다.", now=now)
    accounts.erase_account(gone, gone.person, now=now)
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.NOTED, NOTE), now=now)
    assert outbox() == []


def test_a_refused_disposition_mails_nobody(consultation, official, cso, now, outbox, refused):
    comment = make_comment(consultation, cso, now=now)
    with refused(Invalid, "reason"):
        consult.record_disposition(official, comment, consult.DispositionInput(
            Outcome.NOTED, Bilingual(None, None)), now=now)
    assert outbox() == []


def test_a_campaign_answer_sends_one_mail_per_author(official, now, outbox):
    c = make_consultation(official, allows_individuals=True)
    twice, once, withdrawn = commenter(), individual("en"), commenter()
    mine = [make_comment(c, twice, body=LETTER, lang="en", now=now),
            make_comment(c, twice, body=LETTER.upper(), lang="en", now=now)]
    theirs = make_comment(c, once, body=LETTER, lang="en", now=now)
    gone = make_comment(c, withdrawn, body=LETTER, lang="en", now=now)
    consult.withdraw_comment(withdrawn, gone, Bilingual(None, None), now=now)
    db.session.expire_all()
    campaign = db.session.get(type(mine[0]), mine[1].id).campaign_id
    assert campaign == mine[0].id
    answered = consult.record_campaign_disposition(official, c, campaign, consult.DispositionInput(
        Outcome.NOT_ACCEPTED, REASON), now=now)
    assert len(answered) == 3
    sent = mails(outbox)
    assert set(sent) == {twice.person.email, once.person.email} and len(outbox()) == 2
    org_mail, person_mail = sent[twice.person.email], sent[once.person.email]
    assert all(link(c, m, "ko") in org_mail.body for m in mine) and link(c, theirs, "ko") not in org_mail.body
    assert link(c, theirs, "en") in person_mail.body
    assert translated("The same answer was given to a group of %(num)d near-identical comments.", "en",
                      num=3) in person_mail.body
    assert "불수용" in org_mail.body and "Not accepted" in person_mail.body
    # answering the group again as it stands tells no one anything new
    consult.record_campaign_disposition(official, c, campaign, consult.DispositionInput(Outcome.NOT_ACCEPTED, REASON),
                                        now=now)
    assert len(outbox()) == 2


def test_the_official_form_queues_the_mail(client, login, consultation, official, cso, outbox):
    comment = make_comment(consultation, cso)
    login(official.person)
    r = client.post(f"/en/consultations/{consultation.id}/comments/{comment.id}/disposition",
                    data={"outcome": "noted", "reason-ko": "참고하겠습니다.", "reason-en": ""})
    assert r.status_code == 303
    [mail] = outbox()
    assert mail.to_address == cso.person.email and "참고하겠습니다." in mail.body and "참고" in mail.body


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_the_mail_arrives_through_smtp(client, smtp, open_to_individuals, official, locale):  # noqa: F811
    c = open_to_individuals
    author = individual(locale, "commenter@example.org")
    comment = make_comment(c, author, body="평가 시점을 정해 주십시오.")
    consult.record_disposition(official, comment, consult.DispositionInput(Outcome.ACCEPTED, REASON), now=utcnow())
    assert deliver_due(utcnow() + timedelta(seconds=1)) == (1, 0)
    [message] = smtp.messages
    assert message["To"] == "commenter@example.org" and smtp.envelopes[0].rcpt_tos == ["commenter@example.org"]
    assert message["Subject"] == translated("Disposition recorded: %(title)s", locale,
                                            title=getattr(TITLE, locale))
    body = message.get_content()
    assert getattr(REASON, locale) in body and translated("Accepted", locale) in body
    path = re.search(rf"http://gongnon\.test(/{locale}/consultations/\d+/comments/\d+)", body).group(1)
    assert path == f"/{locale}/consultations/{c.id}/comments/{comment.id}"
    assert client.get(path).status_code == 200  # the link in the delivered mail works
