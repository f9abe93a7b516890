"""Load the bilingual demo content (demo.json, from ../shared/korea) into an empty database.

Everything goes through the actions, in time order, so the record reads like the history it stands
for. Times in demo.json are relative to the moment of loading (see `reltime`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ..accounts import actions as accounts
from ..accounts.models import Person
from ..i18n import Bilingual
from ..orgs import actions as orgs
from ..orgs.models import GovSubkind, Organization, OrgKind, Role
from ..policy import Actor

DEMO_FILE = Path(__file__).with_name("demo.json")
SEOUL = ZoneInfo("Asia/Seoul")
_REL = re.compile(r"^([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:@(\d{2}):(\d{2}))?$")


def reltime(value: str, now: datetime) -> datetime:
    """'-45d', '+12d', '-3d4h', '-90m', or '-12d@09:00' (a Seoul calendar day at that wall time)."""
    m = _REL.match(value)
    if not m or not any(m.group(i) for i in (2, 3, 4)):
        raise ValueError(f"not a relative time: {value!r}")
    sign = -1 if m.group(1) == "-" else 1
    days, hours, minutes = (int(m.group(i) or 0) for i in (2, 3, 4))
    if m.group(5) is not None:
        day = (now.astimezone(SEOUL) + sign * timedelta(days=days)).date()
        local = datetime.combine(day, time(int(m.group(5)), int(m.group(6))), tzinfo=SEOUL)
        return local.astimezone(now.tzinfo)
    return now + sign * timedelta(days=days, hours=hours, minutes=minutes)


def text(value: dict[str, str] | None) -> Bilingual:
    return Bilingual((value or {}).get("ko"), (value or {}).get("en"))


@dataclass
class Loader:
    data: dict[str, Any]
    now: datetime
    people: dict[str, Person] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    steps: list[tuple[datetime, int, Callable[[datetime], None]]] = field(default_factory=list)

    def at(self, moment: datetime, step: Callable[[datetime], None]) -> None:
        self.steps.append((moment, len(self.steps), step))

    def t(self, value: str) -> datetime:
        return reltime(value, self.now)

    def plan(self) -> None:
        people = {p["id"]: p for p in self.data["people"]}
        created_at: dict[str, datetime] = {}
        creator: dict[str, str] = {}
        for o in self.data["organisations"]:
            created_at[o["id"]] = (self.t(o["verified_at"]) - timedelta(days=3) if o["verified"]
                                   else self.t(o["verification_requested_at"]))
        for p in self.data["people"]:
            for m in p["memberships"]:
                if m["role"] == "admin":
                    creator.setdefault(m["org"], p["id"])
        for p in self.data["people"]:
            owned = [created_at[org] for org, who in creator.items() if who == p["id"]]
            joined = min([self.t(p["joined_at"]), *[c - timedelta(hours=2) for c in owned]])
            self.at(joined, lambda now, p=p: self.register(p, now))
            self.at(joined + timedelta(minutes=5),
                    lambda now, p=p: accounts.mark_email_verified(self.people[p["id"]], now=now))
            if p["is_platform_admin"]:
                self.at(joined + timedelta(minutes=10),
                        lambda now, p=p: accounts.grant_platform_admin(self.people[p["id"]], now=now))
        for o in self.data["organisations"]:
            self.at(created_at[o["id"]], lambda now, o=o: self.create_org(o, people.get(creator.get(o["id"], "")), now))
            if o["verified"]:
                self.at(self.t(o["verified_at"]), lambda now, o=o: orgs.decide_verification(
                    Actor(self.people[o["verified_by"]]), self.orgs[o["id"]], "verify",
                    text(o["verification_basis"]), now=now, notify=False))
        for p in self.data["people"]:
            for m in p["memberships"]:
                if creator[m["org"]] == p["id"]:
                    continue
                moment = max(self.t(p["joined_at"]), created_at[m["org"]]) + timedelta(hours=1)
                self.at(moment, lambda now, p=p, m=m: orgs.add_member_directly(
                    self.orgs[m["org"]], self.people[p["id"]], Role(m["role"]), text(m["title"]), now=now))

    def register(self, p: dict[str, Any], now: datetime) -> None:
        name = text(p["display_name"])
        person = accounts.register(accounts.RegistrationInput(
            email=p["email"], display_name=name.ko or name.en or "", display_name_latin=name.en,
            password=self.data["meta"]["demo_password"], consent_collection=True,
            consent_publish_name=p["consent_publish_name"], locale=p["locale"]), now=now, send_mail=False)
        self.people[p["id"]] = person

    def create_org(self, o: dict[str, Any], creator: dict[str, Any] | None, now: datetime) -> None:
        """Created by its first admin; organisations with no members by the platform admin."""
        data = orgs.OrgInput(
            name=text(o["name"]), short_name=text(o.get("short_name")), kind=OrgKind(o["kind"]),
            subkind=GovSubkind(o["subkind"]) if o.get("subkind") else None, website=o.get("website"),
            description=text(o.get("description")))
        if creator is None:
            admin = next(p for pid, p in self.people.items() if p.is_platform_admin)
            self.orgs[o["id"]] = orgs.create_organization(Actor(admin), data, now=now, slug=o["id"], join=False)
            return
        person = self.people[creator["id"]]
        org = orgs.create_organization(Actor(person), data, now=now, slug=o["id"])
        title = next(m["title"] for m in creator["memberships"] if m["org"] == o["id"])
        orgs.set_member_title(org, person, text(title), now=now)
        self.orgs[o["id"]] = org

    def run(self) -> None:
        self.plan()
        for moment, _, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            step(moment)


def load(now: datetime, path: Path = DEMO_FILE) -> Loader:
    """Load demo.json through the actions; returns the loader with its id → object maps."""
    loader = Loader(json.loads(path.read_text(encoding="utf-8")), now)
    loader.run()
    return loader
