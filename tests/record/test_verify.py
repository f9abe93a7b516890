"""The standalone verifier: RFC 6962 vectors, every proof up to 64 leaves against a naive reference
and its mutated twins, canonical JSON against the rfc8785 package, signed notes, and the command run
end to end against a small fake log server. No database, no Flask app."""
from __future__ import annotations

import ast
import base64
import hashlib
import json
import random
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from consult import verify as v
from consult.verify import VerificationError

from . import naive_log

ROOT = Path(__file__).resolve().parents[2]
VERIFY_PY = ROOT / "consult" / "verify.py"
ORIGIN = "gongnon.test/log"
TYPE_ED25519 = b"\x01"


# --- canonical JSON ----------------------------------------------------------------------------

TRICKY = [
    {"\u20ac": "Euro", "\r": "CR", "\ufb33": "Hebrew", "1": "One", "\U0001f600": "emoji", "\u0080": "ctl",
     "\u00f6": "o-umlaut"},  # the RFC 8785 §3.2.3 sorting example: UTF-16 puts the emoji before U+FB33
    {"\uffff": 1, "\U00010000": 2, "\ue000": 3, "\U0010ffff": 4, "\ud7ff": 5},
    "".join(map(chr, range(0x20))) + "\"\\/\x7f\u2028\u2029",
    {"b": [[], [[]], [1, [2, [3, {"z": [], "a": {}}]]]], "a": {"": None, "y": True, "x": False}},
    [2**53 - 1, -(2**53 - 1), 0, -1, 1, True, False, None],
    {"한국어": "공론 — 의견수렴", "ascii": "plain", "mixed": "a\u00e9\u4e2d\U0001f4a9"},
    [], {}, "", 0, None,
]


@pytest.mark.parametrize("value", TRICKY)
def test_canonical_json_matches_rfc8785(value):
    assert v.canonical_json(value) == rfc8785.dumps(value)


def test_canonical_json_sorts_by_utf16_and_escapes_like_ecmascript():
    keys = list(json.loads(v.canonical_json(TRICKY[0])))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert v.canonical_json("\b\f\n\r\t\x00\x1f\"\\/\x7f\u00e9") == '"\\b\\f\\n\\r\\t\\u0000\\u001f\\"\\\\/\x7f\u00e9"'.encode()


def test_canonical_json_matches_rfc8785_on_random_values():
    rng = random.Random(8785)
    alphabet = [*map(chr, range(0x30)), "a", "Z", "\u00e9", "\u0800", "\ud7ff", "\ue000", "\ufb33", "\uffff",
                "\U00010000", "\U0001f600", "\U0010ffff", "공", "論"]

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))

    def value(depth: int) -> Any:
        kind = rng.randrange(7 if depth < 4 else 4)
        if kind == 0:
            return text()
        if kind == 1:
            return rng.choice([0, -1, 2**53 - 1, -(2**53 - 1), rng.randrange(-10**12, 10**12)])
        if kind == 2:
            return rng.choice([True, False, None])
        if kind == 3:
            return rng.choice([[], {}])
        if kind in (4, 5):
            return {text(): value(depth + 1) for _ in range(rng.randrange(5))}
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    for _ in range(400):
        sample = value(0)
        assert v.canonical_json(sample) == rfc8785.dumps(sample), sample


@pytest.mark.parametrize("value", [1.5, {"a": [0.0]}, 2**53, -(2**53), "\ud800", {"\udc00": 1}, {1: "a"}, b"x"])
def test_canonical_json_refuses_what_events_never_hold(value):
    with pytest.raises(VerificationError):
        v.canonical_json(value)


# --- the tree: RFC 6962 vectors and the naive reference ---------------------------------------

VECTOR_LEAVES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                            "606162636465666768696a6b6c6d6e6f"]]
VECTOR_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


