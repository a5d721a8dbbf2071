"""Canonical text and its hashes, and the hash of each kind of ledger entry.

The bottom of the store (it imports nothing of flashpoint), so that the schema's migrations
(:mod:`flashpoint.store.database`) hash exactly as the run store and the ledger do. The ledger's
chain: a *forecast* entry's hash covers its number, time, run, question, date of resolution, the
hashes of its scenario and its forecast's text, and the hash of the entry before it; a
*resolution* entry's covers its kind, number, time, the forecast it resolves, the hash of its
outcome's text, when it was migrated (None unless it was) and the hash of the entry before it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the previous hash of the first entry
FORECAST, RESOLUTION = "forecast", "resolution"  # the kinds of ledger entry
FORECAST_CHAINED = (
    "id",
    "created",
    "run",
    "question",
    "resolves_by",
    "scenario_hash",
    "forecast_hash",
    "previous_hash",
)
RESOLUTION_CHAINED = (
    "kind",
    "id",
    "created",
    "resolves",
    "outcome_hash",
    "migrated",
    "previous_hash",
)


def canonical(document: Any) -> str:
    """A JSON document as one canonical text (sorted keys, no spaces, unicode kept): what the
    store hashes."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(document: Any) -> str:
    """The SHA-256 of a document's canonical text, in hex."""
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """The SHA-256 of a text's UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(value: Any) -> str | None:
    """The SHA-256 of an entry's stored content (its forecast or outcome): of a text's UTF-8,
    of a BLOB's bytes; None for anything else (a number, NULL)."""
    if isinstance(value, str):
        return text_hash(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return None


def entry_hash(fields: dict[str, Any]) -> str:
    """The hash of a forecast entry (its fields named in :data:`FORECAST_CHAINED`)."""
    return digest({key: fields[key] for key in sorted(FORECAST_CHAINED)})


def resolution_hash(fields: dict[str, Any]) -> str:
    """The hash of a resolution entry (its fields named in :data:`RESOLUTION_CHAINED`)."""
    return digest({key: fields[key] for key in sorted(RESOLUTION_CHAINED)})


def link_hash(kind: Any, fields: dict[str, Any]) -> str:
    """The hash of an entry of either kind."""
    return resolution_hash(fields) if kind == RESOLUTION else entry_hash(fields)
