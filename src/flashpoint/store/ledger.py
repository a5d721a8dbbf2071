"""The forecast ledger: forecasts put on record before the world answers, resolved when it
does, and scored.

The ledger is one hash chain of entries, each a *forecast* or a *resolution*. A forecast entry
freezes a stored forecast run's numbers (each future's probability and each issue's median, per
model and for the headline forecast) with the question it answers and the date by which it
resolves; a resolution entry records how an earlier forecast's question was answered (the future
that came about, or the issues' outcomes) and names the forecast it resolves. Each entry records
the SHA-256 of its content (the forecast's or the outcome's text) and of the entry before it,
and its own hash covers all of them, so :meth:`Ledger.verify` shows, offline, that the chain is
consistent in itself: changing any byte of an entry breaks its hash, and rewriting the hash
breaks the chain after it.

What that proves depends on something kept outside the file. Whoever can write the file can
also delete its newest entries or recompute every hash after an edit, and the chain stays
consistent. An :class:`Anchor` (``flashpoint-ledger:LENGTH:HASH``, from :meth:`Ledger.anchor`)
is the chain's head written down elsewhere; :meth:`Ledger.verification` with an anchor fails
unless the chain still holds that head unchanged at that position (entries after it may have
been added since).

Scores (:meth:`Ledger.score`): for named futures the Brier score (Brier 1950: the sum over the
futures of ``(p_k - o_k)^2``, 0 best, 2 worst) and the ranked probability score (Epstein 1969;
Murphy 1971: ``1/(K-1)`` times the sum over ``m < K`` of the squared difference of the
cumulative forecast and outcome, the futures in the scenario's order, 0 best, 1 worst); for
issue outcomes the absolute error of the median. A reliability table (predicted probability
against observed frequency, in tenths) appears once :data:`RELIABILITY_AFTER` forecasts of
futures are resolved. Scores read the resolutions from the chain; a damaged entry is named and
left out, the others are scored.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flashpoint.store.database import StoreError, records, stored_as
from flashpoint.store.hashing import (
    FORECAST,
    FORECAST_CHAINED,
    GENESIS,
    RESOLUTION,
    RESOLUTION_CHAINED,
    canonical,
    content_hash,
    entry_hash,
    link_hash,
    resolution_hash,
    text_hash,
)
from flashpoint.store.runs import RunStore, now

RELIABILITY_AFTER = 10
HEADLINE = "headline"
ANCHOR_PREFIX = "flashpoint-ledger"
UNANCHORED = (
    "Without an anchor this checks only that the chain is consistent in itself: it cannot"
    " detect a chain whose hashes were recomputed after an edit, nor its newest entries"
    " deleted. Keep `flashpoint ledger anchor`'s output elsewhere and verify with --anchor."
)


@dataclass(frozen=True)
class Resolution:
    """How a forecast's question was answered: the future that came about (``future``) or the
    issues' actual outcomes (``issues``), and when it was recorded (``resolved``). It is an
    entry of the chain of its own: ``id`` (its place), ``resolves`` (the forecast's id),
    ``hash``; ``migrated`` is when a resolution recorded before resolutions were chained was
    moved into the chain (None for the others). ``damage`` says how a damaged record is damaged
    (empty: it is not)."""

    resolved: str
    future: str | None
    issues: dict[str, float]
    id: int = 0
    resolves: int = 0
    hash: str = ""
    migrated: str | None = None
    damage: tuple[str, ...] = ()

    @property
    def answer(self) -> str:
        """The answer in words: the future, or each issue's outcome."""
        if self.damage:
            return f"damaged (entry {self.id})"
        return self.future or ", ".join(f"{k} = {v:g}" for k, v in self.issues.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resolves": self.resolves,
            "resolved": self.resolved,
            "future": self.future,
            "issues": self.issues,
            "hash": self.hash,
            "migrated": self.migrated,
            "damage": list(self.damage),
        }


@dataclass(frozen=True)
class Entry:
    """A forecast on record (see the module docstring); ``resolution`` once resolved.
    ``damage`` says how a damaged record is damaged (empty: it is not)."""

    id: int
    created: str
    run: int | None
    question: str
    resolves_by: str
    scenario_hash: str
    forecast: dict[str, Any]
    forecast_text: str
    forecast_hash: str
    previous_hash: str
    hash: str
    resolution: Resolution | None
    damage: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "run": self.run,
            "question": self.question,
            "resolves_by": self.resolves_by,
            "scenario_hash": self.scenario_hash,
            "forecast_hash": self.forecast_hash,
            "previous_hash": self.previous_hash,
            "hash": self.hash,
            "forecast": self.forecast,
            "resolution": None if self.resolution is None else self.resolution.to_dict(),
            "damage": list(self.damage),
        }


