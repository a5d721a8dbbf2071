"""The forecast ledger against whoever can write its file (#36): resolutions are entries of the
chain, an anchor kept elsewhere catches deleted newest entries and a recomputed chain, and a
damaged record is named, not a traceback. Every tampering here is done by hand on the SQLite
file, as someone with the file would."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.store import SCHEMA_VERSION, Anchor, Ledger, RunStore
from flashpoint.store.database import connect
from flashpoint.store.hashing import canonical
from flashpoint.store.ledger import (
    GENESIS,
    RESOLUTION,
    content_hash,
    entry_hash,
    link_hash,
    text_hash,
)

runner = CliRunner()
FUTURES = ["a", "b", "c"]


def cli(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def flat(text: str) -> str:
    """The text as one line (rich wraps long messages)."""
    return " ".join(text.split())


def forecast(probabilities: dict[str, float]) -> dict:
    return {
        "futures": FUTURES,
        "labels": {"a": "Alpha", "b": "Beta", "c": "Gamma"},
        "issues": ["x"],
        "probabilities": {"headline": probabilities},
        "medians": {"headline": {"x": 40.0}},
    }


def recorded(path: Path) -> str:
    """A ledger of two forecasts, both resolved (entries 1-4); its anchor, taken then."""
    with RunStore(path) as store:
        ledger = Ledger(store)
        first = ledger.add_forecast(
            forecast({"a": 0.5, "b": 0.5, "c": 0.0}), "Q1", date(2020, 1, 31), "h"
        )
        second = ledger.add_forecast(
            forecast({"a": 0.5, "b": 0.0, "c": 0.5}), "Q2", date(2020, 2, 29), "h"
        )
        ledger.resolve(first.id, "c")  # entry 3: Brier 0.25 + 0.25 + 1 = 1.5
        ledger.resolve(second.id, "a")  # entry 4: Brier 0.25 + 0 + 0.25 = 0.5
        assert ledger.verify() == []
    anchored = cli("ledger", "anchor", "--store", str(path))
    assert anchored.exit_code == 0, anchored.output
    anchor = anchored.stdout.strip()
    assert (
        anchor.startswith("flashpoint-ledger:4:")
        and len(anchor) == len("flashpoint-ledger:4:") + 64
    )
    return anchor


def sql(path: Path, *statements: tuple) -> None:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(*statement)
    db.commit()
    db.close()


def recompute(path: Path) -> None:
    """Rewrite every hash of the chain with flashpoint's own functions, as a forger would."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    previous = GENESIS
    for row in db.execute("SELECT * FROM ledger ORDER BY id").fetchall():
        fields = dict(row)
        content = "outcome" if fields["kind"] == RESOLUTION else "forecast"
        fields[f"{content}_hash"] = content_hash(fields[content])
        fields["previous_hash"] = previous
        fields["hash"] = link_hash(fields["kind"], fields)
        db.execute(
            f"UPDATE ledger SET {content}_hash = ?, previous_hash = ?, hash = ? WHERE id = ?",
            (fields[f"{content}_hash"], previous, fields["hash"], fields["id"]),
        )
        previous = fields["hash"]
    db.commit()
    db.close()


def headline_brier(path: Path) -> float:
    scores = json.loads(cli("ledger", "score", "--store", str(path), "--json").stdout)
    return next(m for m in scores["models"] if m["model"] == "headline")["brier"]


def verified(path: Path, anchor: str | None = None):
    extra = () if anchor is None else ("--anchor", anchor)
    return cli("ledger", "verify", *extra, "--store", str(path))


