"""Check Gongnon's public record yourself, without trusting Gongnon.

Gongnon writes every action (an organisation registered, a comment submitted, a decision taken) as an
event in an append-only record, and publishes a signed summary of it: the *checkpoint*, which says
"the record has N events and their Merkle root hash is R", signed with the platform's key. This program
downloads everything, recomputes that summary from the events, and tells you whether it matches.
Run it again later with --state and it also proves that nothing recorded earlier was changed or removed.

    pip install cryptography          # the only dependency; this file runs alone
    python verify.py https://gongnon.example.org --key 'gongnon.example.org/log+1a2b3c4d+AW…='
    python verify.py https://gongnon.example.org --state gongnon.checkpoint    # e.g. daily, from cron

(Inside the Gongnon repository: `python -m consult.verify URL`.) It prints one line per check,
`ok   …` or `FAIL …: reason`, and exits 0 if every check passed, 1 if the record failed a check
(keep that output: it is evidence), 2 if it could not check (network, bad arguments).

- Pin the key: copy the key text from a source you trust (a printed report, a colleague's earlier run)
  and pass it with --key. Without a pinned key (or --state), a swapped key could sign anything.
- --state FILE keeps the last good checkpoint. Each run proves the new record extends the old one
  (an RFC 9162 consistency proof); a rewritten or shortened record fails, and FILE is left unchanged.

The protocol: each event is one leaf, its RFC 8785 canonical JSON; the tree is RFC 9162 §2.1; the
checkpoint is a C2SP signed note (c2sp.org/tlog-checkpoint) signed with Ed25519 (c2sp.org/signed-note).
Only the Python standard library and `cryptography` are used, so anyone can read and copy this file.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import http.client
import json
import os
import random
import re
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LEAF_PREFIX = b"\x00"  # RFC 6962 §2.1
NODE_PREFIX = b"\x01"  # RFC 6962 §2.1
EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 6962 §2.1: MTH({}) = SHA-256()
HASH_SIZE = 32  # SHA-256
MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 §3.2.2.3 / RFC 7493 §2.2: larger integers are not exact in JSON
ED25519_TYPE = b"\x01"  # c2sp.org/signed-note, signature type identifier for Ed25519
SIGNATURE_PREFIX = "\u2014 "  # c2sp.org/signed-note: em dash, space, key name, space, base64
PAGE = 1000  # most entries the server gives per request
MAX_RESPONSE = 64 << 20  # bytes; a bigger answer is refused rather than read into memory
EVENT_FIELDS = {"index", "time", "type", "actor_org", "actor_person", "subject", "payload"}  # the protocol
UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")
COMMITMENT = re.compile(r"[0-9a-f]{64}")
TREE_SIZE = re.compile(r"0|[1-9][0-9]*")  # c2sp.org/tlog-checkpoint: decimal, no leading zeroes


class VerificationError(Exception):
    """The record, a proof, a key or a checkpoint failed a check; the message says why."""


class NetworkError(Exception):
    """The server could not be asked (connection, timeout): nothing was verified either way."""


# --- canonical JSON (RFC 8785) ------------------------------------------------------------------

def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON (UTF-8) of a value made of str, int, bool, None, lists and dicts."""
    try:
        ordered = _jcs_ordered(value)
        return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except UnicodeEncodeError:
        raise VerificationError("text holds a lone surrogate, which is not Unicode") from None
    except RecursionError:
        raise VerificationError("JSON nested too deeply") from None