@dataclass(frozen=True)
class Anchor:
    """The chain's head, to keep outside the store: its length and the hash of its last entry,
    written ``flashpoint-ledger:LENGTH:HASH``."""

    length: int
    hash: str

    def __str__(self) -> str:
        return f"{ANCHOR_PREFIX}:{self.length}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """The anchor written in ``text``; ValueError if it is not one."""
        found = _ANCHOR.fullmatch(text.strip())
        if found is None or int(found[1]) < 1:
            raise ValueError(
                f"'{text}' is not a ledger anchor: one reads {ANCHOR_PREFIX}:LENGTH:HASH, the"
                " length 1 or more and the hash 64 hexadecimal digits (flashpoint ledger anchor"
                " prints it)"
            )
        return cls(int(found[1]), found[2].lower())


_ANCHOR = re.compile(rf"{ANCHOR_PREFIX}:(\d+):([0-9a-fA-F]{{64}})")


@dataclass(frozen=True)
class Verification:
    """What :meth:`Ledger.verification` found: the chain's length (``entries``, of which
    ``forecasts`` and ``resolutions``), its ``head`` (None if empty or its last hash is
    damaged), the ``anchor`` it was checked against (if any), every ``problem`` (none: intact)
    and ``notes`` on what the check does not cover."""

    entries: int
    forecasts: int
    resolutions: int
    head: Anchor | None
    anchor: Anchor | None
    problems: list[str]
    notes: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "forecasts": self.forecasts,
            "resolutions": self.resolutions,
            "intact": self.intact,
            "head": None if self.head is None else str(self.head),
            "anchor": None if self.anchor is None else str(self.anchor),
            "problems": self.problems,
            "notes": self.notes,
        }


_COLUMNS = (
    "id, kind, created, run, question, resolves_by, scenario_hash, forecast, forecast_hash,"
    " resolves, outcome, outcome_hash, migrated, previous_hash, hash"
)


def forecast_of(document: dict[str, Any]) -> dict[str, Any]:
    """What an entry freezes of a forecast's JSON document: the futures in order with their
    labels, and per model (and ``headline``: the headline forecast, else the models pooled with
    equal weights) each future's probability and each issue's median over the draws."""
    if document["request"]["kind"] != "forecast":
        raise ValueError(
            f"only a forecast can go on record (this run is a {document['request']['kind']})"
        )
    if not (document.get("recommended") or document.get("ensemble")):
        raise ValueError(
            "a forecast on record needs probabilities: run it with the compromise model (the"
            " headline's) or with Monte Carlo draws (--draws)"
        )
    summaries = {name: model for name, model in document["models"].items()}
    summaries[HEADLINE] = document.get("recommended") or document["ensemble"]
    return {
        "futures": [f["id"] for f in document["scenario"]["futures"]],
        "labels": {f["id"]: f["label"] for f in document["scenario"]["futures"]},
        "issues": [i["id"] for i in document["scenario"]["issues"]],
        "probabilities": {
            name: {
                f["id"]: f["probability"] for f in (s.get("futures") or []) if f["id"] is not None
            }
            for name, s in summaries.items()
        },
        "medians": {
            name: {issue: d["median"] for issue, d in (s.get("distribution") or {}).items()}
            for name, s in summaries.items()
        },
    }


def brier(probabilities: dict[str, float], futures: list[str], outcome: str) -> float:
    """The Brier score of one forecast of exclusive futures (Brier 1950)."""
    return sum((probabilities.get(f, 0.0) - (f == outcome)) ** 2 for f in futures)


def ranked_probability_score(
    probabilities: dict[str, float], futures: list[str], outcome: str
) -> float:
    """The ranked probability score of one forecast of ordered futures (Epstein 1969)."""
    if len(futures) < 2:
        raise ValueError("the ranked probability score needs two futures or more")
    total, forecast, observed = 0.0, 0.0, 0.0
    for future in futures[:-1]:
        forecast += probabilities.get(future, 0.0)
        observed += future == outcome
        total += (forecast - observed) ** 2
    return total / (len(futures) - 1)


@dataclass(frozen=True)
class ModelScore:
    """One model's scores over the resolved entries (None where nothing was scored)."""

    model: str
    futures_scored: int
    brier: float | None
    rps: float | None
    issues_scored: int
    mae: float | None