@pytest.mark.parametrize("size", sorted(VECTOR_ROOTS))
def test_rfc6962_vectors(size):
    leaves = VECTOR_LEAVES[:size]
    assert v.root_from_leaf_hashes([v.leaf_hash(leaf) for leaf in leaves]).hex() == VECTOR_ROOTS[size]
    assert naive_log.mth(leaves).hex() == VECTOR_ROOTS[size]


LEAVES = [b""] + [f"leaf {i}".encode() * (1 + i % 3) for i in range(1, 65)]  # all different
HASHES = [v.leaf_hash(leaf) for leaf in LEAVES]
ROOTS = [naive_log.mth(LEAVES[:n]) for n in range(66)]


def _flip(proof: list[bytes], at: int) -> list[bytes]:
    flipped = bytearray(proof[at])
    flipped[at % 32] ^= 1 << (at % 8)
    return [*proof[:at], bytes(flipped), *proof[at + 1:]]


def test_streaming_root_equals_naive_root_at_every_size():
    builder = v.RootBuilder()
    assert builder.root() == ROOTS[0]
    for n, hash_ in enumerate(HASHES, start=1):
        builder.add(hash_)
        assert builder.root() == ROOTS[n] and builder.size == n


def _refused(verify, *args) -> bool:
    try:
        verify(*args)
    except VerificationError:
        return True
    return False


@pytest.mark.parametrize("size", range(1, 65))
def test_every_inclusion_proof_verifies_and_its_mutations_fail(size):
    leaves, root = LEAVES[:size], ROOTS[size]
    for index in range(size):
        proof, hash_ = naive_log.inclusion_proof(index, leaves), HASHES[index]
        v.verify_inclusion(index, size, hash_, proof, root)
        mutants = [(index, size, hash_, proof + [root], root), (index, size, HASHES[64], proof, root),
                   (index, size + 1, hash_, proof, ROOTS[size + 1]), (index, size, hash_, proof, ROOTS[size - 1]),
                   (size, size, hash_, proof, root), (-1, size, hash_, proof, root)]
        mutants += [(index, size, hash_, _flip(proof, at), root) for at in range(len(proof))]
        if proof:
            mutants += [(index, size, hash_, proof[:-1], root), (index, size, hash_, proof[1:], root)]
        if size > 1:
            other = (index + 1) % size
            mutants += [(other, size, hash_, proof, root), (index, size, HASHES[other], proof, root)]
        if index < size - 1:
            mutants.append((index, size - 1, hash_, proof, ROOTS[size - 1]))
        for mutant in mutants:
            assert _refused(v.verify_inclusion, *mutant), mutant


@pytest.mark.parametrize("n", range(0, 65))
def test_every_consistency_proof_verifies_and_its_mutations_fail(n):
    for m in range(n + 1):
        proof = naive_log.consistency_proof(m, LEAVES[:n])
        v.verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)
        mutants = [(m, n, ROOTS[m], ROOTS[n], proof + [ROOTS[n]]), (n + 1, n, ROOTS[n + 1], ROOTS[n], proof)]
        if m > 0:  # the empty tree is consistent with every tree: from 0 there is nothing to break
            mutants.append((m, n + 1, ROOTS[m], ROOTS[n + 1], proof))
        mutants += [(m, n, ROOTS[m], ROOTS[n], _flip(proof, at)) for at in range(len(proof))]
        if proof:
            mutants += [(m, n, ROOTS[m], ROOTS[n], proof[:-1]), (m, n, ROOTS[m], ROOTS[n], proof[1:])]
        if m != n:
            mutants += [(m, n, ROOTS[n], ROOTS[m], proof), (m, n, ROOTS[n], ROOTS[n], proof)]
        if 0 < m < n:
            mutants.append((m, n, ROOTS[m], ROOTS[m], proof))
        if 0 < m < n - 1:
            mutants.append((m + 1, n, ROOTS[m + 1], ROOTS[n], proof))
        if m > 1:
            mutants.append((m - 1, n, ROOTS[m - 1], ROOTS[n], proof))
        if m == n:
            mutants.append((m, n, ROOTS[m], ROOTS[m + 1], proof))
        if m == 0:
            mutants.append((0, n, ROOTS[1], ROOTS[n], proof))
        for mutant in mutants:
            assert _refused(v.verify_consistency, *mutant), (m, n, mutant)


