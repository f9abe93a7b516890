"""A deliberately naive Merkle log, written as RFC 6962 §2.1 states it: recursive MTH, PATH and
PROOF/SUBPROOF over the raw leaves, recomputing everything every time. It shares no code with
consult/verify.py or consult/record/, so each can be checked against it. Hashes are raw 32-byte strings.
"""
from __future__ import annotations

import hashlib


def _hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]): SHA-256() for no leaves, SHA-256(0x00 ‖ d0) for one, else split at k."""
    n = len(leaves)
    if n == 0:
        return _hash(b"")
    if n == 1:
        return _hash(b"\x00" + leaves[0])
    k = _k(n)
    return _hash(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return _path(m, leaves[:k]) + [mth(leaves[k:])]
    return _path(m - k, leaves[k:]) + [mth(leaves[:k])]


def inclusion_proof(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 6962 §2.1.1: the audit path of leaf `index` in the tree of all `leaves`."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"index {index} outside a tree of size {len(leaves)}")
    return _path(index, leaves)


def _subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = _k(n)
    if m <= k:
        return _subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def consistency_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 6962 §2.1.2; empty from 0 and from n to n."""
    if not 0 <= m <= len(leaves):
        raise ValueError(f"no consistency proof from {m} to {len(leaves)}")
    if m == 0:
        return []
    return _subproof(m, leaves, True)
