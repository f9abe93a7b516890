"""Participation over HTTP, as people meet it: officials invite organisations (found by kind and name,
narrowed in place with htmx, or by email), withdraw invitations, decide requests and record meetings;
invited organisations answer on the consultation page; verified organisations ask to take part in an
invited consultation. Every refused request proves that nothing changed (db_state).
"""
from __future__ import annotations

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from consult.consultations import actions as consult
from consult.consultations.forms import SEOUL
from consult.consultations.models import (Invitation, InvitationState, Meeting, MeetingOrganization, Mode,
                                          ParticipationRequest, Purpose, RequestDecision)
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from tests.factories import commenter, make_consultation, make_official, make_org, make_person
from tests.web.support import client_for, db_state, flashes, page_text, shows

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTMX = {"HX-Request": "true"}
REASON = {"reason-ko": "일정이 변경되었습니다.", "reason-en": "The schedule changed."}


def at(c, tail: str = "", lang: str = "en") -> str:
    return f"/{lang}/consultations/{c.id}{tail}"


def invitations() -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invitation).order_by(Invitation.id)))


def refused(response, status: int, before, message: str | None = None) -> None:
    assert response.status_code == status, page_text(response)[:3000]
    if message is not None:
        assert shows(response, message), page_text(response)[:3000]
    assert db_state() == before, "a refused request changed the database"


@pytest.fixture
def invited_mode(official):  # type: ignore[no-untyped-def]
    """An open consultation for invited organisations only."""
    return make_consultation(official, mode=Mode.INVITED)


@pytest.fixture
def officer(app, official):  # type: ignore[no-untyped-def]
    return client_for(app, official.person)


def invite(official, c, org, purpose: Purpose = Purpose.WRITTEN_INPUT) -> Invitation:
    return consult.invite_organization(official, c, org, purpose, Bilingual("의견을 주십시오.", "Please comment."),
                                       now=utcnow())


# ---- who may see the officials' page ----------------------------------------------------------------

def test_only_the_owners_officials_see_the_participation_page(app, client, official, consultation, cso):
    assert client.get(at(consultation, "/invitations")).status_code == 302  # to the login page
    assert client_for(app, cso.person).get(at(consultation, "/invitations")).status_code == 403
    assert client_for(app, make_official().person).get(at(consultation, "/invitations")).status_code == 403
    r = client_for(app, official.person).get(at(consultation, "/invitations"))
    assert r.status_code == 200 and shows(r, "Invitations, requests and meetings")
    manage = client_for(app, official.person).get(at(consultation, "/manage"))
    assert at(consultation, "/invitations") in page_text(manage) and at(consultation, "/meetings/new") in page_text(manage)


@pytest.mark.parametrize(("method", "tail"), [
    ("post", "/invitations"), ("post", "/invitations/email"), ("get", "/meetings/new"), ("post", "/meetings/new"),
])
def test_members_of_other_organisations_are_refused(app, consultation, cso, method, tail):
    before = db_state()
    r = getattr(client_for(app, cso.person), method)(at(consultation, tail), data={})
    refused(r, 403, before)


# ---- searching and inviting verified organisations ---------------------------------------------------

@pytest.fixture
def directory(official):  # type: ignore[no-untyped-def]
    return {
        "lab": make_org(kind=OrgKind.ACADEMIA, name_ko="인공지능법연구소", name_en="AI Law Lab"),
        "union": make_org(kind=OrgKind.LABOUR, name_ko="플랫폼노동연대", name_en="Platform Workers Union"),
        "forum": make_org(kind=OrgKind.CIVIL_SOCIETY, name_ko="디지털권리포럼", name_en="Digital Rights Forum"),
        "pending": make_org(verified=False, name_ko="미인증 단체", name_en="Unverified Lab"),
    }


def candidates(response) -> set[str]:
    return set(re.findall(r'name="organizations" id="organizations-\d+" value="(\d+)"', page_text(response)))


def test_the_candidates_are_verified_organisations_except_the_owner(officer, consultation, directory, official):
    r = officer.get(at(consultation, "/invitations"))
    shown = candidates(r)
    assert {str(directory[k].id) for k in ("lab", "union", "forum")} <= shown
    assert str(directory["pending"].id) not in shown and str(official.org.id) not in shown


