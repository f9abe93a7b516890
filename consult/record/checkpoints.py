"""Signed checkpoints of the record: C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note)
with Ed25519. The signing key is generated into instance/ on first use and never committed."""
from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import select

from ..extensions import atomic, db
from . import tree
from .models import Checkpoint, RecordHead

KEY_FILE = "log_signing_key.pem"
ALG_ED25519 = b"\x01"  # signed-note signature type for Ed25519
EM_DASH = "\u2014"
_ORIGIN = re.compile(r"^[^\s+]+$")


@dataclass(frozen=True)
class SigningKey:
    name: str
    private: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        """First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) (c2sp.org/signed-note)."""
        return hashlib.sha256(self.name.encode() + b"\n" + ALG_ED25519 + self.public_bytes).digest()[:4]

    def verifier_key(self) -> str:
        """`<name>+<hex key id>+<base64(0x01 ‖ public key)>`, the text /log/key serves."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ALG_ED25519 + self.public_bytes).decode()}"


def origin() -> str:
    name = current_app.config["LOG_ORIGIN"]
    if not _ORIGIN.match(name):
        raise ValueError("LOG_ORIGIN must have no whitespace and no '+'")
    return name


def _key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _write_new_key(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


def signing_key() -> SigningKey:
    """The log's key, generated into instance/ the first time it is needed."""
    path = _key_path()
    if not path.exists():
        try:
            _write_new_key(path)
        except FileExistsError:  # another worker made it first
            pass
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return SigningKey(origin(), private)


def rotate_key(now: datetime) -> SigningKey:
    """Retire the current key (kept beside it, renamed), generate a new one and sign the current size
    with it, so /log/checkpoint verifies against /log/key at once."""
    path = _key_path()
    if path.exists():
        path.rename(path.with_name(f"{KEY_FILE}.retired-{now.strftime('%Y%m%dT%H%M%SZ')}"))
    _write_new_key(path)
    publish(now=now)
    return signing_key()


def body(name: str, size: int, root_hash: bytes) -> str:
    return f"{name}\n{size}\n{base64.b64encode(root_hash).decode()}\n"


def sign(key: SigningKey, size: int, root_hash: bytes) -> str:
    """The signed note: body, an empty line, one signature line (lines end in LF only)."""
    text = body(key.name, size, root_hash)
    signature = key.private.sign(text.encode())
    return f"{text}\n{EM_DASH} {key.name} {base64.b64encode(key.key_id + signature).decode()}\n"


def latest() -> Checkpoint | None:
    return db.session.scalar(select(Checkpoint).order_by(Checkpoint.tree_size.desc(), Checkpoint.id.desc())
                             .limit(1))


@atomic
def publish(*, now: datetime) -> Checkpoint:
    """Sign and store a checkpoint of the record as it is now (or return the latest if nothing grew)."""
    head = db.session.scalars(select(RecordHead).with_for_update()
                              .execution_options(populate_existing=True)).one_or_none()
    size = head.size if head else 0
    key = signing_key()
    current = latest()
    if current is not None and current.tree_size == size and current.key_id == key.key_id.hex():
        return current
    root_hash = tree.frontier_root(tree.unpack_frontier(head.frontier if head else b""))
    checkpoint = Checkpoint(tree_size=size, root_hash=root_hash, note=sign(key, size, root_hash),
                            key_id=key.key_id.hex(), published_at=now)
    db.session.add(checkpoint)
    return checkpoint


def current(*, now: datetime, quiet: timedelta) -> Checkpoint:
    """The checkpoint to serve: the latest one, or a new one when the record grew and the latest is
    older than `quiet` (so a reader never waits long for new entries to be covered)."""
    from .models import RecordHead as Head
    checkpoint = latest()
    size = db.session.scalar(select(Head.size)) or 0
    if checkpoint is None or (checkpoint.tree_size < size and now - checkpoint.published_at >= quiet) \
            or checkpoint.key_id != signing_key().key_id.hex():
        return publish(now=now)
    return checkpoint
