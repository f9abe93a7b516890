"""The one change search makes itself: rebuilding the whole index (`flask search reindex`). Everyday
updates need no action: index.py rewrites documents in the transaction of the write that changed them."""
from __future__ import annotations

from collections.abc import Callable

from ..extensions import atomic, db
from . import index


@atomic
def rebuild_index(progress: Callable[[str, int], None] | None = None) -> int:
    """Rebuild every document from the tables in one transaction; returns how many are public."""
    return index.rebuild(db.session.connection(), progress=progress)