def test_htmx_narrows_the_candidates_in_place(officer, consultation, directory):
    url = at(consultation, "/invitations?kind=academia&q=law")
    r = officer.get(url, headers={**HTMX, "HX-Target": "invite-candidates"})
    body = page_text(r)
    assert r.status_code == 200 and "HX-Request" in r.headers.get("Vary", "")
    assert body.lstrip().startswith('<div id="invite-candidates"') and "<html" not in body
    assert candidates(r) == {str(directory["lab"].id)}
    # without JavaScript the same search is a plain GET: the whole page, narrowed alike
    full = officer.get(url)
    assert "<html" in page_text(full) and candidates(full) == {str(directory["lab"].id)}
    # the name matches either language, case-insensitively; LIKE wildcards are taken literally
    assert candidates(officer.get(at(consultation, "/invitations?q=노동"))) == {str(directory["union"].id)}
    assert candidates(officer.get(at(consultation, "/invitations?q=%25"))) == set()
    assert officer.get(at(consultation, "/invitations?kind=bogus")).status_code == 400


def test_a_new_search_keeps_what_was_ticked(officer, consultation, directory, official):
    """htmx sends the ticked boxes with the search: those the new search does not list stay ticked above it."""
    lab, union, pending = (str(directory[k].id) for k in ("lab", "union", "pending"))
    r = officer.get(at(consultation, f"/invitations?kind=labour&organizations={lab}&organizations={union}"
                                     f"&organizations={pending}&organizations={official.org.id}&organizations=x9"),
                    headers={**HTMX, "HX-Target": "invite-candidates"})
    body = page_text(r)
    assert r.status_code == 200 and candidates(r) == {lab, union}
    assert re.search(rf'value="{lab}" checked', body) and re.search(rf'value="{union}"', body)
    assert body.index(f'value="{lab}"') < body.index(f'value="{union}"')  # the earlier choice above the list
    # an unverified organisation, the owner and junk are never offered, ticked or not
    assert f'value="{pending}"' not in body and f'value="{official.org.id}"' not in body


def test_officials_invite_several_organisations_at_once(officer, consultation, directory, outbox):
    ids = [str(directory["lab"].id), str(directory["forum"].id)]
    r = officer.post(at(consultation, "/invitations"), data={
        "organizations": ids, "purpose": "hearing", "message-ko": "공청회에 참석해 주십시오.", "message-en": ""})
    assert r.status_code == 303, page_text(r)[:2000]
    made = invitations()
    assert [(i.organization_id, i.purpose, i.state) for i in made] == [
        (directory["lab"].id, Purpose.HEARING, InvitationState.SENT),
        (directory["forum"].id, Purpose.HEARING, InvitationState.SENT)]
    assert made[0].message.ko == "공청회에 참석해 주십시오." and made[0].message.en is None
    page = officer.get(at(consultation, "/invitations"))
    assert "AI Law Lab" in page_text(page) and shows(page, "Already invited: %(purposes)s", purposes="Hearing participant")
    assert shows(page, "Withdraw")


@pytest.mark.parametrize(("case", "message"), [
    ("none", "Choose at least one organisation to invite."),
    ("unverified", "Only verified organisations can be invited."),
    ("missing", "Only verified organisations can be invited."),
    ("owner", "The owning organisation does not invite itself."),
    ("twice", "This organisation is already invited for this purpose."),
    ("no purpose", "Choose the purpose of the invitation."),
    ("bad purpose", "Not a valid choice."),
    ("not a number", "Invalid choice(s)"),
])
def test_bad_invitations_are_refused_and_change_nothing(officer, official, consultation, directory, case, message):
    invite(official, consultation, directory["forum"])
    orgs = {"none": [], "unverified": [directory["lab"].id, directory["pending"].id], "missing": [999999],
            "owner": [official.org.id], "twice": [directory["lab"].id, directory["forum"].id],
            "no purpose": [directory["lab"].id], "bad purpose": [directory["lab"].id], "not a number": ["x"]}[case]
    purpose = {"no purpose": "", "bad purpose": "lunch"}.get(case, "written_input")
    before = db_state()
    r = officer.post(at(consultation, "/invitations"), data={"organizations": [str(i) for i in orgs],
                                                              "purpose": purpose})
    refused(r, 422, before)
    assert message.lower() in page_text(r).replace("&#39;", "'").lower(), page_text(r)[:3000]