def test_proof_errors_say_what_is_wrong():
    proof = naive_log.inclusion_proof(5, LEAVES[:37])
    with pytest.raises(VerificationError, match="has 5 hashes, expected 6"):
        v.verify_inclusion(5, 37, HASHES[5], proof[:-1], ROOTS[37])
    with pytest.raises(VerificationError, match="does not lead to the root"):
        v.verify_inclusion(5, 37, HASHES[5], _flip(proof, 0), ROOTS[37])
    with pytest.raises(VerificationError, match="must be empty"):
        v.verify_consistency(0, 5, ROOTS[0], ROOTS[5], [ROOTS[5]])
    with pytest.raises(VerificationError, match="different roots for the same size"):
        v.verify_consistency(5, 5, ROOTS[5], ROOTS[6], [])
    with pytest.raises(VerificationError, match="earlier root"):
        v.verify_consistency(20, 37, ROOTS[19], ROOTS[37], naive_log.consistency_proof(20, LEAVES[:37]))
    with pytest.raises(VerificationError, match="32 bytes"):
        v.verify_inclusion(0, 2, HASHES[0], [b"short"], ROOTS[2])


# --- signed notes ------------------------------------------------------------------------------

def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def new_key(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"seed %d" % seed).digest())


def public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes_raw()


def key_id(name: str, private: Ed25519PrivateKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n\x01" + public(private)).digest()[:4]


def key_text(private: Ed25519PrivateKey, name: str = ORIGIN) -> str:
    return f"{name}+{key_id(name, private).hex()}+{b64(TYPE_ED25519 + public(private))}\n"


def signature_line(private: Ed25519PrivateKey, body: str, name: str = ORIGIN) -> str:
    return f"\u2014 {name} {b64(key_id(name, private) + private.sign(body.encode()))}\n"


def sign_checkpoint(private: Ed25519PrivateKey, size: int, root: bytes, *, origin: str = ORIGIN,
                    name: str = ORIGIN, extensions: tuple[str, ...] = ()) -> str:
    body = "".join(f"{line}\n" for line in (origin, str(size), b64(root), *extensions))
    return body + "\n" + signature_line(private, body, name)


KEY = new_key(1)
GOOD = sign_checkpoint(KEY, 37, ROOTS[37])


def test_valid_checkpoint_verifies():
    checkpoint = v.verify_checkpoint(GOOD, v.parse_key(key_text(KEY)))
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (ORIGIN, 37, ROOTS[37])


def test_extension_lines_and_other_signatures_are_accepted_and_ignored():
    text = sign_checkpoint(KEY, 37, ROOTS[37], extensions=("timestamp 1700000000",))
    other, witness = new_key(2), new_key(3)
    body = text.split("\n\n")[0] + "\n"
    text = text.replace("\n\n", "\n\n" + signature_line(other, body) + signature_line(witness, body, "witness.example/w"))
    text += "\u2014 witness.example/w " + b64(b"\0\0\0\1" + b"pq" * 900) + "\n"
    assert v.verify_checkpoint(text, v.parse_key(key_text(KEY))).size == 37


def test_key_text_parses_even_when_its_base64_holds_a_plus():
    private = next(k for k in map(new_key, range(100)) if "+" in b64(b"\x01" + public(k)))
    key = v.parse_key(key_text(private))
    assert (key.name, key.public_key) == (ORIGIN, public(private))
    assert v.parse_key(key_text(private).rstrip("\n")) == key


@pytest.mark.parametrize(("text", "reason"), [
    (key_text(KEY).replace(ORIGIN + "+", ORIGIN + "+0", 1)[:-1], "8 lowercase hex"),
    (f"{ORIGIN}+{'%08x' % (int.from_bytes(key_id(ORIGIN, KEY), 'big') ^ 1)}+{b64(TYPE_ED25519 + public(KEY))}",
     "does not match name and public key"),
    (f"{ORIGIN}+{key_id(ORIGIN, KEY).hex().upper()}+{b64(TYPE_ED25519 + public(KEY))}", "8 lowercase hex"),
    (f"{ORIGIN}+{key_id(ORIGIN, KEY).hex()}+{b64(bytes([2]) + public(KEY))}", "not Ed25519"),
    (f"{ORIGIN}+{key_id(ORIGIN, KEY).hex()}+{b64(public(KEY))}", "33"),
    ("gongnon test/log+00000000+" + b64(b"\x01" + public(KEY)), "not <name>"),
    (ORIGIN, "not <name>"),
])
def test_bad_key_texts_fail(text, reason):
    with pytest.raises(VerificationError, match=reason):
        v.parse_key(text)


def _flip_signature(text: str, at: int) -> str:
    """Flip one bit of the signature line's bytes: 0–3 are the key id, 4–67 the Ed25519 signature."""
    body, line = text.split("\n\n")
    prefix, sig64 = line.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig64))
    raw[at] ^= 1
    return f"{body}\n\n{prefix} {b64(bytes(raw))}\n"