def _jcs_ordered(value: Any) -> Any:
    """A copy with every object's keys in UTF-16 code unit order (RFC 8785 §3.2.3); refuses floats."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise VerificationError(f"integer {value} is beyond 2^53-1, which JSON cannot carry exactly")
        return int(value)
    if isinstance(value, float):
        raise VerificationError(f"holds a float ({value!r}); events hold none")
    if isinstance(value, (list, tuple)):
        return [_jcs_ordered(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise VerificationError("an object key is not a string")
        return {key: _jcs_ordered(value[key]) for key in sorted(value, key=lambda k: k.encode("utf-16-be"))}
    raise VerificationError(f"holds a {type(value).__name__}, which is not JSON")


# --- the Merkle tree (RFC 9162 §2.1) -------------------------------------------------------------

def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 ‖ leaf), RFC 9162 §2.1.1."""
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right), RFC 9162 §2.1.1."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class RootBuilder:
    """The tree head of leaf hashes added in order, keeping only O(log n) subtree hashes."""

    def __init__(self) -> None:
        self.size = 0
        self._subtrees: list[bytes] = []  # complete subtrees, largest (leftmost) first

    def add(self, hash_: bytes) -> None:
        """Append the leaf hash of leaf number `size`."""
        self._subtrees.append(hash_)
        self.size += 1
        n = self.size
        while n & 1 == 0:  # each trailing zero of the new size joins two equal subtrees
            right = self._subtrees.pop()
            self._subtrees.append(node_hash(self._subtrees.pop(), right))
            n >>= 1

    def root(self) -> bytes:
        """MTH of the leaves so far: the subtrees folded right to left, as RFC 9162 §2.1.1 splits."""
        if not self._subtrees:
            return EMPTY_ROOT
        root = self._subtrees[-1]
        for left in reversed(self._subtrees[:-1]):
            root = node_hash(left, root)
        return root


def root_from_leaf_hashes(hashes: list[bytes]) -> bytes:
    """MTH of a whole list of leaf hashes."""
    builder = RootBuilder()
    for hash_ in hashes:
        builder.add(hash_)
    return builder.root()


def _path_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes PATH(index, D[start:end]) lists, bottom first (RFC 9162 §2.1.3.1)."""
    if end - start <= 1:
        return []
    k = 1 << ((end - start - 1).bit_length() - 1)  # the largest power of two below the range's size
    if index - start < k:
        return _path_ranges(index, start, start + k) + [(start + k, end)]
    return _path_ranges(index, start + k, end) + [(start, start + k)]


def locate_mismatch(leaf_hashes: bytes, size: int, served: Any) -> int | None:
    """Which entry differs from what the log committed to, when the recomputed root does not match.

    `leaf_hashes` holds the recomputed leaf hashes (32 bytes each); `served(index)` returns the leaf hash
    and inclusion proof the server gives for `index`. Each proof names the hashes of sibling ranges; the
    range whose recomputed hash differs holds the changed entry, so the search halves each time:
    O(log n) requests. None if the proofs do not single one out (the server's answers are inconsistent).
    """
    def recomputed(start: int, end: int) -> bytes:
        builder = RootBuilder()
        for i in range(start, end):
            builder.add(leaf_hashes[32 * i:32 * i + 32])
        return builder.root()

    low, high = 0, size
    while high - low >= 1:
        leaf, proof = served(low)
        if leaf != leaf_hashes[32 * low:32 * low + 32]:
            return low
        ranges = _path_ranges(low, 0, size)
        if len(ranges) != len(proof):
            return None
        for (start, end), element in zip(ranges, proof):
            if low <= start and end <= high and recomputed(start, end) != element:
                low, high = start, end
                break
        else:
            return None
    return None


def _check_hashes(proof: list[bytes], *others: bytes) -> None:
    if not all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in (*proof, *others)):
        raise VerificationError(f"a hash is not {HASH_SIZE} bytes")


def verify_inclusion(index: int, size: int, hash_: bytes, proof: list[bytes], root: bytes) -> None:
    """Raise unless `proof` shows leaf hash `hash_` at `index` in the tree of `size` with `root`.

    RFC 9162 §2.1.3.2, with the proof length checked first: no element may be missing or extra."""
    _check_hashes(proof, hash_, root)
    if not 0 <= index < size:
        raise VerificationError(f"index {index} is outside a tree of size {size}")
    inner = (index ^ (size - 1)).bit_length()
    expected = inner + bin(index >> inner).count("1")
    if len(proof) != expected:
        raise VerificationError(f"inclusion proof has {len(proof)} hashes, expected {expected}")
    fn, sn, r = index, size - 1, hash_
    for p in proof:
        if sn == 0:
            raise VerificationError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not (fn & 1 or fn == 0):
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("inclusion proof is too short")
    if r != root:
        raise VerificationError(f"inclusion proof for index {index} does not lead to the root")


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes,
                       proof: list[bytes]) -> None:
    """Raise unless `proof` shows the tree (second, second_hash) extends the tree (first, first_hash).

    RFC 9162 §2.1.4.2; from 0, or from a size to itself, the proof is empty."""
    _check_hashes(proof, first_hash, second_hash)
    if not 0 <= first <= second:
        raise VerificationError(f"no consistency from size {first} to size {second}")
    if first == 0 and first_hash != EMPTY_ROOT:
        raise VerificationError("the earlier root of an empty tree is not SHA-256 of nothing")
    if first == 0 or first == second:
        if proof:
            raise VerificationError(f"consistency proof from {first} to {second} must be empty")
        if first_hash != second_hash and first == second:
            raise VerificationError(f"two different roots for the same size {first}")
        return
    inner = ((first - 1) ^ (second - 1)).bit_length()
    border = bin((first - 1) >> inner).count("1")
    shift = (first & -first).bit_length() - 1  # trailing zeros: levels shared by both trees
    expected = (first != 1 << shift) + inner - shift + border  # never 0: RFC step 1 fails an empty proof
    if len(proof) != expected:
        raise VerificationError(f"consistency proof has {len(proof)} hashes, expected {expected}")
    path = [first_hash, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not (fn & 1 or fn == 0):
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("consistency proof is too short")
    if fr != first_hash:
        raise VerificationError(f"consistency proof does not lead to the earlier root (size {first})")
    if sr != second_hash:
        raise VerificationError(f"consistency proof does not lead to the new root (size {second})")


# --- keys and checkpoints (C2SP signed notes) ---------------------------------------------------

def _b64(text: Any, what: str, length: int | None = None) -> bytes:
    """Standard, padded, canonical base64 (RFC 4648 §4), optionally of an exact length."""
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or base64.b64encode(raw).decode() != text:
        raise VerificationError(f"{what} is not valid base64")
    if length is not None and len(raw) != length:
        raise VerificationError(f"{what} is {len(raw)} bytes, expected {length}")
    return raw


def _valid_name(name: str) -> bool:
    """c2sp.org/signed-note: key names are non-empty, without Unicode spaces or '+'."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], c2sp.org/signed-note (Ed25519)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


@dataclass(frozen=True)
class Key:
    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}"