def test_a_closed_consultation_takes_no_invitations(app, official, directory):
    closed = make_consultation(official, opened_days_ago=40, days_open=30)
    client = client_for(app, official.person)
    assert not shows(client.get(at(closed, "/invitations")), "Send the invitations")
    before = db_state()
    refused(client.post(at(closed, "/invitations"), data={"organizations": [str(directory["lab"].id)],
                                                          "purpose": "written_input"}), 403, before)


# ---- inviting by email --------------------------------------------------------------------------------

def test_officials_invite_an_organisation_not_on_the_platform_by_email(officer, consultation, outbox):
    r = officer.post(at(consultation, "/invitations/email"), data={
        "by-email-email": "contact@newgroup.example.org", "by-email-name-ko": "새로운 시민단체",
        "by-email-name-en": "New Civic Group", "by-email-purpose": "expert_meeting"})
    assert r.status_code == 303, page_text(r)[:3000]
    (made,) = invitations()
    assert made.organization_id is None and made.invited_email == "contact@newgroup.example.org"
    assert made.purpose is Purpose.EXPERT_MEETING and made.invited_name.en == "New Civic Group"
    assert outbox()[-1].to_address == "contact@newgroup.example.org"
    page = page_text(officer.get(at(consultation, "/invitations")))
    assert "New Civic Group" in page and "contact@newgroup.example.org" not in page


@pytest.mark.parametrize(("data", "message"), [
    ({"by-email-email": "not-an-address", "by-email-name-en": "Group"}, "Enter a valid email address."),
    ({"by-email-email": "", "by-email-name-en": "Group"}, "Enter a valid email address."),
    ({"by-email-email": "a@group.example.org"}, "Give the organisation's name: it is shown publicly with the invitation."),
    ({"by-email-email": "a@group.example.org", "by-email-name-en": "<b>Group</b>"}, "This field cannot contain HTML tags."),
])
def test_bad_email_invitations_are_refused_and_change_nothing(officer, consultation, data, message):
    before = db_state()
    r = officer.post(at(consultation, "/invitations/email"), data={"by-email-purpose": "written_input", **data})
    refused(r, 422, before, message)


def test_the_same_address_is_not_invited_twice_for_one_purpose(officer, consultation):
    data = {"by-email-email": "a@group.example.org", "by-email-name-en": "Group", "by-email-purpose": "hearing"}
    assert officer.post(at(consultation, "/invitations/email"), data=data).status_code == 303
    before = db_state()
    refused(officer.post(at(consultation, "/invitations/email"), data=data), 422, before,
            "This address is already invited for this purpose.")


# ---- withdrawing -----------------------------------------------------------------------------------------

def test_withdrawing_an_invitation_needs_a_public_reason(officer, official, consultation, cso):
    item = invite(official, consultation, cso.org)
    url = at(consultation, f"/invitations/{item.id}/withdraw")
    assert officer.get(url).status_code == 200
    before = db_state()
    refused(officer.post(url, data={"reason-ko": "", "reason-en": ""}), 422, before,
            "Give the reason for withdrawing the invitation; it will be public.")
    assert officer.post(url, data=REASON).status_code == 303
    (done,) = invitations()
    assert done.state is InvitationState.WITHDRAWN and done.withdrawal_reason.en == "The schedule changed."
    before = db_state()
    refused(officer.post(url, data=REASON), 422, before, "This invitation can no longer be withdrawn.")


def test_an_invitation_is_withdrawn_only_through_its_own_consultation(app, official, consultation, cso):
    other = make_consultation(official)
    item = invite(official, other, cso.org)
    client, stranger, member = (client_for(app, p) for p in (official.person, make_official().person, cso.person))
    before = db_state()
    refused(client.post(at(consultation, f"/invitations/{item.id}/withdraw"), data=REASON), 404, before)
    refused(stranger.post(at(other, f"/invitations/{item.id}/withdraw"), data=REASON), 403, before)
    refused(member.get(at(other, f"/invitations/{item.id}/withdraw")), 403, before)


# ---- answering an invitation on the consultation page ---------------------------------------------------

