"""exocourse: the helper package of the exosome-medicine course, in wings by who runs it (see README.md here).

    exocourse/            the core every wing may import: data, paths, errors, answers, currency, manifest, cli
    exocourse/lessons/    what learners run in lessons (per topic a model and its view, the evaluation form)
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
import types

__version__ = "0.2.0"

# Learners keep their own copies of lessons and assignments (a hub home folder, a laptop), written when a topic
# module was exocourse.<topic>. Those import lines keep working: each old name is the module it became, or, for a
# topic split into a model and its view (exocourse.lessons.<topic> and exocourse.lessons.views.<topic>), a module
# offering the names of both: an old lesson's `risk.zero_events_explorer()` and an old assignment's
# `from exocourse.risk import rule_of_three` both work.
MOVED = {name: f"exocourse.lessons.{name}" for name in
         ("biology", "claims", "consent", "diagnostics", "plots", "quiz", "regulation", "risk", "therapeutics",
          "timeline")}
MOVED["evaluation"] = "exocourse.lessons.evaluation_form"


class _ModelAndView(types.ModuleType):
    """An old topic name: a name is looked up in the model, then in the view. The view is imported only when the
    model lacks the name, so an old assignment's import of a model function never loads widget code."""

    def __init__(self, name: str, model: str, view: str):
        super().__init__(name, f"The old name of {model} and {view}.")
        self._model, self._view = model, view

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        model = importlib.import_module(self._model)
        if hasattr(model, name):
            return getattr(model, name)
        return getattr(importlib.import_module(self._view), name)

    def __dir__(self):
        names = dir(importlib.import_module(self._model)) + dir(importlib.import_module(self._view))
        return sorted(set(names) | set(super().__dir__()))


class _MovedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import exocourse.biology` (or `from exocourse import biology`) gives exocourse.lessons.biology itself, or
    a _ModelAndView when the topic has a view (exocourse.lessons.views.biology)."""

    def find_spec(self, fullname, path=None, target=None):
        old = fullname.removeprefix(__name__ + ".")
        if old in MOVED and fullname == f"{__name__}.{old}":
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        new = MOVED[spec.name.removeprefix(__name__ + ".")]
        view = new.replace(".lessons.", ".lessons.views.", 1)
        if importlib.util.find_spec(view) is not None:
            self._real_spec = None
            return _ModelAndView(spec.name, new, view)
        module = importlib.import_module(new)
        self._real_spec = module.__spec__
        return module

    def exec_module(self, module):
        if self._real_spec is not None:  # the import system set it to the old name's spec: put the real one back
            module.__spec__ = self._real_spec


if not any(isinstance(finder, _MovedModule) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModule())