def parse_key(text: str) -> Key:
    """A verifier key `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`, its key id checked."""
    text = text.strip()  # a trailing newline is allowed; a key text holds no other whitespace
    name, _, rest = text.partition("+")
    id_hex, _, key64 = rest.partition("+")  # base64 may itself contain '+': split twice only
    if not _valid_name(name) or not key64:
        raise VerificationError("key text is not <name>+<key id>+<public key>")
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise VerificationError("key id is not 8 lowercase hex digits")
    raw = _b64(key64, "public key", 1 + 32)
    if raw[:1] != ED25519_TYPE:
        raise VerificationError(f"key type {raw[0]:#04x} is not Ed25519 (0x01)")
    expected = key_id(name, raw[1:])
    if bytes.fromhex(id_hex) != expected:
        raise VerificationError(f"key id {id_hex} does not match name and public key ({expected.hex()})")
    return Key(name, expected, raw[1:])


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    body: bytes  # the signed note text, final newline included
    signatures: tuple[Signature, ...]


def parse_checkpoint(text: str) -> Checkpoint:
    """Split a checkpoint into its body fields and signature lines; checks form, not signatures."""
    if "\r" in text:
        raise VerificationError("checkpoint lines must end in LF only (found CR)")
    if any(c < " " and c != "\n" for c in text):
        raise VerificationError("checkpoint holds a control character")
    cut = text.rfind("\n\n")  # the last empty line separates the text from the signatures
    if cut < 0:
        raise VerificationError("checkpoint has no empty line before its signatures")
    body, block = text[:cut + 1], text[cut + 2:]
    if not block.endswith("\n"):
        raise VerificationError("checkpoint does not end with a signature line and newline")
    signatures = []
    for line in block[:-1].split("\n"):
        name, _, sig64 = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not _valid_name(name) or " " in sig64:
            raise VerificationError(f"checkpoint signature line is malformed: {line[:80]!r}")
        raw = _b64(sig64, f"signature by {name}")
        if len(raw) < 5:
            raise VerificationError(f"signature by {name} is too short")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    lines = body[:-1].split("\n")  # origin, size, root, then extension lines (ignored)
    if len(lines) < 3 or not all(lines):
        raise VerificationError("checkpoint body is not origin, size and root on non-empty lines")
    origin, size, root64 = lines[:3]
    if not _valid_name(origin):
        raise VerificationError(f"checkpoint origin {origin!r} holds a space or '+'")
    if not TREE_SIZE.fullmatch(size):
        raise VerificationError(f"checkpoint tree size {size!r} is not a decimal number")
    root = _b64(root64, "checkpoint root hash", HASH_SIZE)
    return Checkpoint(origin, int(size), root, body.encode(), tuple(signatures))


