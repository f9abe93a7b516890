"""Shared by the bench scripts: run the app under gunicorn for the duration of a measurement."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn(env: dict[str, str], port: int, ready_path: str = "/ko/", workers: int = 2) -> Iterator[str]:
    """Serve wsgi:app with `workers` gunicorn workers on 127.0.0.1:port; yields the base URL."""
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + ready_path).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait()
