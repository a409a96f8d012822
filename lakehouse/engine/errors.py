"""The one error type the engine raises for anything a pipeline author can fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pipeline, located as precisely as we can."""

    message: str
    path: str = ""  # config path, e.g. ``steps.silver.rules[2].column``
    file: str = ""
    line: int | None = None
    step: str = ""

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        subject = self.path or (f"step {self.step}" if self.step else "")
        return f"{where}: {subject}: {self.message}" if subject else f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "message": self.message,
            "path": self.path,
            "file": self.file,
            "line": self.line,
            "step": self.step,
        }


class PipelineError(Exception):
    """A broken config, an unknown component, a bad graph or a step that failed for good.

    ``problems`` lists every issue found (validation collects them all before giving up), so
    an editor can underline each line; ``str(error)`` is the message to show a person.
    """

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def as_dicts(self) -> list[dict]:
        return [p.as_dict() for p in self.problems]
