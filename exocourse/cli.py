"""How every course command ends: its result, or one line `error: …` and a non-zero exit, never a traceback for
the course's own errors (a bad learner id, a broken roster or course.yml, a missing file).

    if __name__ == "__main__":
        sys.exit(cli.run(main, sys.argv[1:]))

Anything else (a bug) still shows its traceback, so that it gets reported and fixed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def _course_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (ValueError, LookupError, OSError)
    try:
        import yaml

        errors += (yaml.YAMLError,)
    except ImportError:  # pragma: no cover - yaml is a dependency
        pass
    return errors


def one_line(problem: BaseException) -> str:
    """The message of an error as one line (a missing file's message names the file)."""
    if isinstance(problem, FileNotFoundError) and problem.filename:
        return f"no such file or folder: {problem.filename}"
    text = " ".join(str(problem).split()) or type(problem).__name__
    return text


def run(main: Callable[..., int | None], argv: list[str] | None = None) -> int:
    """Run a command's main(argv); course errors become `error: …` on stderr and exit status 1."""
    try:
        return main(argv) or 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except _course_errors() as problem:
        print(f"error: {one_line(problem)}", file=sys.stderr)
        return 1