def test_an_invited_organisation_answers_on_the_consultation_page(app, official, consultation, cso):
    item = invite(official, consultation, cso.org, Purpose.HEARING)
    client = client_for(app, cso.person)
    page = client.get(at(consultation))
    assert shows(page, "Your organisation's participation") and at(consultation, f"/invitations/{item.id}/answer") in page_text(page)
    r = client.post(at(consultation, f"/invitations/{item.id}/answer"), data={
        f"invitation-{item.id}-answer": "decline", f"invitation-{item.id}-reason-ko": "일정이 맞지 않습니다.",
        f"invitation-{item.id}-reason-en": ""})
    assert r.status_code == 303, page_text(r)[:3000]
    (done,) = invitations()
    assert done.state is InvitationState.DECLINED and done.answer_reason.ko == "일정이 맞지 않습니다."
    assert shows(flashes(client), "Your answer was recorded and is public.")
    before = db_state()
    refused(client.post(at(consultation, f"/invitations/{item.id}/answer"),
                        data={f"invitation-{item.id}-answer": "accept"}), 422, before,
            "This invitation was already answered.")


def test_someone_elses_invitation_cannot_be_answered(app, official, consultation, cso):
    item = invite(official, consultation, cso.org)
    stranger, owner, member = (client_for(app, p) for p in (commenter().person, official.person, cso.person))
    other = make_consultation(official)
    before = db_state()
    data = {f"invitation-{item.id}-answer": "accept"}
    refused(stranger.post(at(consultation, f"/invitations/{item.id}/answer"), data=data), 403, before)
    refused(owner.post(at(consultation, f"/invitations/{item.id}/answer"), data=data), 403, before)
    refused(member.post(at(other, f"/invitations/{item.id}/answer"), data=data), 404, before)
    # and an answer needs a choice
    r = member.post(at(consultation, f"/invitations/{item.id}/answer"), data={})
    refused(r, 422, before, "Choose whether to accept or decline.")


# ---- asking to take part, and the officials' decision ------------------------------------------------------

def test_a_verified_organisation_asks_to_take_part_and_the_official_grants_it(app, official, invited_mode, cso, outbox):
    client = client_for(app, cso.person)
    page = client.get(at(invited_mode))
    assert shows(page, "Ask to take part") and at(invited_mode, "/requests") in page_text(page)
    r = client.post(at(invited_mode, "/requests"), data={"organization": str(cso.org.id),
                                                        "motivation-ko": "플랫폼 노동자의 의견을 전하겠습니다."})
    assert r.status_code == 303, page_text(r)[:3000]
    (item,) = db.session.scalars(select(ParticipationRequest)).all()
    assert item.organization_id == cso.org.id and item.decision is RequestDecision.PENDING
    assert shows(client.get(at(invited_mode)), "Awaiting decision")
    before = db_state()
    refused(client.post(at(invited_mode, "/requests"), data={"organization": str(cso.org.id), "motivation-en": "Again"}),
            422, before, "Your organisation has already asked to take part in this consultation.")

    officer = client_for(app, official.person)
    page = officer.get(at(invited_mode, "/invitations"))
    assert "플랫폼 노동자의 의견을 전하겠습니다." in page_text(page)
    url = at(invited_mode, f"/requests/{item.id}/decision")
    refused(officer.post(url, data={f"request-{item.id}-decision": "grant"}), 422, before,
            "Give the reason for the decision; it will be public.")
    refused(officer.post(url, data={f"request-{item.id}-reason-en": "Welcome"}), 422, before,
            "Choose whether to grant or deny the request.")
    r = officer.post(url, data={f"request-{item.id}-decision": "grant", f"request-{item.id}-reason-en": "Welcome."})
    assert r.status_code == 303, page_text(r)[:3000]
    db.session.expire_all()
    assert item.decision is RequestDecision.GRANTED and item.reason.en == "Welcome."
    before = db_state()
    refused(officer.post(url, data={f"request-{item.id}-decision": "deny", f"request-{item.id}-reason-en": "No."}),
            422, before, "This request was already decided.")
    # the member's page shows the decision; and they may now comment
    assert shows(client.get(at(invited_mode)), "Granted")


@pytest.mark.parametrize("which", ["open mode", "closed"])
def test_requests_go_only_to_scheduled_or_open_invited_consultations(app, official, consultation, cso, which):
    c = consultation if which == "open mode" else make_consultation(official, mode=Mode.INVITED, opened_days_ago=40,
                                                                    days_open=30)
    client = client_for(app, cso.person)
    assert not shows(client.get(at(c)), "Ask to take part")
    before = db_state()
    refused(client.post(at(c, "/requests"), data={"organization": str(cso.org.id), "motivation-en": "Please."}),
            422, before, "Only a scheduled or open consultation for invited organisations takes requests.")


