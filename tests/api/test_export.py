"""`flask export`: a complete dump whose files, CSV headers and datapackage.json agree, with a BOM on
every CSV, the personal-data rules of the API, and the log's checkpoint — which verifies with the log's
key, and whose root the dumped events recompute."""
from __future__ import annotations

import base64
import csv
import json

from consult import verify
from consult.api.export import KINDS, write_dump
from consult.extensions import utcnow


def _dump(app, tmp_path):  # type: ignore[no-untyped-def]
    with app.test_request_context(base_url="http://gongnon.test"):
        return write_dump(utcnow(), tmp_path / "dump")


def test_dump_files_match_the_datapackage(app, world, tmp_path):
    folder = _dump(app, tmp_path)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    for kind in KINDS:
        table, lines = resources[f"{kind.name}-csv"], resources[f"{kind.name}-jsonl"]
        raw = (folder / table["path"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), kind.name  # a BOM: Excel reads Korean
        assert len(raw) == table["bytes"]
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert rows[0] == [f["name"] for f in table["schema"]["fields"]], kind.name
        assert all(f["title"] and f["title_ko"] and f["description"] and f["description_ko"] for f in table["schema"]["fields"])
        assert table["title_ko"] and lines["title_ko"] and table["description_ko"]
        records = (folder / lines["path"]).read_text(encoding="utf-8").splitlines()
        assert len(records) == len(rows) - 1 == table["count"] == lines["count"], kind.name
    assert resources["comments-csv"]["count"] == 6 and resources["signatures-csv"]["count"] == 2
    consultations = [json.loads(x) for x in (folder / "consultations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert world.draft not in {c["id"] for c in consultations}


def test_dump_keeps_the_personal_data_rules(app, world, tmp_path):
    folder = _dump(app, tmp_path)
    text = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".csv", ".jsonl"))
    assert "@example.org" not in text and "이비공개" not in text
    assert "김공개" in text  # who consented is named


def test_dump_checkpoint_verifies_against_the_log(app, client, world, tmp_path):
    folder = _dump(app, tmp_path)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    note = (folder / "checkpoint.txt").read_text(encoding="utf-8")
    assert note == package["checkpoint"]["note"]
    key = verify.parse_key(client.get("/log/key").get_data(as_text=True).strip())
    checkpoint = verify.verify_checkpoint(note, key)
    assert checkpoint.size == package["checkpoint"]["tree_size"]
    served = verify.verify_checkpoint(client.get("/log/checkpoint").get_data(as_text=True), key)
    assert served.size == checkpoint.size and served.root == checkpoint.root
    events = [json.loads(x) for x in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in events] == list(range(checkpoint.size))
    root = verify.root_from_leaf_hashes([verify.leaf_hash(e["leaf"].encode()) for e in events])
    assert root == checkpoint.root == base64.b64decode(base64.b64encode(checkpoint.root))


def test_cli_writes_a_dated_dump_served_at_data(app, client, world, tmp_path):
    app.config["DUMPS_PATH"] = str(tmp_path / "dumps")
    result = app.test_cli_runner().invoke(args=["export"])
    assert result.exit_code == 0, result.output
    day = utcnow().date().isoformat()
    listing = client.get("/en/data").get_data(as_text=True)
    assert day in listing and "datapackage.json" in listing
    r = client.get(f"/data/{day}/comments.csv")
    assert r.status_code == 200 and r.get_data().startswith(b"\xef\xbb\xbf")
    assert client.get("/data/latest/datapackage.json").headers["Location"].endswith(f"/data/{day}/datapackage.json")
    assert client.get(f"/data/{day}/../../config.py").status_code == 404
    assert client.get("/data/", headers={"Accept": "application/json"}).json["dumps"][0]["date"] == day
    app.config.pop("DUMPS_PATH")