def _resign(text: str, private: Ed25519PrivateKey = KEY) -> str:
    body = text.split("\n\n")[0] + "\n"
    return body + "\n" + signature_line(private, body)


@pytest.mark.parametrize(("text", "key", "reason"), [
    (GOOD, key_text(new_key(2)), "no signature by key"),  # an unknown key only
    (GOOD, key_text(KEY, "other.test/log"), "no signature by key"),  # wrong name
    (sign_checkpoint(KEY, 37, ROOTS[37], name="other.test/log"), key_text(KEY), "no signature by key"),
    (_flip_signature(GOOD, 0), key_text(KEY), "no signature by key"),  # wrong key id
    (_flip_signature(GOOD, 10), key_text(KEY), "does not verify"),
    (GOOD.replace("\n37\n", "\n38\n"), key_text(KEY), "does not verify"),
    (GOOD.replace(b64(ROOTS[37]), b64(ROOTS[36])), key_text(KEY), "does not verify"),
    (GOOD.replace("\n", "\r\n"), key_text(KEY), "LF only"),
    (GOOD.replace("\n\n", "\n"), key_text(KEY), "no empty line"),
    (GOOD.rstrip("\n"), key_text(KEY), "does not end with"),
    (GOOD + GOOD.split("\n\n")[1], key_text(KEY), "more than one signature"),
    (GOOD.replace("\u2014 ", "- "), key_text(KEY), "signature line is malformed"),
    (_resign(GOOD.replace("\n37\n", "\n037\n")), key_text(KEY), "not a decimal"),
    (_resign(GOOD.replace(b64(ROOTS[37]), b64(ROOTS[37][:31]))), key_text(KEY), "31 bytes"),
    (_resign(GOOD.replace(ORIGIN, "gongnon test/log", 1)), key_text(KEY), "holds a space or '\\+'"),
    (_resign(GOOD.replace(ORIGIN, "gongnon.test+log", 1)), key_text(KEY), "holds a space or '\\+'"),
    (_resign(GOOD.replace(ORIGIN, "gongnon.test/other", 1)), key_text(KEY), "is not the key name"),
    (_resign(GOOD.replace("\n37\n", "\n37\n\n")), key_text(KEY), "non-empty lines"),
])
def test_bad_checkpoints_fail_with_a_reason(text, key, reason):
    with pytest.raises(VerificationError, match=reason):
        v.verify_checkpoint(text, v.parse_key(key))


