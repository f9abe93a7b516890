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
from ..consultations import actions as cons
from ..consultations.models import (Consultation, MeetingFormat, MeetingKind, Mode, NoticeType, Outcome, Purpose,
                                    Section, Version)
from ..extensions import db
from ..i18n import Bilingual
from ..orgs import actions as orgs
from ..orgs.models import GovSubkind, Organization, OrgKind, Role
from ..policy import Actor
from ..register import actions as register
from ..register.fields import BY_KEY, empty_content
from ..register.models import Stage
from ..statements import actions as statements
from ..statements.models import Statement

DEMO_FILE = Path(__file__).with_name("demo.json")
SEOUL = ZoneInfo("Asia/Seoul")
PREPARE_VERSION = timedelta(minutes=30)  # a later version is drafted this long before it is published
DRAFT_STATEMENT = timedelta(days=3)  # a statement is drafted this long before it opens for signature
RECORD_MEETING = timedelta(hours=1)  # a meeting is recorded this long after it ends
RECORD_STAGE = timedelta(days=7)  # register entries: each later assessment stage recorded a week after the one before
STAGE_GAP = timedelta(days=45)  # … and dated this long after the one before (the last one as demo.json says)
LINK_AFTER = timedelta(minutes=5)  # a consultation is linked to its entry this long after both exist
_GROUND = re.compile(r"제9조제1항제(\d)호")
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
    creator: dict[str, str] = field(default_factory=dict)  # organisation → its first admin
    # what the consultation steps made, by ("consultation", id), ("comment", id), ("version", id, number),
    # ("section", id, number, key), ("invitation", consultation id, organisation id, purpose), ("request", consultation id, organisation id),
    # ("meeting", consultation id, meeting id),
    # ("statement", id), ("signature", statement id, signing organisation or, for an individual, person)
    made: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    steps: list[tuple[datetime, int, Callable[[datetime], Any], tuple[Any, ...] | None]] = field(
        default_factory=list)

    def at(self, moment: datetime, step: Callable[[datetime], Any], keep: tuple[Any, ...] | None = None) -> None:
        """Run step(moment) in time order; keep its result as made[keep]."""
        self.steps.append((moment, len(self.steps), step, keep))

    def t(self, value: str) -> datetime:
        return reltime(value, self.now)

    def actor(self, person: str, org: str | None = None) -> Actor:
        """person acting for org with their demo membership role (as themself when org is None)."""
        if org is None:
            return Actor(self.people[person])
        role = next(m["role"] for p in self.data["people"] if p["id"] == person
                    for m in p["memberships"] if m["org"] == org)
        return Actor(self.people[person], self.orgs[org], Role(role))

    def plan(self) -> None:
        people = {p["id"]: p for p in self.data["people"]}
        created_at: dict[str, datetime] = {}
        creator = self.creator
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
        for c in self.data["consultations"]:
            self.plan_consultation(c)
        for st in self.data["statements"]:
            self.plan_statement(st)
        for r in self.data.get("register", []):
            self.plan_register_entry(r)

    def plan_register_entry(self, r: dict[str, Any]) -> None:
        """An entry's history: registered with its first assessment stage, each later stage recorded as a
        revision a week apart (the last at `last_updated`), then linked to its consultations once published."""
        key, t, at = ("register", r["id"]), self.t, self.at
        official = lambda: self.actor(self.creator[r["operator_org"]], r["operator_org"])  # noqa: E731
        stages = list(Stage)[:list(Stage).index(Stage(r["hria"]["stage"])) + 1] if r["hria"] else []
        last = t(r["last_updated"])
        registered = last - RECORD_STAGE * max(len(stages) - 1, 0)
        last_day = t(r["hria"]["completed_at"]) if r["hria"] and r["hria"]["completed_at"] else last
        items = {s: {"date": self.day(last_day - STAGE_GAP * (len(stages) - 1 - i)), "pdf": None,
                     "summary": (r["hria"]["summary"] if s is stages[-1] else self.stage_summary(s))}
                 for i, s in enumerate(stages)}
        doc = self.register_document(r)
        doc["assessment"] = {s.value: items[s] for s in stages[:1]}
        at(registered, lambda now: register.register_system(official(), doc, now=now), key)
        for i, s in enumerate(stages[1:], start=1):
            at(registered + RECORD_STAGE * i, lambda now, s=s: register.record_assessment_stage(
                official(), self.made[key], s, items[s]["date"], text(items[s]["summary"]), now=now))
        for cid in r["linked_consultations"]:
            c = next(c for c in self.data["consultations"] if c["id"] == cid)
            at(max(registered, t(c["scheduled_at"])) + LINK_AFTER, lambda now, cid=cid: register.link_consultation(
                official(), self.made[key], self.made[("consultation", cid)], now=now))

    def day(self, moment: datetime) -> str:
        return moment.astimezone(SEOUL).date().isoformat()

    @staticmethod
    def stage_summary(stage: Stage) -> dict[str, str]:
        ko, en = register.STAGE_NAMES[stage]
        return {"ko": f"국가인권위원회 인공지능 인권영향평가 도구의 {ko} 단계를 마쳤습니다.",
                "en": f"Completed the {en} stage of the NHRCK AI human rights impact assessment tool."}

    def register_document(self, r: dict[str, Any]) -> dict[str, Any]:
        """demo.json's register[] shape as an entry document (fields.FIELDS): the area code as a list, the
        withheld items' legal basis as the item of 정보공개법 제9조제1항 it cites, other fields by name."""
        doc = empty_content()
        blank = {"ko": None, "en": None}
        impact = r["high_impact"]
        doc.update({
            "system_name": r["system_name"], "unit": r["unit"], "purpose": r["purpose"], "summary": r["summary"],
            "status": r["status"], "high_impact": impact["status"], "areas": [impact["area"]] if impact["area"] else [],
            "high_impact_note": impact["note"] or blank, "supplier": r["supplier"] or blank,
            "status_dates": {k: self.day(self.t(v)) if v else None for k, v in r["status_dates"].items()},
            "data_sources": r["data"]["sources"], "data_categories": r["data"]["categories"],
            "personal_data": r["data"]["personal_data"], "model_type": r["model_type"],
            "decision_role": r["decision_role"], "human_oversight": r["human_oversight"], "contest": r["contest"],
            "no_assessment_reason": r["no_assessment_reason"] or blank,
            "risks": [{"risk": x["risk"], "mitigation": x["mitigation"]} for x in r["risks"]],
        })
        withheld = []
        for w in r["withheld"]:
            field = w["field"] if w["field"] in BY_KEY and BY_KEY[w["field"]].withholdable else "other"
            match = _GROUND.search(w["legal_basis"]["ko"])
            assert match, f"no legal basis in {w}"
            withheld.append({"field": field, "label": w["label"], "ground": int(match.group(1)), "reason": w["reason"]})
        doc["withheld"] = withheld
        return doc

    def plan_consultation(self, c: dict[str, Any]) -> None:
        """A consultation's history: draft, publication, who takes part (invitations and their answers,
        requests and their decisions, meetings), comments, versions, conclusion."""
        cid, t, at, made = c["id"], self.t, self.at, self.made
        con = lambda: made[("consultation", cid)]  # noqa: E731 — exists once its first step has run
        official = lambda pid: self.actor(pid, c["owner_org"])  # noqa: E731
        at(t(c["created_at"]), lambda now: self.create_consultation(c, now), ("consultation", cid))
        at(t(c["scheduled_at"]), lambda now: cons.publish_consultation(official(c["created_by"]), con(), now=now))
        for d in c["deadline_changes"]:
            at(t(d["changed_at"]), lambda now, d=d: cons.change_deadline(
                official(d["changed_by"]), con(), t(d["new_closes_at"]), text(d["reason"]), now=now))
        # a granted request comes before the invitation that may follow it at the same moment
        for r in c["participation_requests"]:
            key = ("request", cid, r["org"])
            at(t(r["requested_at"]), lambda now, r=r: cons.request_participation(
                self.actor(r["requested_by"], r["org"]), con(), text(r["motivation"]), now=now), key)
            if r["decision"] != "pending":
                at(t(r["decided_at"]), lambda now, r=r, key=key: cons.decide_participation(
                    official(r["decided_by"]), made[key], r["decision"] == "granted", text(r["reason"]), now=now))
        for i in c["invitations"]:
            key = ("invitation", cid, i["org"], i["purpose"])
            at(t(i["sent_at"]), lambda now, i=i: cons.invite_organization(
                official(i["invited_by"]), con(), self.orgs[i["org"]], Purpose(i["purpose"]), text(i["message"]),
                now=now), key)
            if i["state"] in ("accepted", "declined"):  # "sent" and "no_answer" stay unanswered
                at(t(i["answered_at"]), lambda now, i=i, key=key: cons.answer_invitation(
                    self.actor(self.creator[i["org"]], i["org"]), made[key], i["state"] == "accepted",
                    text(i["reason"]), now=now))
        for m in c["meetings"]:  # recorded shortly after they end, minutes as text (no PDF)
            at(t(m["ends_at"]) + RECORD_MEETING, lambda now, m=m: cons.record_meeting(
                official(m["recorded_by"]), con(), cons.MeetingInput(
                    kind=MeetingKind(m["kind"]), format=MeetingFormat(m["format"]), held_at=t(m["starts_at"]),
                    ends_at=t(m["ends_at"]), title=text(m["title"]), place=text(m["location"]),
                    minutes=text(m["minutes"]), invited_org_ids=tuple(self.orgs[o].id for o in m["invited_orgs"]),
                    attended_org_ids=tuple(self.orgs[o].id for o in m["attending_orgs"])), now=now),
               ("meeting", cid, m["id"]))
        for v in c["versions"][1:]:
            published, key = t(v["published_at"]), ("version", cid, v["number"])
            at(published - PREPARE_VERSION, lambda now, v=v: self.write_version(
                c, v, cons.start_version(official(c["created_by"]), con(), now=now), now), key)
            at(published, lambda now, key=key: cons.publish_version(official(c["created_by"]), con(), made[key],
                                                                    now=now))
        for m in c["comments"]:
            self.plan_comment(c, m)
        if report := c["result_report"]:
            at(t(report["published_at"]), lambda now: cons.conclude(
                official(report["published_by"]), con(), title=text(report["title"]), body=text(report["body"]),
                undisposed_reason=text(c["undisposed_reason"]), now=now))

    def plan_comment(self, c: dict[str, Any], m: dict[str, Any]) -> None:
        """Submitted as first written, revised at each later revision, then withdrawn, hidden or decided."""
        t, made, key = self.t, self.made, ("comment", m["id"])
        author = lambda: self.actor(m["author_person"], m["on_behalf_of"])  # noqa: E731
        bodies = [r["body"] for r in m["revisions"]] + [m["body"]]
        moments = [m["submitted_at"], *[r["at"] for r in m["revisions"][1:]], m["revised_at"]][:len(bodies)]
        self.at(t(moments[0]), lambda now: cons.submit_comment(
            author(), made[("consultation", c["id"])], self.comment_input(c, m, bodies[0]), now=now), key)
        for moment, body in zip(moments[1:], bodies[1:]):
            self.at(t(moment), lambda now, body=body: cons.revise_comment(
                author(), made[key], self.comment_input(c, m, body), now=now))
        if m["status"] == "withdrawn":
            self.at(t(m["withdrawn_at"]), lambda now: cons.withdraw_comment(
                author(), made[key], text(m["withdrawal_reason"]), now=now))
        if mod := m["moderation"]:
            self.at(t(mod["hidden_at"]), lambda now: cons.hide_comment(
                self.actor(mod["hidden_by"]), made[key], text(mod["reason"]), now=now))
        if d := m["disposition"]:
            self.at(t(d["decided_at"]), lambda now: cons.record_disposition(
                self.actor(d["decided_by"], c["owner_org"]), made[key], cons.DispositionInput(
                    Outcome(d["outcome"]), text(d["reason"]), tuple(
                        made[("section", c["id"], s["version"], s["section"])].id for s in d["changed_sections"])),
                now=now))

    def plan_statement(self, st: dict[str, Any]) -> None:
        """A joint statement's history: drafted, opened (version 1 frozen), signed, changed (later versions,
        whose earlier signers re-confirm or stay pending), and signatures withdrawn."""
        sid, t, at, made = st["id"], self.t, self.at, self.made
        drafter = lambda: self.actor(st["drafted_by_person"], st["drafted_by"])  # noqa: E731
        statement = lambda: made[("statement", sid)]  # noqa: E731
        at(t(st["opened_at"]) - DRAFT_STATEMENT, lambda now: self.create_statement(st, now), ("statement", sid))
        at(t(st["opened_at"]), lambda now: statements.open_statement(drafter(), statement(), now=now))
        for v in st["versions"][1:]:
            at(t(v["published_at"]), lambda now, v=v: statements.revise(
                drafter(), statement(), self.statement_text(v), now=now))
        people = {p["id"]: p for p in self.data["people"]}
        for g in st["signatures"]:
            key = ("signature", sid, g["signer_org"] or g["signed_by"])
            signer = lambda g=g: self.actor(g["signed_by"], g["signer_org"])  # noqa: E731
            # an individual's name is listed only with their consent to publishing it
            name_public = g["signer_org"] is not None or people[g["signed_by"]]["consent_publish_name"]
            at(t(g["signed_at"]), lambda now, signer=signer, name_public=name_public: statements.sign(
                signer(), statement(), name_public=name_public, now=now), key)
            if g["reconfirmation"] == "confirmed":  # "pending" ones stay bound to the earlier version
                at(t(g["reconfirmed_at"]), lambda now, signer=signer, key=key: statements.reconfirm(
                    signer(), made[key], now=now))
            if g["withdrawn_at"]:
                at(t(g["withdrawn_at"]), lambda now, g=g, signer=signer, key=key: statements.withdraw_signature(
                    signer(), made[key], text(g["withdrawal_reason"]), now=now))

    def create_statement(self, st: dict[str, Any], now: datetime) -> Statement:
        """The draft with its first text. A consultation is linked only if it was published by then: the
        link is checked when the draft is saved, and an opened statement's settings no longer change."""
        linked = None
        if cid := st["linked_consultation"]:
            c = next(c for c in self.data["consultations"] if c["id"] == cid)
            if self.t(c["scheduled_at"]) <= now:
                linked = self.made[("consultation", cid)].id
        deadline = st["signature_deadline"]
        data = statements.StatementInput(
            self.statement_text(st["versions"][0]), consultation_id=linked,
            co_drafter_ids=tuple(self.orgs[o].id for o in st["co_drafters"]),
            signing_deadline=self.t(deadline) if deadline else None, allows_individuals=st["allow_individuals"])
        return statements.create_statement(self.actor(st["drafted_by_person"], st["drafted_by"]), data, now=now)

    @staticmethod
    def statement_text(v: dict[str, Any]) -> statements.TextInput:
        """A version's paragraphs, in each language, as Markdown paragraphs (separated by blank lines)."""
        body = {lang: "\n\n".join(p["body"][lang] for p in v["paragraphs"] if p["body"].get(lang))
                for lang in ("ko", "en")}
        return statements.TextInput(title=text(v["title"]), body=text(body), change_note=text(v["change_note"]))

    def comment_input(self, c: dict[str, Any], m: dict[str, Any], body: dict[str, str]) -> cons.CommentInput:
        """The original_language side is the comment, the other side the author's translation."""
        lang, target = m["original_language"], m["target"]
        section = self.made[("section", c["id"], target["version"], target["section"])] if target["section"] else None
        return cons.CommentInput(body=body[lang], lang=lang, section_id=section.id if section else None,
                                 translation=body["en" if lang == "ko" else "ko"])

    def create_consultation(self, c: dict[str, Any], now: datetime) -> Consultation:
        """The draft with its version 1, closing at the original deadline (deadline changes come later)."""
        closes_at = (c["deadline_changes"] or [{"old_closes_at": c["closes_at"]}])[0]["old_closes_at"]
        made = cons.create_consultation(self.actor(c["created_by"], c["owner_org"]), cons.ConsultationInput(
            title=text(c["title"]), summary=text(c["summary"]), department=text(c["department"]),
            instrument=text(c["instrument"]), notice_type=NoticeType(c["notice_type"]),
            mode=Mode(c["participation_mode"]), allows_individuals=c["allow_individuals"],
            target_groups=[OrgKind(k) for k in c["target_groups"]], opens_at=self.t(c["opens_at"]),
            closes_at=self.t(closes_at), short_period_reason=text(c["short_period_reason"])), now=now)
        self.made[("consultation", c["id"])] = made
        self.made[("version", c["id"], 1)] = self.write_version(c, c["versions"][0], cons.editable_version(made), now)
        return made

    def write_version(self, c: dict[str, Any], v: dict[str, Any], version: Version | None,
                      now: datetime) -> Version:
        """Make an unpublished version hold v's texts: its sections changed, added or removed by key."""
        assert version is not None
        actor, con = self.actor(c["created_by"], c["owner_org"]), self.made[("consultation", c["id"])]
        copies = {s.key: s for s in db.session.scalars(db.select(Section).where(Section.version_id == version.id))}
        wanted = {s["key"] for s in v["sections"]}
        for key in copies.keys() - wanted:
            cons.delete_section(actor, con, version, copies[key], now=now)
        for s in v["sections"]:
            copy = copies.get(s["key"])
            self.made[("section", c["id"], v["number"], s["key"])] = cons.save_section(
                actor, con, version, cons.SectionInput(text(s["number"]), text(s["heading"]), text(s["body"])),
                now=now, section=copy, key=None if copy else s["key"])
        return cons.update_version(actor, con, version, title=text(v["title"]), summary=text(v["summary"]),
                                   change_note=text(v["change_note"]), now=now)

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
        for moment, _, step, keep in sorted(self.steps, key=lambda s: (s[0], s[1])):
            result = step(moment)
            if keep:
                self.made[keep] = result


def load(now: datetime, path: Path = DEMO_FILE) -> Loader:
    """Load demo.json through the actions; returns the loader with its id → object maps."""
    loader = Loader(json.loads(path.read_text(encoding="utf-8")), now)
    loader.run()
    return loader
