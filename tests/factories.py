"""Realistic people and organisations, made through the actions (as the demo loader does)."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from consult.accounts import actions as accounts
from consult.accounts.models import Person
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import GovSubkind, Organization, OrgKind, Role
from consult.policy import Actor

PASSWORD = "correct horse battery staple"
_n = itertools.count(1)

KOREAN_NAMES = ["김하늘", "이서준", "박지민", "최유나", "정민호", "강수아", "조현우", "윤서연"]


def make_person(*, email: str | None = None, verified: bool = True, platform_admin: bool = False,
                publish_name: bool = True, name: str | None = None, locale: str = "ko",
                now: datetime | None = None) -> Person:
    n = next(_n)
    now = now or utcnow() - timedelta(days=30)
    person = accounts.register(accounts.RegistrationInput(
        email=email or f"person{n}@example.org", display_name=name or KOREAN_NAMES[n % len(KOREAN_NAMES)],
        display_name_latin=f"Person {n}", password=PASSWORD, consent_collection=True,
        consent_publish_name=publish_name, locale=locale), now=now, send_mail=False)
    if verified:
        accounts.mark_email_verified(person, now=now)
    if platform_admin:
        accounts.grant_platform_admin(person, now=now)
    return person


def make_org(*, kind: OrgKind = OrgKind.CIVIL_SOCIETY, verified: bool = True, admin: Person | None = None,
             editors: tuple[Person, ...] = (), name_ko: str | None = None, name_en: str | None = None,
             now: datetime | None = None) -> Organization:
    n = next(_n)
    now = now or utcnow() - timedelta(days=20)
    admin = admin or make_person()
    org = orgs.create_organization(Actor(admin), orgs.OrgInput(
        name=Bilingual(name_ko or f"디지털권리단체 {n}", name_en or f"Digital Rights Group {n}"),
        short_name=Bilingual(None, None), kind=kind,
        subkind=GovSubkind.MINISTRY if kind == OrgKind.GOVERNMENT else None,
        website=f"https://org{n}.example.org", description=Bilingual("설명", "About")), now=now)
    for editor in editors:
        orgs.add_member_directly(org, editor, Role.EDITOR, Bilingual(None, None), now=now)
    if verified:
        orgs.decide_verification(Actor(platform_admin()), org, "verify",
                                 Bilingual("등록증 확인", "Checked the registration certificate"), now=now,
                                 notify=False)
    return org


def platform_admin() -> Person:
    """The platform administrator of the test database (made on first use)."""
    from consult.extensions import db
    existing = db.session.scalar(db.select(Person).where(Person.is_platform_admin.is_(True)))
    return existing or make_person(email="platform.admin@example.org", platform_admin=True)
