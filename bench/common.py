"""Shared by the bench scripts: run the app under gunicorn for the duration of a measurement."""
from __future__ import annotations


import os
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def analyze(db: Any) -> None:
    """Bring a freshly seeded database to the steady state of a live one: statistics gathered (autovacuum
    does it on PostgreSQL) and, on PostgreSQL, the visibility map set so index-only scans need not visit
    the table."""
    from sqlalchemy import text
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _get(base: str, path: str, headers: dict[str, str] | None = None) -> None:
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers or {})) as response:
        response.read()
        assert response.status == 200, path


def measure(base: str, path: str, n: int, headers: dict[str, str] | None = None) -> tuple[float, float, float]:
    """n sequential requests (with these headers, e.g. htmx's): (p50, p95, max) latency in milliseconds."""
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        _get(base, path, headers)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[-1]


def throughput(base: str, path: str, n: int, clients: int = 4, headers: dict[str, str] | None = None) -> float:
    """Requests per second for n requests from `clients` concurrent clients."""
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda _: _get(base, path, headers), range(n)))
    return n / (time.perf_counter() - start)




def report(database: str, port: int, pages: list, requests: int, *, rps: bool = False,
           fewer: Callable[[str], bool] = lambda path: False) -> None:
    """Serve the database with gunicorn and print p50/p95/max (and req/s) for each page: a path, or
    (label, path, headers) for a request with headers (htmx's). Pages for which `fewer(path)` is true get a
    tenth of the requests (at least 20): pages that take long by design, such as a print page."""
    with gunicorn({"DATABASE_URL": database, "COOKIE_SECURE": "false"}, port) as base:
        print(f"{'page':52} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}" + (f" {'req/s':>8}" if rps else ""))
        for page in pages:
            label, path, headers = (page, page, None) if isinstance(page, str) else page
            n = max(20, requests // 10) if fewer(path) else requests
            measure(base, path, 5 if fewer(path) else 20, headers)  # warm-up
            p50, p95, worst = measure(base, path, n, headers)
            extra = f" {throughput(base, path, n, headers=headers):8.1f}" if rps else ""
            print(f"{label:52} {p50:8.1f} {p95:8.1f} {worst:8.1f}{extra}")
