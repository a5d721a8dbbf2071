"""Which characters an id, a label and a note may hold (issue #36).

An *id* (of an issue, actor, future, shock or source, and every reference to one) is what the
scenario's parts are matched by, so two ids that look the same must be the same id, and two that
look alike must not both be used. :func:`check_id` is the one rule for every id: it takes the
id in Unicode normal form NFC and refuses any whitespace (space, tab, no-break space, a line
break), control, format (zero-width, bidirectional marks) or unassigned character, inside the id
or around it, but for single ordinary spaces between words (an actor table names its actors by
their names: ``China India``; the ids of issues, futures and shocks admit no space at all). :func:`skeleton` is what two ids of the same kind must differ by: after
compatibility decomposition (NFKD: a full-width ``ａ`` is ``a``), case folding, and the
replacement of the Cyrillic and Greek letters drawn like Latin ones (``а`` U+0430 is ``a``),
in the spirit of the confusable skeletons of Unicode Technical Standard #39. The table of
look-alikes is ours, from the standard library's :mod:`unicodedata` and a short list of letters:
no package is needed to read a scenario.

A *label* (a name shown in reports: labels, titles, anchors, citations) may hold any printable
text; a *note* (descriptions and notes) may also hold tabs and line breaks (a carriage return is
taken as a line break). Both refuse the characters a workbook or a CSV file cannot carry back:
control characters, surrogates and Unicode noncharacters (U+FFFE, U+FDD0, ...).
"""

from __future__ import annotations

import unicodedata
from typing import Any

_NOT_IN_IDS = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
"""Control, format, surrogate, private-use and unassigned characters, and every separator."""

_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic, capital and small
        "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M",
        "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y",
        "Ԛ": "Q", "Ԝ": "W", "Ӏ": "l", "а": "a", "е": "e", "ѕ": "s", "і": "i", "ј": "j",
        "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ү": "y", "ԁ": "d", "һ": "h",
        "ԛ": "q", "ԝ": "w", "ӏ": "l",
        # Greek, capital and small
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
        "ρ": "p", "ι": "i", "κ": "k", "α": "a", "υ": "u", "ϲ": "c", "ϳ": "j",
        # Latin letters drawn like others
        "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʏ": "y",
    }
)  # fmt: skip


def check_id(value: Any) -> Any:
    """An id in normal form NFC; refuses whitespace and invisible characters anywhere in it,
    but for single spaces (U+0020) between words.

    Anything but text is returned as it is, for the type check to report."""
    if not isinstance(value, str):
        return value
    last = len(value) - 1
    for index, char in enumerate(value):
        between_words = char == " " and 0 < index < last and value[index - 1] != " "
        if between_words and value[index + 1] != " ":
            continue
        if char.isspace() or unicodedata.category(char) in _NOT_IN_IDS:
            where = (
                "at its start"
                if index == 0
                else "at its end"
                if index == len(value) - 1
                else "inside it"
            )
            raise ValueError(
                f"the id {shown(value)} holds {describe(char)} {where}: an id holds no"
                " spaces around it, no tabs, line breaks or invisible characters, and at most"
                " single spaces between words"
            )
    return unicodedata.normalize("NFC", value)


def skeleton(value: str) -> str:
    """What an id looks like, for telling whether two ids are too alike: NFKD, look-alike
    letters replaced by their Latin twins, case folded."""
    text = unicodedata.normalize("NFKD", value).translate(_LOOK_ALIKES)
    return unicodedata.normalize("NFKD", text.casefold()).translate(_LOOK_ALIKES)


def check_label(value: Any) -> Any:
    """A label: any printable text (no control characters, no noncharacters)."""
    return _check_text(value, allowed="")


def check_note(value: Any) -> Any:
    """A note or description: printable text, tabs and line breaks (``\\r\\n`` and ``\\r``
    become ``\\n``)."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _check_text(value, allowed="\t\n")


def _check_text(value: Any, allowed: str) -> Any:
    if not isinstance(value, str):
        return value
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cs") or is_noncharacter(char):
            kind = "a noncharacter" if is_noncharacter(char) else "a control character"
            breaks = " (tabs and line breaks only in descriptions and notes)" if not allowed else ""
            raise ValueError(
                f"the text {shown(value)} holds {kind}, {describe(char)}, that a workbook or a"
                f" table cannot hold: delete it{breaks}"
            )
    return value


def is_noncharacter(char: str) -> bool:
    """Whether ``char`` is one of Unicode's 66 noncharacters (U+FDD0-U+FDEF, U+xxFFFE/F)."""
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def describe(char: str) -> str:
    """``a no-break space (U+00A0)``, ``'а' (U+0430, CYRILLIC SMALL LETTER A)``."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    plain = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return"}
    if char in plain:
        return f"{plain[char]} ({code})"
    if char.isprintable():
        return f"'{char}' ({code}{', ' + name if name else ''})"
    return f"the invisible character {code}{' ' + name if name else ''}"


def visible(value: str, most: int = 80) -> str:
    """At most ``most`` characters of ``value``, every invisible one written as ``<U+00A0>``
    so it can be seen."""
    return "".join(char if char.isprintable() else f"<U+{ord(char):04X}>" for char in value[:most])


def shown(value: str, most: int = 60) -> str:
    """Text in quotes, every invisible character written as ``<U+00A0>`` so it can be seen."""
    return f"'{visible(value, most)}{'...' if len(value) > most else ''}'"


def foreign_letters(value: str, like: str) -> str:
    """The letters of ``value`` that differ from those of ``like`` at the same place, described
    (for saying why two ids look alike), or '' when the two differ in length."""
    if len(value) != len(like):
        return ""
    return ", ".join(describe(a) for a, b in zip(value, like, strict=True) if a != b)
