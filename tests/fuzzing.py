"""Mutated scenario files, for the fuzz tests (tests/test_fuzz.py) and bench/fuzz.py: a valid
file of each format with bytes flipped, inserted, deleted, duplicated or cut off."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from flashpoint import ScenarioError, load_scenario, save_scenario

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "docs" / "examples"
FORMATS = ("yaml", "json", "csv", "xlsx", "ktab-csv", "ktab-xml", "decide")


def seeds(folder: Path) -> dict[str, Path]:
    """A valid file of each format, written into ``folder``."""
    korea = load_scenario("korea-2018")
    files = {
        "yaml": save_scenario(korea, folder / "seed.yaml"),
        "json": save_scenario(korea, folder / "seed.json"),
        "csv": save_scenario(load_scenario("eu-emissions-1985"), folder / "seed.csv"),
        "xlsx": save_scenario(korea, folder / "seed.xlsx"),
        "ktab-csv": EXAMPLES / "budget-ktab.csv",
        "ktab-xml": EXAMPLES / "budget-ktab.xml",
        "decide": EXAMPLES / "water-talks.txt",
    }
    return files


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` with one to eight random edits; for a workbook (a zip file), half the time the
    edits go inside one of its parts, which is zipped again, so that the parsers behind the zip
    are reached too."""
    if data.startswith(b"PK") and rng.random() < 0.5:
        return _mutate_part(data, rng)
    return _edit(data, rng)


def _mutate_part(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    chosen = rng.choice(names)
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            part = source.read(name)
            target.writestr(name, _edit(part, rng) if name == chosen else part)
    return written.getvalue()


def _edit(data: bytes, rng: random.Random) -> bytes:
    """``data`` with one to eight random edits."""
    found = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not found:
            break
        at = rng.randrange(len(found))
        edit = rng.randrange(5)
        if edit == 0:
            found[at] = rng.randrange(256)
        elif edit == 1:
            found[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif edit == 2:
            del found[at : at + rng.randint(1, 64)]
        elif edit == 3:
            piece = found[at : at + rng.randint(1, 256)]
            found[at:at] = piece * rng.randint(1, 20)
        else:
            del found[at:]
    return bytes(found)


def outcome(path: Path) -> str:
    """``loaded`` or ``refused`` (a ScenarioError whose every problem names the file);
    anything else raises."""
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert error.problems, "a ScenarioError without problems"
        for problem in error.problems:
            assert problem.location.file, f"a problem without its file: {problem}"
        return "refused"
    return "loaded"
