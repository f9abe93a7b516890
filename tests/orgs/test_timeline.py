"""An organisation's page shows its timeline (진행 경과), each line linking to its log entry."""
from __future__ import annotations

import re

from consult.extensions import db
from consult.record import Event, EventType

from ..factories import make_org


def test_profile_timeline_links_each_line_to_its_entry(client):
    org = make_org()
    events = db.session.scalars(db.select(Event).where(Event.subject_type == "organization",
                                                       Event.subject_id == org.id).order_by(Event.seq)).all()
    assert [e.event_type for e in events] == [EventType.ORGANIZATION_CREATED, EventType.ORGANIZATION_VERIFIED]
    page = client.get(f"/ko/organizations/{org.slug}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"'):]
    links = re.findall(r'href="/ko/log/(\d+)"', timeline)
    assert links[:2] == [str(events[1].seq), str(events[0].seq)]  # newest first
    assert "진행 경과" in page and "기관 인증" in timeline
    english = client.get(f"/en/organizations/{org.slug}").get_data(as_text=True)
    assert "Timeline" in english and "Organisation verified" in english
