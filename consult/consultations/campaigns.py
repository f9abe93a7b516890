"""Form-letter detection: identical comments after normalisation, and near-identical ones by MinHash.

Exact: the SHA-256 of the normalised text (NFKC, case-folded, only letters and digits kept), so
spacing, punctuation and case do not make two copies of a letter different.

Near: the Jaccard similarity of the texts' character 5-gram shingles, estimated with a 64-value MinHash
signature and found through locality-sensitive hashing — 16 bands of 4 values each are stored per comment
(`CommentBand`); comments sharing any band are candidates, and a candidate joins the group only if the
real Jaccard similarity of the two texts is at least THRESHOLD. Character shingles work the same for
Korean (no spaces needed) and English. A submission costs one indexed lookup, whatever the number of comments.
"""
from __future__ import annotations

import hashlib
import struct
import unicodedata

SHINGLE = 5
HASHES = 64
BANDS = 16
ROWS = HASHES // BANDS
THRESHOLD = 0.7
_MASK = (1 << 64) - 1
# fixed odd multipliers and offsets: the signature of a text never changes between runs or machines
_SEEDS = [(int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:8], "big") | 1,
           int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big")) for i in range(HASHES)]


def normalize(text: str) -> str:
    """The text as compared: NFKC, case-folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in ("L", "N"))


def text_digest(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """Character 5-grams of the normalised text, each as a 64-bit number."""
    norm = normalize(text)
    grams = {norm[i:i + SHINGLE] for i in range(max(1, len(norm) - SHINGLE + 1))} if norm else set()
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(grams: set[int]) -> list[int]:
    if not grams:
        return [0] * HASHES
    return [min(((m * g + c) & _MASK) for g in grams) for m, c in _SEEDS]


def bands(text: str) -> list[str]:
    """The BANDS locality-sensitive digests of a text (16 hex characters each)."""
    sig = signature(shingles(text))
    out = []
    for b in range(BANDS):
        chunk = struct.pack(f">{ROWS}Q", *sig[b * ROWS:(b + 1) * ROWS])
        out.append(hashlib.blake2b(chunk, digest_size=8).hexdigest())
    return out


def similar(a: str, b: str) -> bool:
    """Near-identical: the same after normalisation, or Jaccard of shingles at least THRESHOLD."""
    if normalize(a) == normalize(b):
        return True
    return jaccard(shingles(a), shingles(b)) >= THRESHOLD
