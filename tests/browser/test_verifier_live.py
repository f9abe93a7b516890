"""The standalone verifier (consult/verify.py) against the real app over HTTP: a clean log passes,
monitor mode proves consistency as the log grows and after an account is erased, and a row edited by
hand in the database makes it fail and name the entry. (Lives beside the browser tests for their live
server; it drives no browser.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


from consult import verify
from consult.accounts import actions as accounts
from consult.extensions import db, utcnow
from consult.policy import Actor

from ..factories import make_org, make_person
from .conftest import release_database, rewrite_event_by_hand

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys, *args: str) -> tuple[int, str]:
    code = verify.main(list(args))
    return code, capsys.readouterr().out


def test_verifier_passes_monitors_growth_and_erasure(app, live_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKPOINT_QUIET_SECONDS", 0)
    person_id = make_person().id
    for _ in range(3):
        make_org()
    release_database()
    state = tmp_path / "checkpoint.txt"
    code, out = _run(capsys, live_server, "--state", str(state))
    assert code == 0, out
    assert out.count("ok ") >= 5 and "FAIL" not in out
    first_size = int(state.read_text().split("\n")[1])

    # the log grows, an account is erased: the saved checkpoint is still consistent with the new one
    from consult.accounts.models import Person
    person = db.session.get(Person, person_id)
    make_org(admin=person)
    accounts.erase_account(Actor(person), person, now=utcnow())
    release_database()
    import urllib.request
    key = urllib.request.urlopen(live_server + "/log/key").read().decode().strip()
    code, out = _run(capsys, live_server, "--state", str(state), "--key", key)  # pinned key
    assert code == 0, out
    assert "consistency" in out and int(state.read_text().split("\n")[1]) > first_size

    # the same, as a separate process, the way a cron job runs it
    done = subprocess.run([sys.executable, "-m", "consult.verify", live_server, "--state", str(state)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_row_edited_by_hand_fails_and_names_the_entry(app, live_server, capsys):
    for _ in range(2):
        make_org()
    release_database()
    # same JSON, no longer its canonical form
    rewrite_event_by_hand(4, lambda leaf: leaf.replace('"index":4', '"index": 4'))
    code, out = _run(capsys, live_server)
    assert code == 1, out
    assert "FAIL" in out and "entry 4" in out


def test_a_canonical_edit_is_found_by_bisection_and_named(app, live_server, capsys):
    """An edit that keeps the leaf canonical passes the per-entry check; the root then differs, and the
    verifier walks inclusion proofs down to the entry the log committed to differently."""
    for _ in range(4):
        make_org()
    release_database()
    rewrite_event_by_hand(9, lambda leaf: leaf.replace('"type":"', '"type":"x', 1))  # still canonical
    code, out = _run(capsys, live_server)
    assert code == 1, out
    assert "FAIL root: entry 9:" in out, out
