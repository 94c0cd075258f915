"""Problems found in a user's input, reported as ``file:line: level: message``.

A build collects every problem it can find before giving up, so an archivist
fixes a batch of mistakes per run rather than one. Errors make the build fail
(non-zero exit, previous ``site/`` untouched); warnings are printed and the
build goes on.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True, order=True)
class Problem:
    """One message about one place in the input."""

    path: str
    line: int | None
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


class BuildError(Exception):
    """The input cannot be trusted: the build stops and reports these problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Diagnostics:
    """Collects problems; ``check()`` raises once errors were seen."""

    base: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0  # kept as we go: callers compare counts per file, which must stay O(1)

    def _rel(self, path: Path | str) -> str:
        p = Path(path)
        if self.base is not None:
            try:
                return p.resolve().relative_to(self.base.resolve()).as_posix()
            except ValueError:
                pass
        return p.as_posix()

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self.problems.append(Problem(self._rel(path), line, "error", message))
        self.error_count += 1

    def warn(self, path: Path | str, line: int | None, message: str) -> None:
        self.problems.append(Problem(self._rel(path), line, "warning", message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def check(self) -> None:
        """Raise :class:`BuildError` with every error so far, if any."""
        if self.error_count:
            raise BuildError(self.errors)

    def print_warnings(self, stream: TextIO = sys.stderr, limit: int = 50) -> None:
        """Print warnings; a huge import can warn thousands of times, so summarise."""
        warnings = self.warnings
        for p in warnings[:limit]:
            print(p, file=stream)
        if len(warnings) > limit:
            print(f"... and {len(warnings) - limit} more warnings", file=stream)