def test_only_members_of_verified_organisations_ask(app, official, invited_mode):
    unverified_admin = make_person()
    make_org(verified=False, admin=unverified_admin)
    loner, owner, unverified = (client_for(app, p) for p in (make_person(), official.person, unverified_admin))
    before = db_state()
    refused(loner.post(at(invited_mode, "/requests"), data={"motivation-en": "Please."}), 403, before)
    refused(owner.post(at(invited_mode, "/requests"), data={"organization": str(official.org.id),
                                                            "motivation-en": "x"}), 403, before)
    refused(unverified.post(at(invited_mode, "/requests"), data={"motivation-en": "x"}), 403, before)


def test_a_request_is_decided_only_through_its_own_consultation(app, official, invited_mode, cso):
    item = consult.request_participation(cso, invited_mode, Bilingual(None, "Please."), now=utcnow())
    other = make_consultation(official, mode=Mode.INVITED)
    data = {f"request-{item.id}-decision": "grant", f"request-{item.id}-reason-en": "Yes."}
    owner, stranger, member = (client_for(app, p) for p in (official.person, make_official().person, cso.person))
    before = db_state()
    refused(owner.post(at(other, f"/requests/{item.id}/decision"), data=data), 404, before)
    refused(stranger.post(at(invited_mode, f"/requests/{item.id}/decision"), data=data), 403, before)
    refused(member.post(at(invited_mode, f"/requests/{item.id}/decision"), data=data), 403, before)


# ---- meetings ------------------------------------------------------------------------------------------

def meeting_data(**overrides):  # type: ignore[no-untyped-def]
    day = (utcnow() - timedelta(days=2)).astimezone(SEOUL).date()
    data = {"kind": "public_hearing", "format": "hybrid", "held_on": day.isoformat(), "starts_at": "14:00",
            "ends_at": "16:30", "title-ko": "인공지능 지침 공청회", "title-en": "Public hearing on the AI guideline",
            "place-ko": "정부세종청사 대회의실", "place-en": "", "minutes-ko": "참석자들은 영향평가 공개를 요구하였다.",
            "minutes-en": "Participants asked for the assessments to be published."}
    data.update(overrides)
    return data


def test_officials_record_a_meeting_with_its_organisations_and_minutes(app, officer, official, consultation, cso):
    invite(official, consultation, cso.org, Purpose.HEARING)
    form = officer.get(at(consultation, "/meetings/new"))
    assert form.status_code == 200 and f'value="{cso.org.id}"' in page_text(form)
    data = meeting_data(invited=[str(cso.org.id)], attended=[str(cso.org.id)])
    data["minutes_pdf"] = (io.BytesIO(PDF), "공청회_회의록.pdf")
    r = officer.post(at(consultation, "/meetings/new"), data=data, content_type="multipart/form-data")
    assert r.status_code == 303, page_text(r)[:3000]
    (meeting,) = db.session.scalars(select(Meeting)).all()
    assert meeting.kind.value == "public_hearing" and meeting.format.value == "hybrid"
    assert meeting.held_at.astimezone(SEOUL).strftime("%H:%M") == "14:00"
    assert meeting.ends_at.astimezone(SEOUL).strftime("%H:%M") == "16:30"
    assert meeting.minutes.en == "Participants asked for the assessments to be published."
    (mo,) = db.session.scalars(select(MeetingOrganization)).all()
    assert (mo.organization_id, mo.invited, mo.attended) == (cso.org.id, True, True)
    page = officer.get(at(consultation, "/invitations"))
    pdf_url = at(consultation, f"/meetings/{meeting.id}/minutes.pdf")
    assert pdf_url in page_text(page)
    # the minutes PDF is public, sent as a download in a sandbox
    pdf = app.test_client().get(pdf_url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == PDF
    assert "attachment" in pdf.headers["Content-Disposition"] and "sandbox" in pdf.headers["Content-Security-Policy"]


def test_a_meeting_without_a_pdf_has_no_minutes_download(app, officer, consultation):
    assert officer.post(at(consultation, "/meetings/new"), data=meeting_data(ends_at="")).status_code == 303
    (meeting,) = db.session.scalars(select(Meeting)).all()
    assert meeting.ends_at is None and meeting.minutes_filename is None
    assert app.test_client().get(at(consultation, f"/meetings/{meeting.id}/minutes.pdf")).status_code == 404
    other = make_consultation()
    assert app.test_client().get(at(other, f"/meetings/{meeting.id}/minutes.pdf")).status_code == 404


@pytest.mark.parametrize(("overrides", "message"), [
    ({"held_on": "2024-13-45"}, "Not a valid date value."),
    ({"held_on": ""}, "Enter a valid date."),
    ({"starts_at": "25:00"}, "Enter a time as HH:MM, for example 14:00."),
    ({"starts_at": "2 pm"}, "Enter a time as HH:MM, for example 14:00."),
    ({"ends_at": "9:5"}, "Enter a time as HH:MM, for example 14:00."),
    ({"ends_at": "13:00"}, "A meeting ends after it starts."),
    ({"held_on": (utcnow() + timedelta(days=3)).date().isoformat()},
     "Record a meeting once it has been held: the date is in the future."),
    ({"title-ko": "", "title-en": ""}, "Give the meeting a title."),
    ({"kind": "party"}, "Not a valid choice."),
    ({"attended": ["999999"]}, "Choose organisations registered on the platform."),
    ({"minutes_pdf": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)), "minutes.pdf")},
     "This file is not a PDF. Attach a PDF document."),
])
def test_bad_meetings_are_refused_and_change_nothing(officer, consultation, overrides, message):
    before = db_state()
    r = officer.post(at(consultation, "/meetings/new"), data=meeting_data(**overrides),
                     content_type="multipart/form-data")
    refused(r, 422, before)
    assert message.lower() in page_text(r).replace("&#39;", "'").lower(), page_text(r)[:3000]


