"""Members: the members page, invitations by email, roles, removing members and leaving."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.accounts.queries import actor_in
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import Membership, Role
from consult.record import Event, EventType

from ..factories import make_org, make_person
from ..web.support import client_for, db_state, flashes, ko, page_text, shows, site_admin


@pytest.fixture
def team(app):
    """A verified organisation with an admin and an editor, and another organisation with its admin."""
    admin = make_person(email="admin@rights.example.org", name="김하늘")
    editor = make_person(email="editor@rights.example.org", name="이서준")
    org = make_org(admin=admin, editors=(editor,), name_ko="정보인권연구소", name_en="Information Rights Lab")
    other_admin = make_person(email="admin@other.example.org")
    other = make_org(admin=other_admin, name_ko="다른 단체", name_en="Another Group")

    def membership(person, organization=org) -> Membership:
        return db.session.scalar(select(Membership).where(Membership.person_id == person.id,
                                                          Membership.organization_id == organization.id))
    return type("Team", (), {"admin": admin, "editor": editor, "org": org, "other_admin": other_admin,
                             "other": other, "membership": staticmethod(membership)})


def _last_event() -> Event:
    db.session.expire_all()
    return db.session.scalars(select(Event).order_by(Event.seq.desc())).first()


def _invitation_link(outbox, lang="en") -> str:
    return re.search(rf"http://gongnon\.test(/{lang}/organizations/invitations/\S+)", outbox()[-1].body).group(1)


# ---- the members page ------------------------------------------------------------------------------

def test_members_page_access(app, client, team):
    url = f"/en/organizations/{team.org.slug}/members"
    r = client.get(url)
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    page = page_text(client_for(app, team.admin).get(url))
    assert "이서준" in page and shows(page, "Invite a member")
    page = page_text(client_for(app, team.editor).get(url))
    assert "김하늘" in page and not shows(page, "Invite a member") and shows(page, "Leave this organisation")
    assert client_for(app, site_admin()).get(url).status_code == 200
    for outsider in (make_person(), team.other_admin):
        r = client_for(app, outsider).get(url)
        assert r.status_code == 403 and shows(r, "You do not have permission")


# ---- invitations -----------------------------------------------------------------------------------

def test_invite_and_accept(app, client, login, team, outbox, record_size):
    invitee = make_person(email="new.member@example.org", name="박지민")
    login(team.admin)
    before = record_size()
    r = client.post(f"/en/organizations/{team.org.slug}/members/invite",
                    data={"email": "New.Member@example.org", "role": "admin"})
    assert r.status_code == 303 and r.headers["Location"] == f"/en/organizations/{team.org.slug}/members"
    assert shows(flashes(client), "The invitation was sent to %(email)s.", email="New.Member@example.org")
    [mail] = [m for m in outbox() if m.to_address == "new.member@example.org"]
    assert mail.subject == "Invitation to join Information Rights Lab on Gongnon"
    assert _last_event().event_type == EventType.MEMBER_INVITED and record_size() == before + 1
    assert "new.member@example.org" in page_text(client.get(f"/en/organizations/{team.org.slug}/members"))
    link = _invitation_link(outbox)

    joiner = client_for(app, invitee)
    page = joiner.get(link)
    assert page.status_code == 200 and shows(page, "Join the organisation")
    r = joiner.post(link)
    assert r.status_code == 303 and r.headers["Location"] == f"/en/organizations/{team.org.slug}"
    membership = team.membership(invitee)
    assert membership.role == Role.ADMIN
    event = _last_event()
    assert event.event_type == EventType.MEMBER_ADDED and event.actor_org_id == team.org.id
    assert json.loads(event.leaf)["payload"]["role"] == "admin"
    # the link worked once
    before = db_state()
    r = joiner.post(link)
    assert r.status_code == 400 and shows(r, "This invitation is invalid, was already used or has expired.")
    assert db_state() == before


BAD_INVITES = [
    ({"email": "not-an-email"}, "Enter a valid email address, such as name@example.org."),
    ({"email": ""}, "Enter an email address."),
    ({"email": "a" * 250 + "@example.org"}, "At most 254 characters."),
    ({"email": "editor@rights.example.org"}, "This person is already a member."),
    ({"email": "x@example.org", "role": "owner"}, "Not a valid choice."),
    ({"email": "x@example.org", "role": ""}, "Choose a role."),
]


@pytest.mark.parametrize(("data", "message"), BAD_INVITES, ids=[m[:30] for _, m in BAD_INVITES])
def test_bad_invitations_change_nothing(client, login, team, data, message):
    login(team.admin)
    before = db_state()
    r = client.post(f"/en/organizations/{team.org.slug}/members/invite", data={"role": "editor", **data})
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before


def test_invitation_errors_are_korean_on_korean_pages(client, login, team):
    login(team.admin)
    r = client.post(f"/ko/organizations/{team.org.slug}/members/invite",
                    data={"email": "editor@rights.example.org", "role": "editor"})
    assert r.status_code == 422 and ko("This person is already a member.") in page_text(r)


@pytest.mark.parametrize("who", ["editor", "other org admin", "stranger"])
def test_only_admins_invite(app, team, who):
    person = {"editor": team.editor, "other org admin": team.other_admin, "stranger": make_person()}[who]
    before = db_state()
    r = client_for(app, person).post(f"/en/organizations/{team.org.slug}/members/invite",
                                     data={"email": "x@example.org", "role": "admin"})
    assert r.status_code == 403 and db_state() == before


def test_invite_without_csrf_token_changes_nothing(client, login, team):
    login(team.admin)
    before = db_state()
    r = client.post(f"/en/organizations/{team.org.slug}/members/invite",
                    data={"email": "x@example.org", "role": "editor"}, csrf=False)
    assert r.status_code == 400 and db_state() == before


def _invite(team, email, *, now=None):
    org_actions.invite_member(actor_in(team.admin, team.org), team.org, email, Role.EDITOR, lang="en",
                              now=now or utcnow())


def test_an_invitation_accepted_by_another_address_is_refused(app, team, outbox):
    _invite(team, "invited@example.org")
    link = _invitation_link(outbox)
    intruder = client_for(app, make_person(email="intruder@example.org"))
    page = intruder.get(link)
    assert page.status_code == 200 and shows(page, "This invitation was sent to another email address.")
    assert not shows(page, "Join the organisation")
    before = db_state()
    r = intruder.post(link)
    assert r.status_code == 403 and shows(r, "This invitation was sent to another email address.")
    assert db_state() == before


def test_an_unverified_holder_of_the_address_cannot_accept(app, team, outbox):
    _invite(team, "invited@example.org")
    link = _invitation_link(outbox)
    holder = client_for(app, make_person(email="invited@example.org", verified=False))
    before = db_state()
    assert holder.post(link).status_code == 403
    assert db_state() == before


def test_expired_replaced_and_unknown_invitations_are_refused(app, team, outbox):
    invited = make_person(email="invited@example.org")
    _invite(team, "invited@example.org", now=utcnow() - timedelta(days=15))
    expired = _invitation_link(outbox)
    _invite(team, "invited@example.org", now=utcnow() - timedelta(days=1))
    replaced = _invitation_link(outbox)
    _invite(team, "invited@example.org")  # replaces the one before
    c = client_for(app, invited)
    before = db_state()
    for link in (expired, replaced, "/en/organizations/invitations/made-up-token"):
        assert c.get(link).status_code == 400
        r = c.post(link)
        assert r.status_code == 400 and shows(r, "This invitation is invalid, was already used or has expired.")
    assert db_state() == before
    assert c.post(_invitation_link(outbox)).status_code == 303


def test_accepting_needs_a_login_and_csrf(app, client, team, outbox):
    invited = make_person(email="invited@example.org")
    _invite(team, "invited@example.org")
    link = _invitation_link(outbox)
    before = db_state()
    r = client.post(link)
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    c = client_for(app, invited)
    r = c.post(link, csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_a_member_cannot_accept_twice(app, team, outbox):
    person = make_person(email="invited@example.org")
    _invite(team, "invited@example.org")
    link = _invitation_link(outbox)
    org_actions.add_member_directly(team.org, person, Role.EDITOR, Bilingual(None, None), now=utcnow())
    before = db_state()
    r = client_for(app, person).post(link)
    assert r.status_code == 400 and shows(r, "You are already a member of this organisation.")
    assert db_state() == before


# ---- roles -----------------------------------------------------------------------------------------

def _change(client, team, membership, **data):
    body = {"role": "admin", "title-ko": "", "title-en": ""}
    body.update(data)
    return client.post(f"/en/organizations/{team.org.slug}/members/{membership.id}", data=body)


def test_an_admin_changes_a_role_and_title(client, login, team, record_size):
    login(team.admin)
    before = record_size()
    r = _change(client, team, team.membership(team.editor), role="admin", **{"title-ko": "사무국장",
                                                                           "title-en": "Secretary General"})
    assert r.status_code == 303
    m = team.membership(team.editor)
    db.session.refresh(m)
    assert m.role == Role.ADMIN and m.title == Bilingual("사무국장", "Secretary General")
    event = _last_event()
    assert event.event_type == EventType.MEMBER_ROLE_CHANGED and record_size() == before + 1
    assert json.loads(event.leaf)["payload"] == {"from": "editor", "organization": team.org.id, "to": "admin"}
    # with two admins, one may step down; then the other is the last and cannot
    assert _change(client, team, team.membership(team.admin), role="editor").status_code == 303
    before_state = db_state()
    r = _change(client_for(client.application, team.editor), team, team.membership(team.editor), role="editor")
    assert r.status_code == 422 and shows(r, "An organisation needs at least one administrator.")
    assert db_state() == before_state


def test_the_last_admin_cannot_step_down(client, login, team):
    login(team.admin)
    before = db_state()
    r = _change(client, team, team.membership(team.admin), role="editor")
    assert r.status_code == 422 and shows(r, "An organisation needs at least one administrator.")
    assert db_state() == before


@pytest.mark.parametrize("data", [{"role": "owner"}, {"role": ""}, {"title-ko": "가" * 121},
                                  {"title-en": "<b>Boss</b>"}, {"title-en": "Boss\u202e"}])
def test_bad_member_changes_change_nothing(client, login, team, data):
    login(team.admin)
    before = db_state()
    r = _change(client, team, team.membership(team.editor), **data)
    assert r.status_code == 422 and shows(r, "The member could not be changed: check the role and position.")
    assert db_state() == before


def test_membership_ids_of_another_organisation_are_404(client, login, team):
    login(team.admin)
    foreign = team.membership(team.other_admin, team.other)
    before = db_state()
    r = _change(client, team, foreign, role="editor")
    assert r.status_code == 404 and shows(r, "Page not found")
    r = client.post(f"/en/organizations/{team.org.slug}/members/{foreign.id}/remove")
    assert r.status_code == 404
    for missing in (999999, 2**63, 10**30):
        assert client.post(f"/en/organizations/{team.org.slug}/members/{missing}",
                           data={"role": "admin"}).status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("who", ["editor", "other org admin", "stranger", "platform admin"])
def test_only_the_organisations_admins_change_roles(app, team, who):
    person = {"editor": team.editor, "other org admin": team.other_admin, "stranger": make_person(),
              "platform admin": site_admin()}[who]
    c = client_for(app, person)
    before = db_state()
    r = _change(c, team, team.membership(team.admin), role="editor")
    assert r.status_code == 403
    r = _change(c, team, team.membership(team.editor), role="admin")
    assert r.status_code == 403
    assert db_state() == before


def test_role_change_without_csrf_token_changes_nothing(client, login, team):
    login(team.admin)
    before = db_state()
    r = client.post(f"/en/organizations/{team.org.slug}/members/{team.membership(team.editor).id}",
                    data={"role": "admin"}, csrf=False)
    assert r.status_code == 400 and db_state() == before


# ---- removing and leaving --------------------------------------------------------------------------

def test_an_admin_removes_a_member(client, login, team):
    login(team.admin)
    membership = team.membership(team.editor)
    r = client.post(f"/en/organizations/{team.org.slug}/members/{membership.id}/remove")
    assert r.status_code == 303 and r.headers["Location"] == f"/en/organizations/{team.org.slug}/members"
    assert team.membership(team.editor) is None
    event = _last_event()
    assert event.event_type == EventType.MEMBER_REMOVED
    assert json.loads(event.leaf)["payload"] == {"left": False, "organization": team.org.id, "role": "editor"}


def test_a_member_leaves(app, team):
    c = client_for(app, team.editor)
    r = c.post(f"/en/organizations/{team.org.slug}/members/{team.membership(team.editor).id}/remove")
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    assert team.membership(team.editor) is None
    assert json.loads(_last_event().leaf)["payload"]["left"] is True
    assert c.get(f"/en/organizations/{team.org.slug}/members").status_code == 403


def test_the_last_admin_cannot_be_removed_or_leave(client, login, team):
    login(team.admin)
    before = db_state()
    r = client.post(f"/en/organizations/{team.org.slug}/members/{team.membership(team.admin).id}/remove")
    assert r.status_code == 303  # back to the members page, with the reason
    assert shows(flashes(client, r.headers["Location"]), "An organisation needs at least one administrator.")
    assert db_state() == before


@pytest.mark.parametrize("who", ["editor", "other org admin", "stranger"])
def test_only_admins_remove_someone_else(app, team, who):
    person = {"editor": team.editor, "other org admin": team.other_admin, "stranger": make_person()}[who]
    before = db_state()
    r = client_for(app, person).post(
        f"/en/organizations/{team.org.slug}/members/{team.membership(team.admin).id}/remove")
    assert r.status_code == 403 and db_state() == before


def test_removal_without_csrf_token_changes_nothing(client, login, team):
    login(team.admin)
    before = db_state()
    r = client.post(f"/en/organizations/{team.org.slug}/members/{team.membership(team.editor).id}/remove",
                    csrf=False)
    assert r.status_code == 400 and db_state() == before
