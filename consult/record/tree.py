"""The Merkle tree over the record (RFC 6962 / RFC 9162 §2.1), stored as complete subtrees.

Every complete, aligned subtree gets one row in `tree_node` (level, index, hash): level 0 holds the leaf
hashes, level l the hash of leaves [index·2^l, (index+1)·2^l). Appending a leaf writes its row and the
rows it completes — nothing is read: the head row keeps the right edge of the tree (the "frontier", one
hash per set bit of the size). The root of any size and every proof need only the O(log n) complete
subtrees their ranges decompose into, fetched in one query; the log is never re-hashed.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select

from ..extensions import db
from .models import TreeNode

LEAF_PREFIX = b"\x00"  # RFC 6962 §2.1
NODE_PREFIX = b"\x01"  # RFC 6962 §2.1
EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 9162 §2.1.1: MTH({}) = HASH()

Key = tuple[int, int]  # (level, index)


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


# ---- the frontier: the right edge kept on the head row ----------------------------------------------

def pack_frontier(frontier: Sequence[tuple[int, bytes]]) -> bytes:
    """[(level, hash) …], levels decreasing, as bytes: one level byte and 32 hash bytes each."""
    return b"".join(bytes([level]) + digest for level, digest in frontier)


def unpack_frontier(data: bytes | None) -> list[tuple[int, bytes]]:
    data = data or b""
    return [(data[i], data[i + 1:i + 33]) for i in range(0, len(data), 33)]


def add_leaf(frontier: list[tuple[int, bytes]], index: int, leaf_digest: bytes) -> list[TreeNode]:
    """Append leaf `index` (= the old size) to the frontier in place; return the node rows it creates."""
    rows = [TreeNode(level=0, index=index, hash=leaf_digest)]
    frontier.append((0, leaf_digest))
    position = index
    while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
        (level, right), (_, left) = frontier.pop(), frontier.pop()
        position //= 2
        merged = node_hash(left, right)
        frontier.append((level + 1, merged))
        rows.append(TreeNode(level=level + 1, index=position, hash=merged))
    return rows


def frontier_root(frontier: Sequence[tuple[int, bytes]]) -> bytes:
    """The root of the whole tree from its right edge: fold the subtrees from the right."""
    if not frontier:
        return EMPTY_ROOT
    acc = frontier[-1][1]
    for _, digest in reversed(frontier[:-1]):
        acc = node_hash(digest, acc)
    return acc


# ---- ranges and proofs (RFC 9162 §2.1.3, §2.1.4) ---------------------------------------------------

def _largest_power_below(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _decompose(start: int, end: int) -> list[Key]:
    """Complete aligned subtrees covering leaves [start, end), left to right."""
    keys = []
    while start < end:
        level = 0
        while start % (1 << (level + 1)) == 0 and start + (1 << (level + 1)) <= end:
            level += 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


class _Plan:
    """Collects the ranges a computation needs, fetches their nodes in one query, then folds them."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []

    def need(self, start: int, end: int) -> tuple[int, int]:
        self.ranges.append((start, end))
        return start, end

    def fetch(self) -> dict[Key, bytes]:
        keys = {k for start, end in self.ranges for k in _decompose(start, end)}
        return load_nodes(keys)


def load_nodes(keys: Iterable[Key]) -> dict[Key, bytes]:
    """The stored hashes of these subtrees, in one query that walks the primary key.

    Written as (level = l AND idx IN (…)) OR … rather than a row-value IN: SQLite scans the table for
    the latter, which made a proof at 100k events ten times slower than at 10k.
    """
    wanted = set(keys)
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        by_level.setdefault(level, []).append(index)
    found: dict[Key, bytes] = {}
    if by_level:
        clause = or_(*(and_(TreeNode.level == level, TreeNode.index.in_(sorted(indexes)))
                       for level, indexes in sorted(by_level.items())))
        rows = db.session.execute(select(TreeNode.level, TreeNode.index, TreeNode.hash).where(clause))
        found.update({(level, index): digest for level, index, digest in rows})
    missing = set(wanted) - set(found)
    if missing:
        raise LookupError(f"tree nodes missing: {sorted(missing)[:5]}")
    return found


def _range_hash(nodes: dict[Key, bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) from its complete subtrees (start is aligned, as in every RFC recursion)."""
    if start == end:
        return EMPTY_ROOT
    parts = [nodes[k] for k in _decompose(start, end)]
    acc = parts[-1]
    for digest in reversed(parts[:-1]):
        acc = node_hash(digest, acc)
    return acc


def root(size: int) -> bytes:
    """MTH of the first `size` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return _range_hash(load_nodes(_decompose(0, size)), 0, size)


def _path_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(m, D[start:end]) as the ranges whose hashes it lists, bottom first."""
    n = end - start
    if n <= 1:
        return []
    k = _largest_power_below(n)
    if index - start < k:
        return _path_ranges(index, start, start + k) + [(start + k, end)]
    return _path_ranges(index, start + k, end) + [(start, start + k)]


def _subproof_ranges(m: int, start: int, end: int, complete: bool) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b) as ranges, m counted from start."""
    n = end - start
    if m == n:
        return [] if complete else [(start, end)]
    k = _largest_power_below(n)
    if m <= k:
        return _subproof_ranges(m, start, start + k, complete) + [(start + k, end)]
    return _subproof_ranges(m - k, start + k, end, False) + [(start, start + k)]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `size` leaves (0 <= index < size)."""
    if not 0 <= index < size:
        raise ValueError("index out of range")
    ranges = _path_ranges(index, 0, size)
    nodes = load_nodes(k for start, end in ranges for k in _decompose(start, end))
    return [_range_hash(nodes, start, end) for start, end in ranges]


def consistency_proof(old: int, new: int) -> list[bytes]:
    """The proof that the tree of `old` leaves is a prefix of the tree of `new` leaves."""
    if not 0 <= old <= new:
        raise ValueError("sizes out of range")
    if old == 0 or old == new:
        return []
    ranges = _subproof_ranges(old, 0, new, True)
    nodes = load_nodes(k for start, end in ranges for k in _decompose(start, end))
    return [_range_hash(nodes, start, end) for start, end in ranges]


def leaf_hash_at(index: int) -> bytes:
    return load_nodes([(0, index)])[(0, index)]
