"""Every nbgrader command, course `make` target and Jupyter server starts a Python that imports nbformat, which
imports jsonschema. jsonschema 4.25 and later import rfc3987-syntax for its IRI format checker, which builds about
35 Lark grammars at import time (jsonschema#1428): 1.4 s of CPU per process on this course's machines, for a format
no Jupyter schema uses. requirements.txt pins jsonschema below that; this checks the environment it made."""

from __future__ import annotations

import subprocess
import sys


def test_an_nbgrader_command_does_not_load_the_iri_grammar_parser():
    probe = ("import sys, nbformat, nbgrader.apps.autogradeapp; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rfc3987_syntax', 'lark'}))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", f"nbgrader's start-up loads the IRI grammar parser: {loaded}"