@dataclass(frozen=True)
class Scores:
    """The ledger's scores: per model, per month of resolution (the headline forecast), and
    the reliability of the headline's probabilities (once enough are resolved); ``skipped``
    names each damaged entry left out."""

    resolved: int
    open: int
    models: list[ModelScore]
    periods: list[ModelScore]
    reliability: list[tuple[str, int, float, float]] | None
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resolved": self.resolved,
            "open": self.open,
            "models": [s.__dict__ for s in self.models],
            "periods": [s.__dict__ for s in self.periods],
            "reliability": None
            if self.reliability is None
            else [
                {"bin": b, "forecasts": n, "predicted": p, "observed": o}
                for b, n, p, o in self.reliability
            ],
            "skipped": self.skipped,
        }


class Ledger:
    """The forecast ledger of a run store."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._db = store._db

    def add(self, run_id: int, question: str, resolves_by: date | None = None) -> Entry:
        """Put stored forecast run ``run_id`` on record as the answer to ``question``, resolving
        by ``resolves_by`` (default: the scenario's horizon)."""
        stored = self.store.get(run_id)
        if stored.status != "done" or stored.result is None:
            raise ValueError(
                f"run {run_id} did not finish; only a finished forecast goes on record"
            )
        if resolves_by is None:
            horizon = stored.scenario.get("horizon")
            if horizon is None:
                raise ValueError(
                    "say when the answer will be known: the scenario states no horizon"
                )
            resolves_by = date.fromisoformat(horizon)
        return self.add_forecast(
            forecast_of(stored.result), question, resolves_by, stored.scenario_hash, run_id
        )

    def add_forecast(
        self,
        forecast: dict[str, Any],
        question: str,
        resolves_by: date,
        scenario_hash: str,
        run_id: int | None = None,
    ) -> Entry:
        """Put a forecast (as :func:`forecast_of` makes it) on record."""
        if not question.strip():
            raise ValueError("an entry needs its question in words")
        text = canonical(forecast)
        added = self._append(
            FORECAST,
            {
                "run": run_id,
                "question": question,
                "resolves_by": resolves_by.isoformat(),
                "scenario_hash": scenario_hash,
                "forecast": text,
                "forecast_hash": text_hash(text),
            },
        )
        return self.get(added)

    def resolve(self, entry_id: int, outcome: str) -> Entry:
        """Record how entry ``entry_id``'s question was answered: ``outcome`` is the id (or
        label) of the future that came about, or issue outcomes ``issue=value`` separated by
        commas. The resolution is an entry of the chain, appended; an entry is resolved once."""
        entry = self.get(entry_id)
        if entry.damage:
            raise ValueError(
                f"entry {entry_id} is damaged ({'; '.join(entry.damage)}): it cannot be resolved"
            )
        if entry.resolution is not None:
            raise ValueError(
                f"entry {entry_id} was resolved on {entry.resolution.resolved} (entry"
                f" {entry.resolution.id})"
            )
        future, issues = _outcome(entry, outcome)
        text = canonical({"future": future, "issues": issues})

        def unresolved() -> None:  # inside the transaction: another process may have resolved it
            found = self._db.execute(
                "SELECT id FROM ledger WHERE kind = ? AND resolves = ?", (RESOLUTION, entry_id)
            ).fetchone()
            if found is not None:
                raise ValueError(f"entry {entry_id} was resolved (entry {found[0]})")

        self._append(
            RESOLUTION,
            {
                "resolves": entry_id,
                "outcome": text,
                "outcome_hash": text_hash(text),
                "migrated": None,
            },
            unresolved,
        )
        return self.get(entry_id)

    def _append(self, kind: str, values: dict[str, Any], check: Any = None) -> int:
        """Append an entry of ``kind`` to the chain in one transaction (its order is the order
        of commits); its id."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if check is not None:
                check()
            last = self._db.execute(
                "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if last is not None and not isinstance(last[1], str):
                raise ValueError(
                    f"entry {last[0]}, the last, is damaged (its hash is {stored_as(last[1])}):"
                    " nothing can be chained after it"
                )
            fields = {
                **values,
                "kind": kind,
                "id": (last[0] + 1) if last else 1,
                "created": now(),
                "previous_hash": last[1] if last else GENESIS,
            }
            fields["hash"] = link_hash(kind, fields)
            self._db.execute(
                f"INSERT INTO ledger ({', '.join(fields)})"
                f" VALUES ({', '.join(':' + name for name in fields)})",
                fields,
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return fields["id"]

    def get(self, entry_id: int) -> Entry:
        """Forecast entry ``entry_id`` with its resolution (KeyError if there is none;
        ValueError if that entry is a resolution)."""
        chain = self.chain()
        for entry in _forecasts(chain):
            if entry.id == entry_id:
                return entry
        for link in chain:
            if link.id == entry_id:
                raise ValueError(
                    f"entry {entry_id} is a resolution (of entry {link.resolves}), not a"  # type: ignore[union-attr]
                    " forecast"
                )
        raise KeyError(f"no ledger entry {entry_id} in the store {self.store.path}")

    def entries(self) -> list[Entry]:
        """The forecasts on record, oldest first, each with its resolution (the first entry of
        the chain after it that resolves it)."""
        return _forecasts(self.chain())

    def chain(self) -> list[Entry | Resolution]:
        """Every entry of the chain as stored, oldest first: forecasts (their ``resolution``
        not filled in) and resolutions. A damaged record is read, its ``damage`` saying how."""
        return [_parse(row) for row in self._rows()]

    def _rows(self) -> list[dict[str, Any]]:
        return records(self._db.execute(f"SELECT {_COLUMNS} FROM ledger ORDER BY id"))

    def anchor(self) -> Anchor:
        """The chain's head, to keep outside the store (ValueError if the ledger is empty or
        its chain is not intact: an anchor vouches for the chain as it stands)."""
        checked = self.verification()
        if not checked.entries:
            raise ValueError("the ledger is empty: there is nothing to anchor yet")
        if checked.problems or checked.head is None:
            raise ValueError(
                "the chain is not intact, so no anchor vouches for it: "
                + "; ".join(checked.problems)
            )
        return checked.head

    def verify(self, anchor: Anchor | None = None) -> list[str]:
        """Every break in the chain (and every difference from ``anchor``), in words naming the
        entry; none: intact (see :meth:`verification` for what that proves)."""
        return self.verification(anchor).problems

    def verification(self, anchor: Anchor | None = None) -> Verification:
        """Check the chain: every entry's content against its hash, its hash against its
        record, its link to the entry before it, no entry missing from within, every
        resolution resolving one earlier forecast once, and no record damaged. That shows the
        chain consistent in itself; only ``anchor`` (a head kept elsewhere) shows that it was
        not recomputed after an edit and lost no newest entries: the chain, recomputed from
        its content as it stands, must reach the anchor's hash at the anchor's length."""
        rows = self._rows()
        chain = [_parse(row) for row in rows]
        problems: list[str] = []
        notes: list[str] = []
        recorded_previous: Any = GENESIS
        running: str | None = GENESIS  # the chain recomputed from the content as it stands
        recomputed: dict[int, str | None] = {}
        forecasts: set[int] = set()
        resolved_by: dict[int, int] = {}
        migrated: list[Resolution] = []
        expected = 1
        for row, link in zip(rows, chain, strict=True):
            at = row["id"]
            if at != expected:
                problems.append(f"{_span(expected, at - 1, 'is')} missing: deleted from the chain")
            expected = at + 1
            problems += [f"entry {at}: damaged: {damage}" for damage in link.damage]
            kind = row["kind"]
            content, content_name = (
                ("outcome", "outcome_hash") if kind == RESOLUTION else ("forecast", "forecast_hash")
            )
            found = content_hash(row[content])
            if (
                found is not None
                and isinstance(row[content_name], str)
                and found != row[content_name]
            ):
                problems.append(f"entry {at}: its {content} was changed after it was recorded")
            if row["previous_hash"] != recorded_previous:
                problems.append(f"entry {at}: the entry before it was changed or removed")
            fields = {
                key: row[key]
                for key in (RESOLUTION_CHAINED if kind == RESOLUTION else FORECAST_CHAINED)
            }
            own = _hash_of(kind, fields)
            if own is not None and own != row["hash"]:
                problems.append(f"entry {at}: its record was changed after it was made")
            if running is not None and found is not None:
                running = _hash_of(kind, {**fields, content_name: found, "previous_hash": running})
            else:
                running = None
            recomputed[at] = running
            recorded_previous = row["hash"]
            if isinstance(link, Resolution):
                if link.migrated is not None:
                    migrated.append(link)
                target = row["resolves"]
                if target not in forecasts:
                    problems.append(
                        f"entry {at}: it resolves entry {target}, which is no forecast before it"
                    )
                elif target in resolved_by:
                    problems.append(
                        f"entry {at}: it resolves entry {target} again (entry"
                        f" {resolved_by[target]} resolved it first, and only that one counts)"
                    )
                else:
                    resolved_by[target] = at
            else:
                forecasts.add(at)
        last = rows[-1]["id"] if rows else 0
        head = (
            Anchor(last, rows[-1]["hash"]) if rows and isinstance(rows[-1]["hash"], str) else None
        )
        if anchor is None:
            notes.append(UNANCHORED)
        else:
            differences = _against(anchor, last, recomputed, consistent=not problems)
            problems += differences
            if not differences and last > anchor.length:
                notes.append(
                    f"The chain has grown since the anchor was taken: the anchor vouches for"
                    f" entries 1-{anchor.length}, not for {_span(anchor.length + 1, last)}."
                )
        if migrated:
            notes.append(
                f"{_span_of([r.id for r in migrated]).capitalize()} resolutions recorded before"
                " flashpoint chained resolutions, moved into the chain when the store was"
                f" migrated ({migrated[0].migrated}): they are unverified before then, only as"
                " trustworthy as the store was; the chain shows only that they have not changed"
                " since."
            )
        return Verification(
            entries=len(rows),
            forecasts=sum(isinstance(link, Entry) for link in chain),
            resolutions=sum(isinstance(link, Resolution) for link in chain),
            head=head,
            anchor=anchor,
            problems=problems,
            notes=notes,
        )

    def score(self) -> Scores:
        """The scores of the resolved entries (see the module docstring); a damaged forecast or
        resolution is left out and named in ``skipped``."""
        chain = self.chain()
        entries = _forecasts(chain)
        skipped = [
            f"entry {link.id} ({'resolution' if isinstance(link, Resolution) else 'forecast'}):"
            f" damaged, left out of the scores: {'; '.join(link.damage)}"
            for link in chain
            if link.damage
        ]
        resolved = [
            e
            for e in entries
            if e.resolution is not None and not e.damage and not e.resolution.damage
        ]
        per_model: dict[str, list[tuple[float | None, float | None, list[float]]]] = defaultdict(
            list
        )
        per_period: dict[str, list[tuple[float | None, float | None, list[float]]]] = defaultdict(
            list
        )
        points: list[tuple[float, bool]] = []
        answered = 0  # entries resolved by a future
        for entry in resolved:
            assert entry.resolution is not None
            futures = entry.forecast["futures"]
            for model, probabilities in entry.forecast["probabilities"].items():
                scored = _scored(entry, model, probabilities, futures)
                per_model[model].append(scored)
                if model == HEADLINE:
                    per_period[entry.resolves_by[:7]].append(scored)
                    if entry.resolution.future is not None:
                        answered += 1
                        points += [
                            (probabilities.get(f, 0.0), f == entry.resolution.future)
                            for f in futures
                        ]
        return Scores(
            resolved=len(resolved),
            open=sum(e.resolution is None and not e.damage for e in entries),
            models=[_summary(model, rows) for model, rows in per_model.items()],
            periods=[_summary(period, rows) for period, rows in sorted(per_period.items())],
            reliability=_reliability(points) if answered >= RELIABILITY_AFTER else None,
            skipped=skipped,
        )


def _forecasts(chain: list[Entry | Resolution]) -> list[Entry]:
    resolutions: dict[int, Resolution] = {}
    for link in chain:
        if isinstance(link, Resolution):
            resolutions.setdefault(link.resolves, link)
    found = []
    for link in chain:
        if isinstance(link, Entry):
            resolution = resolutions.get(link.id)
            if resolution is not None and resolution.id < link.id:
                resolution = None  # a resolution before its forecast: verify() names it
            found.append(replace(link, resolution=resolution))
    return found


def _hash_of(kind: Any, fields: dict[str, Any]) -> str | None:
    """An entry's hash from its fields; None if a field cannot be hashed (a BLOB)."""
    if any(isinstance(value, bytes) for value in fields.values()):
        return None
    return link_hash(kind, fields)


