"""Model-level rules that need no database: labels and the status clock."""
from __future__ import annotations

import pytest
from flask_babel import refresh

from consult.consultations import models
from consult.consultations.models import CommentStatus, InvitationState, Mode, Outcome, Status

LABELLED = [models.NoticeType, Mode, Status, CommentStatus, Outcome, models.Purpose, InvitationState,
            models.RequestDecision]


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_every_member_has_its_own_label(app, enum):
    with app.test_request_context("/en/"):
        labels = [m.label for m in enum]
    assert all(labels) and len(set(labels)) == len(labels)


def test_members_with_the_same_value_keep_their_own_labels(app):
    """StrEnum members equal their values: 'accepted', 'withdrawn' and 'open' each appear in two enums."""
    with app.test_request_context("/en/"):
        assert Outcome.ACCEPTED.label == "Accepted"
        assert InvitationState.ACCEPTED.label == "Invitation accepted"
        assert Mode.OPEN.label != Status.OPEN.label
        assert CommentStatus.WITHDRAWN.label != InvitationState.WITHDRAWN.label
    with app.test_request_context("/ko/"):
        refresh()  # the app context (and Babel's cached locale) is shared with the request above
        assert Outcome.ACCEPTED.label == "수용"
        assert InvitationState.ACCEPTED.label == "수락"
