from __future__ import annotations

from typing import Any

from tests.reliability.fuzzing import EXAMPLES, TRIED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TRIED["inputs"]:
        terminalreporter.write_line(
            f"fuzz: {TRIED['inputs']} inputs tried ({EXAMPLES} per target and database)"
        )