def _against(
    anchor: Anchor, last: int, recomputed: dict[int, str | None], consistent: bool
) -> list[str]:
    """How the chain differs from ``anchor`` (nothing: it still holds the anchor's head)."""
    length = anchor.length
    if last < length:
        return [
            (
                f"the anchor covers {length} entries but the ledger ends at entry {last}:"
                f" {_span(last + 1, length, 'was')} deleted since the anchor was taken (or this is not"
                " the ledger it was taken from)"
            )
        ]
    if length not in recomputed:
        return [
            f"entry {length}, the anchor's head, is missing: deleted since the anchor was taken"
        ]
    found = recomputed[length]
    if found is None:
        return [
            (
                f"entry {length} cannot be checked against the anchor: an entry at or before it"
                " is damaged"
            )
        ]
    if found != anchor.hash:
        return [
            f"entry {length}: its hash is not the anchor's (the chain up to it hashes to"
            f" {found[:16]}…, the anchor says {anchor.hash[:16]}…): an entry at or before"
            f" entry {length} was changed, added or removed since the anchor was taken"
            + (
                "; the chain is consistent in itself, so its hashes were recomputed after the"
                " change, which only the anchor shows"
                if consistent
                else ""
            )
        ]
    return []


def _span(first: int, last: int, verb: str = "") -> str:
    """``entry 4`` or ``entries 4-6``, and the verb (``is`` / ``was``) agreeing."""
    plural = {"is": "are", "was": "were"}
    if first == last:
        return f"entry {first} {verb}".rstrip()
    return f"entries {first}-{last} {plural.get(verb, verb)}".rstrip()


