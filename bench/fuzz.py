"""Fuzz every importer on demand: N mutated files per format (default 10,000), and per kind of
bad workbook of #36 (rows out of order, a row or cell stored twice, a text number past the
table's, hidden sheets and rows, a DOCTYPE: tests/test_trust_workbook.py), each of which must
load or be refused with the project's own error naming the file (tests/fuzzing.py).

    python bench/fuzz.py [N] [FORMAT ...]      e.g. python bench/fuzz.py 200 xlsx xlsx-order

Prints, per format, how many loaded, how many were refused, how many failed otherwise (with the
first such file kept in bench/fuzz-failures/), the slowest read and the total time.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.fuzzing import mutate, outcome, seeds  # noqa: E402
from tests.test_trust_workbook import bad_workbooks  # noqa: E402


def main() -> None:
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    failures = Path(__file__).parent / "fuzz-failures"
    with tempfile.TemporaryDirectory() as folder:
        originals = {**seeds(Path(folder)), **bad_workbooks(Path(folder))}
        kinds = sys.argv[2:] or list(originals)
        print(
            f"{'format':10} {'files':>7} {'loaded':>7} {'refused':>8} {'failed':>7} {'slowest s':>10} {'total s':>8}"
        )
        for kind in kinds:
            data = originals[kind].read_bytes()
            path = Path(folder) / f"mutated{originals[kind].suffix}"
            tally = {"loaded": 0, "refused": 0, "failed": 0}
            slowest, started = 0.0, time.perf_counter()
            for seed in range(count):
                path.write_bytes(mutate(data, random.Random(seed)))
                began = time.perf_counter()
                try:
                    tally[outcome(path)] += 1
                except Exception as error:  # noqa: BLE001 - what the fuzzing looks for
                    tally["failed"] += 1
                    failures.mkdir(exist_ok=True)
                    kept = failures / f"{kind}-{seed}{path.suffix}"
                    kept.write_bytes(path.read_bytes())
                    print(f"  {kind} seed {seed}: {type(error).__name__}: {error} (kept as {kept})")
                slowest = max(slowest, time.perf_counter() - began)
            total = time.perf_counter() - started
            print(
                f"{kind:10} {count:7d} {tally['loaded']:7d} {tally['refused']:8d} {tally['failed']:7d} {slowest:10.2f} {total:8.1f}"
            )


if __name__ == "__main__":
    main()
