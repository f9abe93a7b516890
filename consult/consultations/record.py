"""The public record page of a consultation (SPEC §7) and its Atom feed. Routes on the consultations
blueprint; a fixed number of queries whatever the number of invitations, requests, meetings and comments."""
from __future__ import annotations