# ---- CSRF, and what the consultation page costs -------------------------------------------------------------

def test_every_form_needs_its_csrf_token(app, official, invited_mode, cso):
    item = invite(official, invited_mode, cso.org)
    request = consult.request_participation(commenter(), invited_mode, Bilingual(None, "Please."), now=utcnow())
    officer, member = client_for(app, official.person), client_for(app, cso.person)
    before = db_state()
    for client, tail, data in (
            (officer, "/invitations", {"organizations": [str(cso.org.id)], "purpose": "hearing"}),
            (officer, "/invitations/email", {"by-email-email": "a@b.example.org", "by-email-name-en": "B",
                                             "by-email-purpose": "hearing"}),
            (officer, f"/invitations/{item.id}/withdraw", REASON),
            (officer, f"/requests/{request.id}/decision", {f"request-{request.id}-decision": "grant",
                                                           f"request-{request.id}-reason-en": "Yes"}),
            (officer, "/meetings/new", meeting_data()),
            (member, f"/invitations/{item.id}/answer", {f"invitation-{item.id}-answer": "accept"}),
            (member, "/requests", {"organization": str(cso.org.id), "motivation-en": "Please."})):
        refused(client.post(at(invited_mode, tail), data=data, csrf=False), 400, before)


def _queries(app, client, url, count_queries, box: bool) -> int:  # type: ignore[no-untyped-def]
    from consult.consultations import participation
    assert client.get(url).status_code == 200
    db.session.expire_all()
    with mock.patch.object(participation, "box", wraps=participation.box) if box else \
            mock.patch.object(participation, "box", return_value=None):
        with count_queries() as n:
            assert client.get(url).status_code == 200
    return n()


def test_the_box_costs_visitors_nothing_and_members_at_most_two_queries(app, official, invited_mode, cso,
                                                                        count_queries):
    invite(official, invited_mode, cso.org)
    url = at(invited_mode, lang="ko")
    visitor = app.test_client()
    assert _queries(app, visitor, url, count_queries, True) == _queries(app, visitor, url, count_queries, False)
    member = client_for(app, cso.person)
    assert _queries(app, member, url, count_queries, True) - _queries(app, member, url, count_queries, False) == 2
    for n in range(5):  # more organisations, invitations and requests: still two queries
        org = make_org(admin=cso.person)
        if n % 2:  # an organisation not invited asks to take part
            consult.request_participation(Actor(cso.person, org, Role.ADMIN), invited_mode, Bilingual(None, "x"),
                                          now=utcnow())
        else:
            invite(official, invited_mode, org)
    # (the comment form itself asks per membership: not the box's cost)
    assert _queries(app, member, url, count_queries, True) - _queries(app, member, url, count_queries, False) == 2