def verify_checkpoint(text: str, key: Key) -> Checkpoint:
    """The checkpoint, if it carries a valid signature by `key` and its origin is the key's name."""
    checkpoint = parse_checkpoint(text)
    ours = [s for s in checkpoint.signatures if (s.name, s.key_id) == (key.name, key.key_id)]
    if not ours:  # signatures by other keys are ignored (c2sp.org/signed-note)
        raise VerificationError(f"checkpoint carries no signature by key {key}")
    if len(ours) > 1:
        raise VerificationError(f"checkpoint carries more than one signature by key {key}")
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(ours[0].signature, checkpoint.body)
    except InvalidSignature:
        raise VerificationError(f"signature by key {key} does not verify") from None
    if checkpoint.origin != key.name:
        raise VerificationError(f"checkpoint origin {checkpoint.origin} is not the key name {key.name}")
    return checkpoint


# --- entries ------------------------------------------------------------------------------------

EVENT_SHAPE: dict[str, tuple[Any, str]] = {  # field: (test, what the protocol says it is)
    "time": (lambda t: isinstance(t, str) and UTC_TIME.fullmatch(t) and _is_date(t[:19]), "an RFC 3339 UTC time"),
    "type": (lambda t: isinstance(t, str) and t != "", "a non-empty string"),
    "actor_org": (lambda o: o is None or type(o) is int, "an integer or null"),
    "actor_person": (lambda p: p is None or isinstance(p, str) and COMMITMENT.fullmatch(p),
                     "a 64-hex commitment or null"),
    "subject": (lambda s: isinstance(s, dict) and set(s) == {"type", "id"} and isinstance(s["type"], str)
                and (s["id"] is None or type(s["id"]) in (int, str)), "{type: string, id: integer, string or null}"),
    "payload": (lambda p: isinstance(p, dict), "an object"),
}


def check_event_shape(event: dict[str, Any], index: int) -> None:
    """Raise unless the event has exactly the protocol's fields, each of its type."""
    if set(event) != EVENT_FIELDS:
        raise VerificationError(f"event fields are {sorted(event)}, expected {sorted(EVENT_FIELDS)}")
    if type(event["index"]) is not int or event["index"] != index:
        raise VerificationError(f"event says index {event['index']!r}")
    for field, (test, description) in EVENT_SHAPE.items():
        if not test(event[field]):
            raise VerificationError(f"event {field} {event[field]!r:.80} is not {description}")