def _span_of(ids: list[int]) -> str:
    if len(ids) == 1:
        return f"entry {ids[0]} is"
    return f"entries {', '.join(str(i) for i in ids[:-1])} and {ids[-1]} are"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse(row: dict[str, Any]) -> Entry | Resolution:
    """An entry of the chain from its row, every damaged field named in ``damage``."""
    damage: list[str] = []

    def text(name: str, what: str, nullable: bool = False) -> Any:
        value = row[name]
        if isinstance(value, str) or (nullable and value is None):
            return value
        damage.append(f"its {what} is {stored_as(value)}, not text")
        return None

    created = text("created", "time") or ""
    previous = text("previous_hash", "previous hash") or ""
    own = text("hash", "hash") or ""
    if row["kind"] == RESOLUTION:
        resolves = row["resolves"]
        if not isinstance(resolves, int):
            damage.append(f"the forecast it resolves is {stored_as(resolves)}, not an entry's id")
            resolves = 0
        text("outcome_hash", "outcome's hash")
        migrated = text("migrated", "time of migration", nullable=True)
        future, issues = None, {}
        answer = _checked_json(text("outcome", "outcome"), "outcome", _outcome_problem, damage)
        if answer is not None:
            future, issues = answer["future"], dict(answer["issues"])
        return Resolution(
            created,
            future,
            issues,
            id=row["id"],
            resolves=resolves,
            hash=own,
            migrated=migrated,
            damage=tuple(damage),
        )
    if row["kind"] != FORECAST:
        damage.append(f"its kind is {stored_as(row['kind'])}, neither forecast nor resolution")
    run = row["run"]
    if run is not None and not isinstance(run, int):
        damage.append(f"its run is {stored_as(run)}, not a run's id")
        run = None
    question = text("question", "question") or ""
    resolves_by = text("resolves_by", "date of resolution") or ""
    scenario_hash = text("scenario_hash", "scenario's hash") or ""
    forecast_hash = text("forecast_hash", "forecast's hash") or ""
    forecast_text = text("forecast", "forecast")
    forecast = _checked_json(forecast_text, "forecast", _forecast_problem, damage) or {}
    return Entry(
        id=row["id"],
        created=created,
        run=run,
        question=question,
        resolves_by=resolves_by,
        scenario_hash=scenario_hash,
        forecast=forecast,
        forecast_text=forecast_text or "",
        forecast_hash=forecast_hash,
        previous_hash=previous,
        hash=own,
        resolution=None,
        damage=tuple(damage),
    )


