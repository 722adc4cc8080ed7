"""Per-file mutation scores from mutmut's results in mutants/ (run by `make mutants`).

A mutant counts as killed when a test failed or timed out on it, or the type checker caught
it. Survivors listed in tests/mutants-equivalent.md (equivalent mutants: no test could tell
them from the original) are left out of the count and shown apart.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

KILLED_EXIT_CODES = {1, 3, 24, -24, 36, 37, 152, 255}
SURVIVED_EXIT_CODE = 0
EQUIVALENT_LIST = Path(__file__).with_name("mutants-equivalent.md")
MUTANT_NAME = re.compile(r"`(engage\.[\w.]+__mutmut_\d+)`")


def equivalent_mutants() -> set[str]:
    if not EQUIVALENT_LIST.is_file():
        return set()
    return set(MUTANT_NAME.findall(EQUIVALENT_LIST.read_text(encoding="utf-8")))


def scores(mutants_dir: Path) -> dict[str, Counter[str]]:
    equivalent = equivalent_mutants()
    by_file: dict[str, Counter[str]] = {}
    for meta in sorted(mutants_dir.glob("engage/**/*.py.meta")):
        source = meta.relative_to(mutants_dir).with_suffix("").as_posix()
        results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts: Counter[str] = Counter()
        for name, exit_code in results.items():
            if name in equivalent:
                counts["equivalent"] += 1
            elif exit_code in KILLED_EXIT_CODES:
                counts["killed"] += 1
            elif exit_code == SURVIVED_EXIT_CODE:
                counts["survived"] += 1
            elif exit_code is None:
                counts["not checked"] += 1
            else:
                counts["no tests or suspicious"] += 1
        by_file[source] = counts
    return by_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minimum", type=float, default=90.0, help="lowest acceptable score")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    arguments = parser.parse_args()
    failing = []
    print(f"{'file':40} {'killed':>7} {'survived':>9} {'other':>6} {'equiv.':>7} {'score':>7}")
    for source, counts in scores(arguments.mutants).items():
        judged = sum(counts.values()) - counts["equivalent"]
        score = 100.0 * counts["killed"] / judged if judged else 100.0
        other = judged - counts["killed"] - counts["survived"]
        print(
            f"{source:40} {counts['killed']:7} {counts['survived']:9} {other:6} "
            f"{counts['equivalent']:7} {score:6.1f}%"
        )
        if score < arguments.minimum:
            failing.append(source)
    if failing:
        print(f"Below {arguments.minimum}%: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