def test_resolutions_are_entries_of_the_chain_and_scores_read_them(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    with RunStore(path) as store:
        ledger = Ledger(store)
        kinds = [type(link).__name__ for link in ledger.chain()]
        assert kinds == ["Entry", "Entry", "Resolution", "Resolution"]
        first = ledger.get(1)
        assert first.resolution is not None and first.resolution.id == 3
        assert first.resolution.resolves == 1 and first.resolution.future == "c"
        with pytest.raises(ValueError, match="entry 3 is a resolution"):
            ledger.get(3)
        with pytest.raises(ValueError, match="was resolved"):
            ledger.resolve(1, "a")
        assert str(ledger.anchor()) == anchor
    assert headline_brier(path) == pytest.approx(1.0)  # (1.5 + 0.5) / 2
    plain = verified(path)
    assert plain.exit_code == 0
    assert "consistent in itself: 4 entries (2 forecasts, 2 resolutions)" in flat(plain.stdout)
    assert "cannot detect a chain whose hashes were recomputed" in flat(plain.stdout)
    good = verified(path, anchor)
    assert good.exit_code == 0 and "still holds the anchor's head (entry 4)" in flat(good.stdout)
    assert "cannot detect" not in flat(good.stdout)
    as_json = json.loads(
        cli("ledger", "verify", "--anchor", anchor, "--store", str(path), "--json").stdout
    )
    assert as_json["intact"] and as_json["head"] == anchor and as_json["entries"] == 4


def test_a_chain_that_grew_after_the_anchor_still_holds_it(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    with RunStore(path) as store:
        Ledger(store).add_forecast(forecast({"a": 1.0}), "Q3", date(2021, 1, 1), "h")
    grown = verified(path, anchor)
    assert grown.exit_code == 0
    assert "the anchor vouches for entries 1-4, not for entry 5" in flat(grown.stdout)


def test_deleting_the_newest_entry(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    sql(path, ("DELETE FROM ledger WHERE id = 4",))  # the resolution of Q2
    plain = verified(path)
    # without an anchor nothing shows it, and verify says it cannot
    assert plain.exit_code == 0 and "consistent in itself: 3 entries" in flat(plain.stdout)
    assert "nor its newest entries deleted" in flat(plain.stdout)
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "the anchor covers 4 entries but the ledger ends at entry 3" in flat(anchored.stderr)
    assert "entry 4 was deleted since the anchor was taken" in flat(anchored.stderr)


def test_editing_a_resolution(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    before = headline_brier(path)
    edited = canonical({"future": "b", "issues": {}})  # Q1 "came out" as b instead of c
    sql(path, ("UPDATE ledger SET outcome = ? WHERE id = 3", (edited,)))
    assert headline_brier(path) < before  # the score reads the chain's (edited) resolution
    plain = verified(path)
    assert plain.exit_code == 1
    assert "entry 3: its outcome was changed after it was recorded" in flat(plain.stderr)
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "entry 3: its outcome was changed after it was recorded" in flat(anchored.stderr)
    assert "entry 4: its hash is not the anchor's" in flat(anchored.stderr)
    assert "an entry at or before entry 4 was changed" in flat(anchored.stderr)


def test_deleting_a_resolution(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    sql(path, ("DELETE FROM ledger WHERE id = 3",))  # Q1's bad outcome, gone
    assert headline_brier(path) == pytest.approx(0.5)  # only Q2 is scored
    plain = verified(path)
    assert plain.exit_code == 1
    assert "entry 3 is missing: deleted from the chain" in flat(plain.stderr)
    assert "entry 4: the entry before it was changed or removed" in flat(plain.stderr)
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "entry 4: its hash is not the anchor's" in flat(anchored.stderr)
    # the same, renumbered and recomputed so that the chain is consistent again: shorter
    sql(path, ("UPDATE ledger SET id = 3 WHERE id = 4",))
    recompute(path)
    assert verified(path).exit_code == 0
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "the ledger ends at entry 3: entry 4 was deleted" in flat(anchored.stderr)


def test_recomputing_the_whole_chain_after_an_edit(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    assert headline_brier(path) == pytest.approx(1.0)
    edited = canonical({"future": "a", "issues": {}})
    sql(path, ("UPDATE ledger SET outcome = ? WHERE id = 3", (edited,)))
    recompute(path)
    assert headline_brier(path) == pytest.approx(0.5)  # (0.5 + 0.5) / 2: a better record
    plain = verified(path)
    # consistent in itself: exactly what verify without an anchor says it cannot detect
    assert plain.exit_code == 0 and "consistent in itself: 4 entries" in flat(plain.stdout)
    assert "cannot detect a chain whose hashes were recomputed after an edit" in flat(plain.stdout)
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "entry 4: its hash is not the anchor's" in flat(anchored.stderr)
    assert "its hashes were recomputed after the change" in flat(anchored.stderr)
    as_json = json.loads(
        cli("ledger", "verify", "--anchor", anchor, "--store", str(path), "--json").stdout
    )
    assert not as_json["intact"] and as_json["anchor"] == anchor
    assert as_json["head"] != anchor  # the forged head


def test_an_edited_forecast_recomputed_is_caught_by_the_anchor(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    edited = canonical(forecast({"a": 0.0, "b": 0.0, "c": 1.0}))
    sql(path, ("UPDATE ledger SET forecast = ? WHERE id = 1", (edited,)))
    recompute(path)
    assert verified(path).exit_code == 0
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1 and "entry 4: its hash is not the anchor's" in flat(
        anchored.stderr
    )


def test_a_question_stored_as_a_blob_is_named_and_the_others_still_work(tmp_path):
    path = tmp_path / "runs.sqlite"
    anchor = recorded(path)
    sql(path, ("UPDATE ledger SET question = CAST(question AS BLOB) WHERE id = 2",))
    plain = verified(path)
    assert plain.exit_code == 1 and "Traceback" not in flat(plain.output)
    assert "entry 2: damaged: its question is stored as a BLOB (2 bytes), not text" in flat(
        plain.stderr
    )
    anchored = verified(path, anchor)
    assert anchored.exit_code == 1
    assert "entry 4 cannot be checked against the anchor" in flat(anchored.stderr)
    listed = cli("ledger", "list", "--store", str(path))
    assert listed.exit_code == 0, listed.output
    assert "entry 2 is damaged: its question is stored as a BLOB" in flat(listed.stderr)
    assert "Q1" in flat(listed.stdout) and "damaged" in flat(listed.stdout)
    listed = json.loads(cli("ledger", "list", "--store", str(path), "--json").stdout)
    assert [e["damage"] != [] for e in listed["entries"]] == [False, True]
    scored = cli("ledger", "score", "--store", str(path), "--json")
    assert scored.exit_code == 0
    assert "entry 2 (forecast): damaged, left out of the scores" in flat(scored.stderr)
    scores = json.loads(scored.stdout)
    assert scores["resolved"] == 1 and scores["models"][0]["brier"] == pytest.approx(1.5)
    assert cli("ledger", "score", "--store", str(path)).exit_code == 0
    refused = cli("ledger", "resolve", "2", "--outcome", "a", "--store", str(path))
    assert refused.exit_code == 1 and "entry 2 is damaged" in flat(refused.output)
    assert cli("ledger", "anchor", "--store", str(path)).exit_code == 1  # nothing to vouch for


def test_a_resolution_that_is_not_json_is_named_and_the_others_still_work(tmp_path):
    path = tmp_path / "runs.sqlite"
    recorded(path)
    sql(path, ("UPDATE ledger SET outcome = 'not json{' WHERE id = 3",))
    plain = verified(path)
    assert plain.exit_code == 1 and "Traceback" not in flat(plain.output)
    assert "entry 3: damaged: its outcome is not JSON (Expecting value, at character 0)" in flat(
        plain.stderr
    )
    scored = cli("ledger", "score", "--store", str(path), "--json")
    assert scored.exit_code == 0
    assert "entry 3 (resolution): damaged, left out of the scores: its outcome is not JSON" in flat(
        scored.stderr
    )
    scores = json.loads(scored.stdout)
    assert scores["resolved"] == 1 and scores["models"][0]["brier"] == pytest.approx(0.5)
    listed = cli("ledger", "list", "--store", str(path))
    assert listed.exit_code == 0 and "damaged (entry 3)" in flat(listed.stdout)
    assert "entry 3 is damaged: its outcome is not JSON" in flat(listed.stderr)


def test_an_anchor_that_is_not_one_is_refused(tmp_path):
    path = tmp_path / "runs.sqlite"
    empty = cli("ledger", "anchor", "--store", str(path))
    assert empty.exit_code == 1 and "the ledger is empty" in flat(empty.output)
    for text in ("flashpoint-ledger:4", "flashpoint-ledger:0:" + "0" * 64, "ledger:4:" + "a" * 64):
        with pytest.raises(ValueError, match="is not a ledger anchor"):
            Anchor.parse(text)
        result = verified(path, text)
        assert result.exit_code == 2 and "is not a ledger anchor" in flat(result.output)
    assert Anchor.parse(" flashpoint-ledger:2:" + "AB" * 32 + "\n") == Anchor(2, "ab" * 32)


def old_store(path: Path, outcomes: list[tuple[int, str, str]], blob_question: bool = False):
    """A store as flashpoint wrote it before resolutions were chained (schema version 3): two
    forecasts in the chain, their resolutions in a table beside it."""
    db = connect(path, up_to=3)
    previous = GENESIS
    for k, probabilities in (
        (1, {"a": 0.5, "b": 0.5, "c": 0.0}),
        (2, {"a": 0.5, "b": 0.0, "c": 0.5}),
    ):
        text = canonical(forecast(probabilities))
        fields = {
            "id": k,
            "created": f"2019-01-0{k}T00:00:00+00:00",
            "run": None,
            "question": f"Q{k}",
            "resolves_by": "2020-01-31",
            "scenario_hash": "h",
            "forecast_hash": text_hash(text),
            "previous_hash": previous,
        }
        fields["hash"] = previous = entry_hash(fields)
        db.execute(
            "INSERT INTO ledger (id, created, run, question, resolves_by, scenario_hash,"
            " forecast, forecast_hash, previous_hash, hash) VALUES (:id, :created, :run,"
            " :question, :resolves_by, :scenario_hash, :forecast, :forecast_hash,"
            " :previous_hash, :hash)",
            {**fields, "forecast": text},
        )
    for entry, resolved, outcome in outcomes:
        db.execute("INSERT INTO resolutions VALUES (?, ?, ?)", (entry, resolved, outcome))
    if blob_question:
        db.execute("UPDATE ledger SET question = CAST(question AS BLOB) WHERE id = 1")
    db.close()


def test_an_older_store_has_its_resolutions_moved_into_the_chain_in_order(tmp_path):
    path = tmp_path / "old.sqlite"
    old_store(
        path,
        [  # Q2 was resolved first: it comes first in the chain
            (1, "2020-02-01T00:00:00+00:00", canonical({"future": "c", "issues": {}})),
            (2, "2020-01-15T00:00:00+00:00", canonical({"future": "a", "issues": {}})),
        ],
    )
    with RunStore(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        ledger = Ledger(store)
        chain = ledger.chain()
        assert [(link.id, getattr(link, "resolves", None)) for link in chain] == [
            (1, None),
            (2, None),
            (3, 2),
            (4, 1),
        ]
        assert chain[2].resolved == "2020-01-15T00:00:00+00:00" and chain[2].migrated
        checked = ledger.verification()
        assert checked.intact and checked.entries == 4
        assert any(
            "entries 3 and 4 are resolutions recorded before flashpoint chained resolutions"
            in note.lower()
            and "only as trustworthy as the store was" in note
            for note in checked.notes
        )
        assert ledger.score().resolved == 2
        # the chain goes on from there
        ledger.add_forecast(forecast({"a": 1.0}), "Q3", date(2021, 1, 1), "h")
        ledger.resolve(5, "a")
        assert ledger.verify() == [] and ledger.get(5).resolution.id == 6
    plain = verified(path)
    assert plain.exit_code == 0 and "only as trustworthy as the store was" in flat(plain.stdout)
    assert headline_brier(path) == pytest.approx((1.5 + 0.5 + 0.0) / 3)


def test_an_older_store_with_damaged_records_opens_and_names_them(tmp_path):
    path = tmp_path / "old.sqlite"
    old_store(
        path,
        [
            (1, "2020-02-01T00:00:00+00:00", "{not json"),
            (2, "2020-01-15T00:00:00+00:00", canonical({"future": "a", "issues": {}})),
        ],
        blob_question=True,
    )
    plain = verified(path)
    assert plain.exit_code == 1 and "Traceback" not in flat(plain.output)
    assert "entry 1: damaged: its question is stored as a BLOB (2 bytes), not text" in flat(
        plain.stderr
    )
    assert "entry 4: damaged: its outcome is not JSON" in flat(plain.stderr)
    assert "its outcome was changed" not in flat(plain.stderr)  # moved as it was, damaged
    scored = cli("ledger", "score", "--store", str(path), "--json")
    assert scored.exit_code == 0 and json.loads(scored.stdout)["resolved"] == 1
    assert "entry 1 (forecast): damaged" in flat(scored.stderr)
    assert "entry 4 (resolution): damaged" in flat(scored.stderr)
    assert cli("ledger", "list", "--store", str(path)).exit_code == 0