def _checked_json(
    stored: str | None,
    what: str,
    problem_of: Callable[[Any], str | None],
    damage: list[str],
) -> Any:
    """A stored JSON text read and checked by ``problem_of``; None, with what is wrong added to
    ``damage``, where it is not JSON or not of its shape (or None where nothing is stored)."""
    if stored is None:
        return None
    try:
        value = json.loads(stored)
    except json.JSONDecodeError as error:
        damage.append(f"its {what} is not JSON ({error.msg}, at character {error.pos})")
        return None
    problem = problem_of(value)
    if problem is not None:
        damage.append(problem)
        return None
    return value


def _forecast_problem(document: Any) -> str | None:
    """What is wrong with a forecast's JSON (None: nothing)."""
    if not isinstance(document, dict):
        return "its forecast is JSON but not an object"
    for key, kind in (
        ("futures", list),
        ("labels", dict),
        ("issues", list),
        ("probabilities", dict),
        ("medians", dict),
    ):
        if not isinstance(document.get(key), kind):
            return f"its forecast has no {key} (a JSON {'list' if kind is list else 'object'})"
    for key in ("probabilities", "medians"):
        for model, values in document[key].items():
            if not isinstance(values, dict) or not all(map(_is_number, values.values())):
                return f"its forecast's {key} for {model} are not numbers"
    return None


