"""The environment nbgrader's commands need."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def with_python_on_path(env: dict) -> dict:
    """nbgrader runs the `alembic` command by name, so this Python's bin folder must be on PATH."""
    return {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
