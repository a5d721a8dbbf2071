"""Words for the messages flashpoint prints: quantities (a run's or a file's duration) and names."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """``40 seconds``, ``3 minutes``, ``1.5 hours``."""
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def possessive(name: str) -> str:
    """``North Korea's``, ``United States'``: an English possessive (a name ending in s takes
    the apostrophe alone, as names of countries in the plural do)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless its first word is an
    acronym or a name (``Peace regime`` -> ``peace regime``; ``US-ROK alliance`` and ``China``
    stay as they are: a word whose other letters include a capital, or that a scenario names an
    actor with, keeps its case)."""
    first = label.split(" ", 1)[0]
    if not first or any(c.isupper() for c in first[1:]) or not first[0].isupper():
        return label
    return label[0].lower() + label[1:]


# names of parties said with "the": the United States, the European Union, the IMF
_WITH_THE = {"United", "European", "Russian", "Czech", "Democratic", "Islamic", "Holy"}
_PLURAL_NAMES = {"Netherlands", "Philippines", "Bahamas", "Maldives", "Comoros", "Seychelles"}


def named(label: str) -> str:
    """A party's name inside a sentence, with "the" where English puts one: ``United States``
    -> ``the United States``, ``IMF`` -> ``the IMF``; ``North Korea`` stays as it is, and so
    does a label that starts with "the" already."""
    first = label.split(" ", 1)[0]
    if first.lower() == "the":
        return label
    acronym = first.isupper() and first.isalpha() and len(first) <= 5 and first == label
    if first in _WITH_THE or label in _PLURAL_NAMES or acronym:
        return f"the {label}"
    return label


def capitalised(text: str) -> str:
    """``text`` as the start of a sentence: its first letter in upper case, the rest as is."""
    return text[:1].upper() + text[1:]


def shown_shares(shares: dict[str, float]) -> tuple[list[tuple[str, float]], int]:
    """The shares that print as more than 0% (``f"{share:.0%}"``), largest first, and how many
    others there are: a list that never says something happened in 0% of draws."""
    shown = [(key, share) for key, share in shares.items() if f"{share:.0%}" != "0%"]
    return sorted(shown, key=lambda item: -item[1]), len(shares) - len(shown)