def _outcome_problem(answer: Any) -> str | None:
    """What is wrong with a resolution's outcome JSON (None: nothing)."""
    if not isinstance(answer, dict) or "future" not in answer or "issues" not in answer:
        return "its outcome is JSON but not an object with future and issues"
    if answer["future"] is not None and not isinstance(answer["future"], str):
        return f"its outcome's future is {stored_as(answer['future'])}, not a future's id"
    issues = answer["issues"]
    if not isinstance(issues, dict) or not all(map(_is_number, issues.values())):
        return "its outcome's issues are not numbers"
    return None


def _outcome(entry: Entry, outcome: str) -> tuple[str | None, dict[str, float]]:
    labels = entry.forecast.get("labels", {})
    futures = entry.forecast.get("futures", [])
    given = outcome.strip()
    by_label = {label.casefold(): future for future, label in labels.items()}
    if given in futures or given.casefold() in by_label:
        return (given if given in futures else by_label[given.casefold()]), {}
    issues: dict[str, float] = {}
    for part in given.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in entry.forecast.get("issues", []) or not value.strip():
            choices = ", ".join(
                [*futures, *(f"{i}=VALUE" for i in entry.forecast.get("issues", []))]
            )
            raise ValueError(
                f"'{given}' is neither a future of entry {entry.id} nor issue=value ({choices})"
            )
        try:
            issues[name] = float(value)
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a number (issue {name})") from None
    return None, issues


def _scored(
    entry: Entry, model: str, probabilities: dict[str, float], futures: list[str]
) -> tuple[float | None, float | None, list[float]]:
    resolution = entry.resolution
    assert resolution is not None
    b = r = None
    if resolution.future is not None and probabilities:
        b = brier(probabilities, futures, resolution.future)
        r = (
            ranked_probability_score(probabilities, futures, resolution.future)
            if len(futures) > 1
            else None
        )
    medians = entry.forecast["medians"].get(model, {})
    errors = [abs(medians[i] - v) for i, v in resolution.issues.items() if i in medians]
    return b, r, errors


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _summary(name: str, rows: list[tuple[float | None, float | None, list[float]]]) -> ModelScore:
    briers = [b for b, _, _ in rows if b is not None]
    rpss = [r for _, r, _ in rows if r is not None]
    errors = [e for _, _, found in rows for e in found]
    return ModelScore(name, len(briers), _mean(briers), _mean(rpss), len(errors), _mean(errors))


def _reliability(points: list[tuple[float, bool]]) -> list[tuple[str, int, float, float]]:
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, happened in points:
        bins[min(int(p * 10), 9)].append((p, happened))
    return [
        (
            f"{k * 10}-{k * 10 + 10}%",
            len(found),
            _mean([p for p, _ in found]) or 0.0,
            sum(h for _, h in found) / len(found),
        )
        for k, found in sorted(bins.items())
    ]


__all__ = [
    "Anchor",
    "Entry",
    "Ledger",
    "Resolution",
    "Scores",
    "StoreError",
    "Verification",
    "brier",
    "content_hash",
    "entry_hash",
    "link_hash",
    "ranked_probability_score",
    "resolution_hash",
    "text_hash",
]