# --- the command against a fake log ------------------------------------------------------------

def make_events(count: int) -> list[dict[str, Any]]:
    kinds = ["organization.registered", "organization.verified", "member.invited", "comment.submitted"]
    return [{
        "index": i, "time": f"2025-03-01T09:{i // 60:02d}:{i % 60:02d}Z", "type": kinds[i % 4],
        "actor_org": i % 5 or None,
        "actor_person": hashlib.sha256(b"person %d" % i).hexdigest() if i % 3 else None,
        "subject": {"type": "organization", "id": i if i % 7 else f"slug-{i}"},
        "payload": {"name_ko": "시민AI감시단 눈", "note": "line\nbreak\t\u0001 \U0001f600", "\ufb33": i,
                    "\U0001f600": [i, [True, None]], "big": 2**53 - 1},
    } for i in range(count)]


class FakeLog:
    """A log server in memory: the protocol's five endpoints, proofs from naive_log."""

    def __init__(self, count: int = 37) -> None:
        self.private, self.events, self.size = KEY, make_events(count), count
        self.page = 7  # fewer than asked: the verifier must continue where the server stopped
        self.leaf_override: dict[int, bytes] = {}
        self.event_override: dict[int, dict[str, Any]] = {}
        self.checkpoint_root: bytes | None = None
        self.bad_inclusion = False

    def leaves(self) -> list[bytes]:
        return [rfc8785.dumps(event) for event in self.events[:self.size]]

    def checkpoint(self) -> str:
        return sign_checkpoint(self.private, self.size, self.checkpoint_root or naive_log.mth(self.leaves()))

    def answer(self, path: str, q: dict[str, int]) -> tuple[int, str, Any]:
        leaves = self.leaves()
        if path == "/log/key":
            return 200, "text/plain", key_text(self.private)
        if path == "/log/checkpoint":
            return 200, "text/plain", self.checkpoint()
        if path == "/log/entries":
            end = min(q["end"], self.size, q["start"] + self.page)
            return 200, "json", {"entries": [{
                "index": i, "leaf": b64(self.leaf_override.get(i, leaves[i])),
                "event": self.event_override.get(i, self.events[i])} for i in range(q["start"], end)]}
        if path == "/log/proof/inclusion":
            if self.bad_inclusion:
                return 400, "json", {"error": "no proof today"}
            index, size = q["index"], q["size"]
            proof = naive_log.inclusion_proof(index, leaves[:size])
            return 200, "json", {"index": index, "size": size, "leaf_hash": b64(v.leaf_hash(leaves[index])),
                                 "proof": [b64(h) for h in proof]}
        if path == "/log/proof/consistency":
            if q["from"] > q["to"] or q["to"] > self.size:
                return 400, "json", {"error": "from must be at most to"}
            proof = naive_log.consistency_proof(q["from"], leaves[:q["to"]])
            return 200, "json", {"from": q["from"], "to": q["to"], "proof": [b64(h) for h in proof]}
        return 404, "json", {"error": "not found"}


