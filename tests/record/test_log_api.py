"""The log's public endpoints: signed checkpoints, the verifier key, entries and proofs; bad input is
a 400 with a JSON error; erasing a person changes no leaf, root or proof."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from consult import record
from consult.accounts import actions as accounts
from consult.extensions import db, utcnow
from consult.policy import Actor
from consult.record import checkpoints, tree

from ..factories import make_org, make_person
from .test_tree import naive_consistency, naive_mth, naive_path


def _key(client) -> tuple[str, bytes, Ed25519PublicKey]:
    text = client.get("/log/key").get_data(as_text=True)
    assert text.endswith("\n") and text.count("\n") == 1
    name, key_id, encoded = text.strip().split("+", 2)  # base64 may itself hold "+"
    raw = base64.b64decode(encoded)
    assert raw[0] == 1 and len(raw) == 33
    assert bytes.fromhex(key_id) == hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])


def _checkpoint(client) -> tuple[int, bytes]:
    name, key_id, public = _key(client)
    r = client.get("/log/checkpoint")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    note = r.get_data(as_text=True)
    assert "\r" not in note
    body, _, signatures = note.partition("\n\n")
    origin, size, root_b64 = body.split("\n")
    assert origin == name
    line = signatures.rstrip("\n")
    assert line.startswith("\u2014 " + name + " ")
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert blob[:4] == key_id and len(blob) == 68
    public.verify(blob[4:], (body + "\n").encode())  # raises if the signature is wrong
    return int(size), base64.b64decode(root_b64)


@pytest.fixture
def history(app):
    """Realistic events: people register, organisations are created and verified."""
    for _ in range(3):
        make_org()
    return record.size()


def _all_leaves(client, size: int) -> list[bytes]:
    leaves: list[bytes] = []
    while len(leaves) < size:
        r = client.get(f"/log/entries?start={len(leaves)}&end={size}")
        assert r.status_code == 200
        for entry in r.json["entries"]:
            leaf = base64.b64decode(entry["leaf"])
            assert entry["index"] == len(leaves)
            assert rfc8785.dumps(entry["event"]) == leaf
            assert json.loads(leaf)["index"] == entry["index"]
            leaves.append(leaf)
    return leaves


def test_checkpoint_covers_the_log_and_proofs_verify(client, history):
    size, root_hash = _checkpoint(client)
    assert size == history > 0
    leaves = _all_leaves(client, size)
    assert naive_mth(leaves) == root_hash
    for index in (0, size // 2, size - 1):
        r = client.get(f"/log/proof/inclusion?index={index}&size={size}").json
        assert base64.b64decode(r["leaf_hash"]) == record.leaf_hash(leaves[index])
        assert [base64.b64decode(p) for p in r["proof"]] == naive_path(index, leaves)
    r = client.get(f"/log/proof/consistency?from=3&to={size}").json
    assert [base64.b64decode(p) for p in r["proof"]] == naive_consistency(3, leaves)


def test_endpoints_are_public_cacheable_and_cross_origin(client, history):
    r = client.get("/log/entries?start=0&end=2")
    assert "immutable" in r.headers["Cache-Control"] and r.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/log/checkpoint").headers["Cache-Control"] == "no-cache"


def test_entries_are_capped_at_a_thousand_a_call(client, app):
    from .test_tree import _append
    _append(1205)
    r = client.get("/log/entries?start=100&end=1205").json["entries"]
    assert len(r) == 1000 and r[0]["index"] == 100 and r[-1]["index"] == 1099


@pytest.mark.parametrize("url", [
    "/log/entries", "/log/entries?start=0", "/log/entries?start=-1&end=2", "/log/entries?start=a&end=2",
    "/log/entries?start=2&end=2", "/log/entries?start=3&end=1", "/log/entries?start=0&end=99999",
    "/log/entries?start=0&end=1e3", "/log/entries?start=%2B1&end=3", "/log/entries?start=0&end=" + "9" * 40,
    "/log/proof/inclusion?index=0", "/log/proof/inclusion?index=5&size=5", "/log/proof/inclusion?index=0&size=0",
    "/log/proof/inclusion?index=0&size=100000", "/log/proof/inclusion?index=-1&size=3",
    "/log/proof/inclusion?index= 1&size=3", "/log/proof/consistency?from=4&to=3",
    "/log/proof/consistency?from=0&to=100000", "/log/proof/consistency?from=x&to=3",
    "/log/proof/consistency?to=3",
])
def test_bad_parameters_get_a_json_400(client, history, url):
    r = client.get(url)
    assert r.status_code == 400, url
    assert r.json["error"] == "bad_request" and r.json["message"]


def test_edge_cases_are_defined(client, history):
    size = history
    assert client.get(f"/log/proof/consistency?from=0&to={size}").json["proof"] == []
    assert client.get(f"/log/proof/consistency?from={size}&to={size}").json["proof"] == []
    assert client.get("/log/proof/consistency?from=0&to=0").json["proof"] == []


def test_empty_log_has_the_empty_root(client, app):
    size, root_hash = _checkpoint(client)
    assert size == 0 and root_hash == hashlib.sha256(b"").digest()


def test_new_checkpoint_only_after_a_quiet_period(client, app, history, monkeypatch):
    first, _ = _checkpoint(client)
    make_person()  # the record grows
    assert _checkpoint(client)[0] == first  # the latest is fresh: served as it is
    monkeypatch.setitem(app.config, "CHECKPOINT_QUIET_SECONDS", 0)
    assert _checkpoint(client)[0] == record.size() > first
    assert db.session.scalar(db.select(db.func.count()).select_from(record.Checkpoint)) == 2


def test_erasure_keeps_every_leaf_root_and_proof(client, app, history, monkeypatch):
    person = make_person(publish_name=True)
    org = make_org(admin=person)
    size_before, root_before = _checkpoint(client)
    leaves_before = _all_leaves(client, record.size())
    commitment = record.commitment(person)
    assert any(commitment.encode() in leaf for leaf in leaves_before)
    accounts.erase_account(Actor(person), person, now=utcnow())
    monkeypatch.setitem(app.config, "CHECKPOINT_QUIET_SECONDS", 0)
    size_after, root_after = _checkpoint(client)
    leaves_after = _all_leaves(client, size_after)
    assert leaves_after[:len(leaves_before)] == leaves_before  # nothing rewritten
    assert tree.root(size_before) == root_before  # the old checkpoint still holds
    proof = client.get(f"/log/proof/consistency?from={size_before}&to={size_after}").json["proof"]
    assert [base64.b64decode(p) for p in proof] == naive_consistency(size_before, leaves_after)
    assert naive_mth(leaves_after) == root_after
    # and nothing links the commitment to the person any more
    assert db.session.scalar(db.select(record.PersonKey).where(record.PersonKey.commitment == commitment)) is None
    assert org.id  # the organisation stays


def test_cli_publishes_and_rotates(app, history):
    runner = app.test_cli_runner()
    from consult.cli import log_checkpoint, log_rotate_key
    out = runner.invoke(log_checkpoint).output
    assert out.split("\n")[1] == str(history)
    old_key = checkpoints.signing_key().key_id
    result = runner.invoke(log_rotate_key, ["--yes"])
    assert result.exit_code == 0 and "new verifier key" in result.output
    assert checkpoints.signing_key().key_id != old_key
    latest = checkpoints.latest()
    assert latest.key_id == checkpoints.signing_key().key_id.hex() and latest.tree_size == history


def test_signing_key_lives_in_instance_with_private_permissions(app):
    import os
    import stat
    checkpoints.signing_key()
    path = checkpoints._key_path()
    assert path.parent == __import__("pathlib").Path(app.instance_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_log_origin_with_space_or_plus_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOG_ORIGIN", "gongnon example")
    with pytest.raises(ValueError):
        checkpoints.origin()
    monkeypatch.setitem(app.config, "LOG_ORIGIN", "gongnon+log")
    with pytest.raises(ValueError):
        checkpoints.origin()
