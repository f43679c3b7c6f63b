"""exocourse: the helper package of the exosome-medicine course, in wings by who runs it (see README.md here).

    exocourse/            the core every wing may import: data, paths, errors, answers, currency, manifest, cli
    exocourse/lessons/    what learners run in lessons (one module per topic, the self-check, the evaluation form)
    exocourse/grading/    what assignment checks call, the grading kernel and sandbox, nbgrader plug-ins, integrity
    exocourse/instructor/ completion and certificates, summaries, the demo class, deleting a learner's data
    exocourse/build/      rendering, the glossary lint, the item bank, the learner and static editions

Importing the package is cheap: heavy libraries (plotly, ipywidgets) load only when a module needs them.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.2.0"

# Learners keep their own copies of lessons and assignments (a hub home folder, a laptop), written when a topic
# module was exocourse.<topic>. Those import lines keep working: each old name is the module it became.
MOVED = {name: f"exocourse.lessons.{name}" for name in
         ("biology", "claims", "consent", "diagnostics", "plots", "quiz", "regulation", "risk", "therapeutics",
          "timeline")}
MOVED["evaluation"] = "exocourse.lessons.evaluation_form"


class _MovedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import exocourse.biology` (or `from exocourse import biology`) gives exocourse.lessons.biology itself."""

    def find_spec(self, fullname, path=None, target=None):
        old = fullname.removeprefix(__name__ + ".")
        if old in MOVED and fullname == f"{__name__}.{old}":
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module(MOVED[spec.name.removeprefix(__name__ + ".")])
        self._real_spec = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = self._real_spec  # the import system set it to the old name's spec: put the real one back


if not any(isinstance(finder, _MovedModule) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModule())