@pytest.fixture
def log() -> Iterator[FakeLog]:
    fake = FakeLog()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlparse(self.path)
            status, kind, body = fake.answer(url.path, {k: int(x[0]) for k, x in parse_qs(url.query).items()})
            data = (json.dumps(body) if kind == "json" else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if kind == "json" else "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}/"
    yield fake
    server.shutdown()
    server.server_close()


def run(capsys, *args: str) -> tuple[int, list[str]]:
    code = v.main(list(args))
    return code, capsys.readouterr().out.splitlines()


def test_a_sound_log_passes_every_check(log, capsys):
    code, lines = run(capsys, log.url, "--samples", "5")
    assert code == 0
    assert [line.split(":")[0] for line in lines] == ["ok   key", "ok   checkpoint", "ok   entries", "ok   root",
                                                      "ok   inclusion"]
    assert lines[1].endswith(f"size 37, root {naive_log.mth(log.leaves()).hex()}")
    assert lines[2] == "ok   entries: 37 entries, each leaf the canonical JSON of its event"
    assert lines[4].startswith("ok   inclusion: 7 proofs verify (indexes 0, ") and lines[4].endswith(", 36)")


def test_the_module_runs_as_a_command_and_as_a_copied_out_file(log, tmp_path):
    by_module = subprocess.run([sys.executable, "-m", "consult.verify", log.url], cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
    assert by_module.returncode == 0, by_module.stdout + by_module.stderr
    assert by_module.stdout.count("\nok   ") == 4 and "ok   inclusion: 18 proofs" in by_module.stdout
    shutil.copy(VERIFY_PY, tmp_path / "verify.py")
    alone = subprocess.run([sys.executable, "-I", str(tmp_path / "verify.py"), log.url, "--samples", "0"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "ok   inclusion: 2 proofs verify (indexes 0, 36)" in alone.stdout


def test_the_verifier_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(VERIFY_PY.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert all(n.split(".")[0] in sys.stdlib_module_names or n.split(".")[0] == "cryptography" for n in names), names
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]


def test_a_changed_leaf_byte_names_the_entry(log, capsys):
    leaf = bytearray(log.leaves()[17])
    leaf[leaf.index(b'"time":"') + 8] ^= 1  # 2025 → 3025: still JSON, no longer the event
    log.leaf_override[17] = bytes(leaf)
    code, lines = run(capsys, log.url)
    assert code == 1
    assert lines[-1] == "FAIL entries: entry 17: leaf is not the canonical form of its event"
    assert len(lines) == 3  # key and checkpoint passed; nothing after the failure


def test_a_changed_event_names_the_entry(log, capsys):
    log.event_override[17] = {**log.events[17], "actor_org": 99}
    code, lines = run(capsys, log.url)
    assert (code, lines[-1]) == (1, "FAIL entries: entry 17: leaf is not the canonical form of its event")


@pytest.mark.parametrize(("change", "reason"), [
    ({"payload": {"score": 0.5}}, "entry 4: holds a float (0.5); events hold none"),
    ({"actor_person": "Kim Minji"}, "entry 4: event actor_person 'Kim Minji' is not a 64-hex commitment or null"),
    ({"time": "2025-03-01 09:00:04"}, "entry 4: event time '2025-03-01 09:00:04' is not an RFC 3339 UTC time"),
    ({"index": 5}, "entry 4: event says index 5"),
    ({"extra": 1}, "entry 4: event fields are"),
])
def test_events_outside_the_protocol_fail(log, capsys, change, reason):
    log.events[4] = {**log.events[4], **change}
    code, lines = run(capsys, log.url)
    assert code == 1 and lines[-1].startswith(f"FAIL entries: {reason}"), lines


def test_a_wrong_root_in_a_validly_signed_checkpoint_fails_at_the_root(log, capsys):
    log.checkpoint_root = ROOTS[37]
    code, lines = run(capsys, log.url)
    assert code == 1
    assert lines[2].startswith("ok   entries")
    assert lines[-1] == (f"FAIL root: recomputed root {naive_log.mth(log.leaves()).hex()} "
                         f"is not the checkpoint's {ROOTS[37].hex()}")


def test_a_refused_proof_fails_with_the_servers_message(log, capsys):
    log.bad_inclusion = True
    code, lines = run(capsys, log.url)
    assert (code, lines[-1]) == (1, "FAIL inclusion: GET /log/proof/inclusion?index=0&size=37 answered 400: "
                                    "no proof today")


def test_an_empty_log_passes(log, capsys):
    log.size = 0
    code, lines = run(capsys, log.url)
    assert code == 0 and lines[-1] == "ok   inclusion: 0 proofs verify (indexes none: the log is empty)"


def test_a_pinned_key_is_enforced(log, capsys, tmp_path):
    pin = tmp_path / "gongnon.key"
    pin.write_text(key_text(KEY))
    assert run(capsys, log.url, "--key", str(pin))[0] == 0
    log.private = new_key(2)  # the platform swaps its key and re-signs a consistent checkpoint
    assert run(capsys, log.url)[0] == 0
    code, lines = run(capsys, log.url, "--key", key_text(KEY).strip())
    assert code == 1 and lines == [f"FAIL key: served key {ORIGIN}+{key_id(ORIGIN, new_key(2)).hex()} is not the "
                                   f"pinned key {ORIGIN}+{key_id(ORIGIN, KEY).hex()}"]
    assert run(capsys, log.url, "--key", "not a key")[0] == 2


def test_monitor_mode_proves_the_log_only_grew(log, capsys, tmp_path):
    state = tmp_path / "gongnon.checkpoint"
    log.size = 20
    code, lines = run(capsys, log.url, "--state", str(state))
    assert code == 0 and lines[-2:] == [
        f"ok   consistency: no earlier checkpoint in {state}; this one becomes the reference",
        f"ok   state: saved the checkpoint of size 20 to {state}"]
    assert state.read_text() == log.checkpoint()
    log.size = 37
    code, lines = run(capsys, log.url, "--state", str(state))
    assert code == 0 and lines[-2:] == [
        "ok   consistency: the log at size 37 extends the earlier checkpoint of size 20",
        f"ok   state: saved the checkpoint of size 37 to {state}"]
    assert v.parse_checkpoint(state.read_text()).size == 37 and state.read_text() == log.checkpoint()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gongnon.checkpoint"]  # no temporary file left
    assert run(capsys, log.url, "--state", str(state))[0] == 0  # same size again: still consistent


@pytest.mark.parametrize(("between", "reason"), [
    ("rewrite", "consistency proof does not lead to the earlier root (size 20)"),
    ("shrink", "the log shrank from size 20 to 12"),
    ("rekey", "the earlier checkpoint in"),
])
def test_monitor_mode_catches_a_rewritten_or_shrunk_log(log, capsys, tmp_path, between, reason):
    state = tmp_path / "gongnon.checkpoint"
    log.size = 20
    assert run(capsys, log.url, "--state", str(state))[0] == 0
    saved = state.read_text()
    if between == "rewrite":
        log.size = 37
        log.events[5] = {**log.events[5], "payload": {"rewritten": True}}
    elif between == "shrink":
        log.size = 12
    else:
        log.private = new_key(2)
    code, lines = run(capsys, log.url, "--state", str(state))
    assert code == 1 and lines[-1].startswith(f"FAIL consistency: {reason}"), lines
    assert lines[-2].startswith("ok   inclusion")  # the new log is sound on its own: only history convicts it
    assert state.read_text() == saved


def test_an_unreachable_server_is_not_a_verdict(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, lines = run(capsys, f"http://127.0.0.1:{port}", "--timeout", "5")
    assert code == 2 and lines[0].startswith(f"FAIL key: cannot reach http://127.0.0.1:{port}/log/key")


def test_locate_mismatch_names_the_changed_leaf_for_every_position():
    """Against the naive log: change one leaf of n, serve the committed proofs, find it in O(log n) asks."""
    from consult import verify as v
    from tests.record import naive_log
    for n in (1, 2, 3, 7, 8, 13, 33):
        committed = [f"leaf {i}".encode() for i in range(n)]
        for changed in range(n):
            seen = [*committed]
            seen[changed] = b"rewritten"
            hashes = b"".join(v.leaf_hash(x) for x in seen)
            asks: list[int] = []

            def served(index: int) -> tuple[bytes, list[bytes]]:
                asks.append(index)
                return v.leaf_hash(committed[index]), naive_log.inclusion_proof(index, committed)

            assert v.locate_mismatch(hashes, n, served) == changed
            assert len(asks) <= max(1, n.bit_length() + 1)
