"""Who takes part, as people meet it: officials invite organisations (by search or by email), withdraw
invitations, decide participation requests and record meetings; invited organisations answer; any
verified organisation asks to take part in an invited consultation. Routes on the consultations blueprint."""
from __future__ import annotations
