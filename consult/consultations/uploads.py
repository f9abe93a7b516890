"""PDF files (draft attachments): checked by content, size-limited, stored under instance/uploads/
by their SHA-256 so that a stored file can never be swapped without its hash changing."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app

MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with %PDF- (within the first 1024 bytes, ISO 32000 §7.5.2) and ends with %%EOF."""
    head = data[:1024]
    return PDF_MAGIC in head and b"%%EOF" in data[-1024:]


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(sha256: str) -> Path:
    return folder() / f"{sha256}.pdf"


def store(data: bytes) -> str:
    """Write the bytes (once) and return their SHA-256; written to a temporary name, then renamed."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return digest
