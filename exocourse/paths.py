"""Where the course files are, whether the package is installed editable, from a wheel, or run from a copy."""

from __future__ import annotations

import os
from pathlib import Path


def course_root() -> Path:
    """The folder holding course.yml: $EXOCOURSE_ROOT, else the nearest parent of the working directory that
    has one (lessons run from lessons/), else the folder above this package (an editable install)."""
    env = os.environ.get("EXOCOURSE_ROOT")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "course.yml").is_file():
            return folder
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return course_root() / "data"
