"""The forecast ledger: forecasts put on record before the world answers, resolved when it
does, and scored.

An entry freezes a stored forecast run's numbers (each future's probability and each issue's
median, per model and for the headline forecast) with the question it answers and the date by
which it resolves. Entries are hash-chained: each records the SHA-256 of its scenario, of its
forecast's text and of the previous entry, and its own hash covers all of them, so
:meth:`Ledger.verify` shows, offline, that no forecast was edited after the fact (changing any
byte of one breaks its hash, and rewriting the hash breaks the chain after it).

Scores (:meth:`Ledger.score`): for named futures the Brier score (Brier 1950: the sum over the
futures of ``(p_k - o_k)^2``, 0 best, 2 worst) and the ranked probability score (Epstein 1969;
Murphy 1971: ``1/(K-1)`` times the sum over ``m < K`` of the squared difference of the
cumulative forecast and outcome, the futures in the scenario's order, 0 best, 1 worst); for
issue outcomes the absolute error of the median. A reliability table (predicted probability
against observed frequency, in tenths) appears once :data:`RELIABILITY_AFTER` forecasts of
futures are resolved.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashpoint.store.database import StoreError, records
from flashpoint.store.runs import RunStore, canonical, digest, now

GENESIS = "0" * 64  # the previous hash of the first entry
RELIABILITY_AFTER = 10
HEADLINE = "headline"


@dataclass(frozen=True)
class Resolution:
    """How an entry's question was answered: the future that came about (``future``) or the
    issues' actual outcomes (``issues``), and when it was recorded."""

    resolved: str
    future: str | None
    issues: dict[str, float]

    @property
    def answer(self) -> str:
        """The answer in words: the future, or each issue's outcome."""
        return self.future or ", ".join(f"{k} = {v:g}" for k, v in self.issues.items())


@dataclass(frozen=True)
class Entry:
    """A forecast on record (see the module docstring); ``resolution`` once resolved."""

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

    def to_dict(self) -> dict[str, Any]:
        resolution = self.resolution
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
            "resolution": None
            if resolution is None
            else {
                "resolved": resolution.resolved,
                "future": resolution.future,
                "issues": resolution.issues,
            },
        }


def entry_hash(fields: dict[str, Any]) -> str:
    """The hash of an entry: of its number, time, run, question, date, and the hashes of its
    scenario, its forecast and the entry before it."""
    return digest({key: fields[key] for key in sorted(_CHAINED)})


_CHAINED = (
    "id",
    "created",
    "run",
    "question",
    "resolves_by",
    "scenario_hash",
    "forecast_hash",
    "previous_hash",
)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    the reliability of the headline's probabilities (once enough are resolved)."""

    resolved: int
    open: int
    models: list[ModelScore]
    periods: list[ModelScore]
    reliability: list[tuple[str, int, float, float]] | None

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
        self._db.execute("BEGIN IMMEDIATE")  # the chain's order is the order of commits
        try:
            last = self._db.execute(
                "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1"
            ).fetchone()
            fields = {
                "id": (last[0] + 1) if last else 1,
                "created": now(),
                "run": run_id,
                "question": question,
                "resolves_by": resolves_by.isoformat(),
                "scenario_hash": scenario_hash,
                "forecast_hash": text_hash(text),
                "previous_hash": last[1] if last else GENESIS,
            }
            fields["hash"] = entry_hash(fields)
            self._db.execute(
                "INSERT INTO ledger (id, created, run, question, resolves_by, scenario_hash,"
                " forecast, forecast_hash, previous_hash, hash) VALUES (:id, :created, :run,"
                " :question, :resolves_by, :scenario_hash, :forecast, :forecast_hash,"
                " :previous_hash, :hash)",
                {**fields, "forecast": text},
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return self.get(fields["id"])

    def resolve(self, entry_id: int, outcome: str) -> Entry:
        """Record how entry ``entry_id``'s question was answered: ``outcome`` is the id (or
        label) of the future that came about, or issue outcomes ``issue=value`` separated by
        commas. An entry is resolved once."""
        entry = self.get(entry_id)
        if entry.resolution is not None:
            raise ValueError(f"entry {entry_id} was resolved on {entry.resolution.resolved}")
        future, issues = _outcome(entry, outcome)
        self._db.execute(
            "INSERT INTO resolutions (entry, resolved, outcome) VALUES (?, ?, ?)",
            (entry_id, now(), canonical({"future": future, "issues": issues})),
        )
        return self.get(entry_id)

    def get(self, entry_id: int) -> Entry:
        found = self._entries(f"WHERE ledger.id = {int(entry_id)}")
        if not found:
            raise KeyError(f"no ledger entry {entry_id} in the store {self.store.path}")
        return found[0]

    def entries(self) -> list[Entry]:
        """Every entry, oldest first."""
        return self._entries("")

    def _entries(self, where: str) -> list[Entry]:
        rows = records(
            self._db.execute(
                "SELECT ledger.id AS id, created, run, question, resolves_by, scenario_hash,"
                " forecast AS forecast_text, forecast_hash, previous_hash, hash, resolved,"
                " outcome FROM ledger LEFT JOIN resolutions ON resolutions.entry = ledger.id"
                f" {where} ORDER BY ledger.id"
            )
        )
        entries = []
        for row in rows:
            text = row.pop("forecast_text")
            resolved, outcome = row.pop("resolved"), row.pop("outcome")
            try:
                forecast = json.loads(text)
            except (json.JSONDecodeError, UnicodeDecodeError, TypeError):
                forecast = {}  # an edited forecast: verify() names it
            resolution = None
            if resolved is not None:
                answer = json.loads(outcome)
                resolution = Resolution(resolved, answer["future"], answer["issues"])
            entries.append(
                Entry(
                    **row,
                    forecast=forecast,
                    forecast_text=text if isinstance(text, str) else "",
                    resolution=resolution,
                )
            )
        return entries

    def verify(self) -> list[str]:
        """Every break in the chain, in words naming the entry (none: the record is intact)."""
        problems = []
        previous = GENESIS
        for entry in self.entries():
            fields = {key: getattr(entry, key) for key in _CHAINED}
            if text_hash(entry.forecast_text) != entry.forecast_hash:
                problems.append(f"entry {entry.id}: its forecast was changed after it was recorded")
            if entry.previous_hash != previous:
                problems.append(f"entry {entry.id}: the entry before it was changed or removed")
            if entry_hash(fields) != entry.hash:
                problems.append(f"entry {entry.id}: its record was changed after it was made")
            previous = entry.hash
        return problems

    def score(self) -> Scores:
        """The scores of the resolved entries (see the module docstring)."""
        entries = self.entries()
        resolved = [e for e in entries if e.resolution is not None]
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
            open=len(entries) - len(resolved),
            models=[_summary(model, rows) for model, rows in per_model.items()],
            periods=[_summary(period, rows) for period, rows in sorted(per_period.items())],
            reliability=_reliability(points) if answered >= RELIABILITY_AFTER else None,
        )


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
    "Entry",
    "Ledger",
    "Resolution",
    "Scores",
    "StoreError",
    "brier",
    "ranked_probability_score",
]