def _is_date(text: str) -> bool:
    try:
        return bool(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return False


def check_entry(position: int, entry: Any) -> bytes:
    """The leaf bytes of entry number `position`, if the entry is exactly the canonical form of its event."""
    try:
        if not isinstance(entry, dict) or type(entry.get("index")) is not int:
            raise VerificationError("entry is not {index, leaf, event}")
        if entry["index"] != position:
            raise VerificationError(f"entry says index {entry['index']}")
        leaf = _b64(entry.get("leaf"), "leaf")
        event = entry.get("event")
        if not isinstance(event, dict):
            raise VerificationError("event is not a JSON object")
        if leaf != canonical_json(event) or json.loads(leaf) != event:
            raise VerificationError("leaf is not the canonical form of its event")
        check_event_shape(event, position)
    except VerificationError as e:
        raise VerificationError(f"entry {position}: {e}") from None
    return leaf


def choose_samples(size: int, count: int, rng: random.Random | None = None) -> list[int]:
    """`count` random indexes between the first and the last, plus the first and the last."""
    if size == 0:
        return []
    inner = range(1, size - 1)
    picked = (rng or random.SystemRandom()).sample(inner, min(count, len(inner)))
    return sorted({0, size - 1, *picked})


# --- HTTP ---------------------------------------------------------------------------------------

class Client:
    """GETs from the log's base URL: a non-200 answer is a VerificationError, no answer a NetworkError."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def get(self, path: str) -> bytes:
        url = self.base_url + path
        request = urllib.request.Request(url, headers={"User-Agent": "gongnon-verify/1"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body, status = response.read(MAX_RESPONSE + 1), response.status
        except urllib.error.HTTPError as e:
            message = e.read(4096).decode("utf-8", "replace")
            try:  # errors are JSON {"error": "…"}; show the raw body when they are not
                message = json.loads(message)["error"]
            except (ValueError, TypeError, KeyError):
                pass
            raise VerificationError(f"GET {path} answered {e.code}: {str(message)[:200]}") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
            raise NetworkError(f"cannot reach {url}: {getattr(e, 'reason', e)}") from None
        if status != 200 or len(body) > MAX_RESPONSE:
            raise VerificationError(f"GET {path} answered {status} with {len(body)} bytes")
        return body

    def text(self, path: str) -> str:
        try:
            return self.get(path).decode("utf-8")
        except UnicodeDecodeError:
            raise VerificationError(f"GET {path} answered text that is not UTF-8") from None

    def json(self, path: str) -> dict[str, Any]:
        try:
            doc = json.loads(self.get(path))
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            raise VerificationError(f"GET {path} answered something that is not a JSON object")
        return doc


def _hashes(doc: dict[str, Any], what: str) -> list[bytes]:
    proof = doc.get("proof")
    if not isinstance(proof, list):
        raise VerificationError(f"{what} has no proof list")
    return [_b64(h, f"{what} element {i}", HASH_SIZE) for i, h in enumerate(proof)]


def _echo(doc: dict[str, Any], **asked: int) -> None:
    for field, value in asked.items():
        if doc.get(field) != value or type(doc.get(field)) is not int:
            raise VerificationError(f"asked for {field}={value}, answer says {doc.get(field)!r}")


# --- the command --------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Verify Gongnon's transparency log against its signed checkpoint.")
    p.add_argument("url", help="the site's base URL, e.g. https://gongnon.example.org")
    p.add_argument("--state", metavar="FILE", help="keep the last verified checkpoint here; prove the log only grew")
    p.add_argument("--samples", metavar="N", type=int, default=16, help="random inclusion proofs to check (16)")
    p.add_argument("--key", metavar="KEYTEXT_OR_FILE", help="the log key you trust (text or a file holding it)")
    p.add_argument("--timeout", metavar="S", type=float, default=30.0, help="seconds per request (30)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run every check, print one line per check; 0 all passed, 1 a check failed, 2 could not check."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not re.match(r"https?://[^/]", args.url):
        parser.error("URL must start with http:// or https://")
    if args.samples < 0 or args.timeout <= 0:
        parser.error("--samples must be 0 or more and --timeout more than 0")
    step = "key"
    try:
        pinned = None
        if args.key is not None:
            try:
                pinned = parse_key(_read(args.key) if os.path.isfile(args.key) else args.key)
            except (VerificationError, OSError, UnicodeDecodeError) as e:
                print(f"FAIL key: the pinned key (--key) is unusable: {e}")
                return 2
        client = Client(args.url, args.timeout)
        key = parse_key(client.text("/log/key"))
        if pinned is not None and key != pinned:
            raise VerificationError(f"served key {key} is not the pinned key {pinned}")
        pin = "equals the pinned key" if pinned else "not pinned: pass --key to notice a swapped key"
        print(f"ok   key: {key} (key id matches name and public key; {pin})")

        step = "checkpoint"
        text = client.text("/log/checkpoint")
        checkpoint = verify_checkpoint(text, key)
        size = checkpoint.size
        print(f"ok   checkpoint: signed by {key}; size {size}, root {checkpoint.root.hex()}")

        step = "entries"
        samples = choose_samples(size, args.samples)
        sampled, builder = dict.fromkeys(samples, b""), RootBuilder()
        all_hashes = bytearray()  # 32 bytes an entry, kept to name a changed entry if the root differs
        while builder.size < size:
            start, end = builder.size, min(builder.size + PAGE, size)
            entries = client.json(f"/log/entries?start={start}&end={end}").get("entries")
            if not isinstance(entries, list) or not entries or len(entries) > end - start:
                raise VerificationError(f"entry {start}: asked for entries {start} to {end - 1}, "
                                        f"the answer is not a list of 1 to {end - start} entries")
            for entry in entries:
                hash_ = leaf_hash(check_entry(builder.size, entry))
                if builder.size in sampled:
                    sampled[builder.size] = hash_
                all_hashes += hash_
                builder.add(hash_)
        print(f"ok   entries: {size} entries, each leaf the canonical JSON of its event")

        step = "root"
        root = builder.root()
        if root != checkpoint.root:
            def served(index: int) -> tuple[bytes, list[bytes]]:
                doc = client.json(f"/log/proof/inclusion?index={index}&size={size}")
                return (_b64(doc.get("leaf_hash"), f"leaf hash of entry {index}", HASH_SIZE),
                        _hashes(doc, f"inclusion proof {index}"))
            changed = locate_mismatch(bytes(all_hashes), size, served)
            where = f"entry {changed}: its leaf is not the one the log committed to; " if changed is not None else ""
            raise VerificationError(f"{where}recomputed root {root.hex()} is not the checkpoint's "
                                    f"{checkpoint.root.hex()}")
        print(f"ok   root: recomputed from {size} leaves, equals the checkpoint's root")

        step = "inclusion"
        for index, hash_ in sampled.items():
            doc = client.json(f"/log/proof/inclusion?index={index}&size={size}")
            _echo(doc, index=index, size=size)
            if _b64(doc.get("leaf_hash"), f"leaf hash of entry {index}", HASH_SIZE) != hash_:
                raise VerificationError(f"index {index}: served leaf hash is not the recomputed one")
            verify_inclusion(index, size, hash_, _hashes(doc, f"inclusion proof {index}"), root)
        shown = ", ".join(map(str, samples)) if samples else "none: the log is empty"
        print(f"ok   inclusion: {len(samples)} proofs verify (indexes {shown})")

        if args.state:
            step = "consistency"
            _check_consistency(client, args.state, key, checkpoint)
            step = "state"
            _save(args.state, text)
            print(f"ok   state: saved the checkpoint of size {size} to {args.state}")
    except VerificationError as e:
        print(f"FAIL {step}: {e}")
        return 1
    except (NetworkError, OSError) as e:
        print(f"FAIL {step}: {e}")
        return 2
    return 0


def _check_consistency(client: Client, path: str, key: Key, new: Checkpoint) -> None:
    """Prove the new checkpoint extends the one saved in `path` (if any), and print the line."""
    if not os.path.exists(path):
        print(f"ok   consistency: no earlier checkpoint in {path}; this one becomes the reference")
        return
    try:
        old = verify_checkpoint(_read(path), key)
    except (VerificationError, UnicodeDecodeError) as e:
        raise VerificationError(f"the earlier checkpoint in {path} does not verify: {e}") from None
    if new.size < old.size:
        raise VerificationError(f"the log shrank from size {old.size} to {new.size}")
    doc = client.json(f"/log/proof/consistency?from={old.size}&to={new.size}")
    _echo(doc, **{"from": old.size, "to": new.size})
    verify_consistency(old.size, new.size, old.root, new.root, _hashes(doc, "consistency proof"))
    print(f"ok   consistency: the log at size {new.size} extends the earlier checkpoint of size {old.size}")


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _save(path: str, text: str) -> None:
    """Write atomically: a reader (or a crash) sees the old file or the new one, never half of one."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".checkpoint-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


if __name__ == "__main__":
    sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # a log's odd name never crashes us
    sys.exit(main())
