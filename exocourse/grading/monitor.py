"""The grading kernel's integrity monitor: an audit hook and an IPython extension, installed before learner code.

The `sys.addaudithook` hook (`Monitor.audit`, which cannot be removed) records file access outside the submission,
processes, network and native code; the extension (`Guard`) puts back IPython input transformers, event hooks,
patched grading modules and builtins before every cell, and records that it had to. Records go to
grading/integrity/<assignment>/<learner>.jsonl, which `python -m exocourse.grading.integrity` reports on.
exocourse.grading.kernel installs both; the sandbox around them is exocourse.grading.sandbox.
"""

from __future__ import annotations

import atexit
import builtins
import json
import os
import sys
from pathlib import Path

from exocourse.grading.sandbox import PACKAGE, submission_context

MONITOR: Monitor | None = None
WATCHED_MODULES = ["exocourse.grading", "exocourse.answers", "importlib", "importlib.util", "hashlib"]
# IPython and ipykernel swap these in and out around every cell (input goes through the kernel's stdin channel).
IGNORED_BUILTINS = {"exit", "quit", "get_ipython", "display", "__IPYTHON__", "_", "__", "___", "input", "raw_input",
                    "getpass"}
FLAGGED_EVENTS = {
    "subprocess.Popen": "starts another program", "os.system": "starts another program",
    "os.exec": "starts another program", "os.posix_spawn": "starts another program",
    "os.spawn": "starts another program", "os.fork": "starts another process", "os.forkpty": "starts another process",
    "os.kill": "signals another process", "os.killpg": "signals another process",
    "socket.connect": "opens a network connection", "socket.bind": "opens a network port",
    "ctypes.dlopen": "loads native code", "sys.addaudithook": "adds an audit hook",
    "sys.setprofile": "installs a profiler hook", "sys.settrace": "installs a trace hook",
}
PATH_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.replace", "os.truncate", "os.chmod", "os.chown",
               "os.link", "os.symlink", "os.mkdir", "shutil.rmtree", "shutil.move", "shutil.copyfile"}
LISTING_EVENTS = {"os.listdir", "os.scandir", "glob.glob"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Monitor:
    """Records tampering to the audit log, one JSON line per distinct finding."""

    def __init__(self, fd: int | None, submission: Path):
        self.fd = fd
        self.armed = False
        self.seen: set[str] = set()
        self.submission = str(submission)
        self.own_process = {os.getpid(), os.getpgid(0)}
        context = submission_context(submission)
        # Inside the course folder only the learner's own submission copy is fair game, wherever the course lives,
        # except the Python environment and package the kernel itself runs on (a .venv inside the course folder,
        # as `make` creates it; the sandbox binds the same folders in, read-only).
        self.course = str(context["root"]) if context else None
        tmp = os.environ.get("TMPDIR", "/tmp")
        self.write_ok = (self.submission, tmp, "/tmp", "/dev/null", "/dev/shm")
        self.environment = tuple(dict.fromkeys(str(Path(p).resolve()) for p in (
            sys.prefix, sys.base_prefix, sys.exec_prefix, PACKAGE,
            *[p for p in sys.path if p and not self._contains(p, self.course)])))
        self.read_ok = self.write_ok + self.environment + ("/usr/", "/lib", "/etc/", "/proc/", "/dev/", "/sys/")

    @staticmethod
    def _contains(folder: str, path: str | None) -> bool:
        """True when `path` is `folder` or lies below it (False for a missing path)."""
        if not path:
            return False
        folder = os.path.normpath(os.path.join(os.getcwd(), folder))
        return path == folder or path.startswith(folder.rstrip("/") + "/")

    def record(self, kind: str, detail: str) -> None:
        key = f"{kind}: {detail}"
        if key in self.seen or self.fd is None:
            return
        self.seen.add(key)
        try:
            os.write(self.fd, (json.dumps({"kind": kind, "detail": detail}) + "\n").encode())
        except OSError:
            pass

    def _inside(self, path, allowed: tuple[str, ...]) -> bool:
        if isinstance(path, int):
            return True
        if isinstance(path, bytes):
            path = path.decode(errors="replace")
        path = os.path.normpath(os.path.join(self.submission, os.fspath(path)))
        if self._contains(self.submission, path):
            return True
        if allowed is self.read_ok and any(self._contains(root, path) for root in self.environment):
            return True  # the kernel's own Python environment and course package, wherever they live
        if self.course and self._contains(self.course, path):
            return False
        return any(path == root.rstrip("/") or path.startswith(root.rstrip("/") + "/") or
                   (root.endswith("/") and path.startswith(root)) for root in allowed)

    def audit(self, event: str, args: tuple) -> None:
        if not self.armed:
            return
        try:
            if event == "open":
                path, mode, flags = (tuple(args) + (None, None))[:3]
                writing = (isinstance(mode, str) and any(ch in mode for ch in "wax+")) or (
                    isinstance(flags, int) and flags & WRITE_FLAGS)
                if writing and not self._inside(path, self.write_ok):
                    self.record("file access outside the submission", f"writes {os.fspath(path)}")
                elif not writing and not self._inside(path, self.read_ok):
                    self.record("file access outside the submission", f"reads {os.fspath(path)}")
            elif event in ("os.kill", "os.killpg") and args and args[0] in self.own_process:
                return  # ipykernel interrupting its own cell
            elif event in FLAGGED_EVENTS:
                self.record("grader interference", FLAGGED_EVENTS[event])
            elif event in PATH_EVENTS or event in LISTING_EVENTS:
                path = args[0] if args else None
                if path is not None and not isinstance(path, int) and not self._inside(
                        path, self.write_ok if event in PATH_EVENTS else self.read_ok):
                    self.record("file access outside the submission", f"{event} {os.fspath(path)}")
        except Exception:  # an audit hook must never break the learner's code
            pass


def _code_print(code) -> tuple:
    consts = tuple(_code_print(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts)
    return code.co_code, code.co_names, consts


def _fingerprint(value):
    """What a module attribute is, so a reloaded module matches itself and a replaced function does not."""
    if hasattr(value, "__code__"):
        return ("function", _code_print(value.__code__))
    if isinstance(value, type):
        methods = sorted((k, _code_print(v.__code__)) for k, v in vars(value).items() if hasattr(v, "__code__"))
        return ("class", value.__qualname__, tuple(methods))
    if type(value).__name__ == "module":
        return ("module", value.__name__)
    return ("value", type(value).__name__)


class Guard:
    """Puts IPython and the grading modules back as they were before learner code, before every cell."""

    def __init__(self, shell, monitor: Monitor):
        self.shell = shell
        self.monitor = monitor
        self.transformers = {name: list(getattr(shell, name)) for name in
                             ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")}
        self.meta_path = list(sys.meta_path)
        self.builtins = dict(vars(builtins))
        import importlib

        self.modules = {}
        for name in WATCHED_MODULES:
            module = importlib.import_module(name)
            self.modules[name] = (module, dict(vars(module)),
                                  {k: _fingerprint(v) for k, v in vars(module).items()})
        shell.events.register("pre_run_cell", self.before_cell)
        shell.events.register("post_run_cell", self.after_cell)
        self.events = {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()}
        # IPython transforms a cell before its pre_run_cell event, so the clean-up also runs inside transform_cell.
        original_transform = shell.transform_cell

        def guarded_transform(raw_cell):
            self.monitor.armed = True
            self.check()
            return original_transform(raw_cell)

        self.guarded_transform = guarded_transform
        shell.transform_cell = guarded_transform
        # Tracebacks in minimal mode quote no source lines, so an interrupted or failing hidden test cannot show
        # its code (or a key) in the learner's feedback.
        shell.InteractiveTB.set_mode(mode="Minimal")
        atexit.register(self.check)

    def before_cell(self, info=None) -> None:
        self.monitor.armed = True
        self.check()

    def after_cell(self, result=None) -> None:
        self.check()

    def check(self) -> None:
        record = self.monitor.record
        if self.shell.InteractiveTB.mode != "Minimal":
            record("IPython traceback mode", f"changed to {self.shell.InteractiveTB.mode}")
            self.shell.InteractiveTB.set_mode(mode="Minimal")
        if self.shell.__dict__.get("transform_cell") is not self.guarded_transform:
            record("IPython input transformer", "transform_cell replaced")
            self.shell.transform_cell = self.guarded_transform
        for name, original in self.transformers.items():
            current = getattr(self.shell, name)
            if list(current) != original:
                record("IPython input transformer", f"{name} changed")
                current[:] = original
        for event, original in self.events.items():
            current = self.shell.events.callbacks.get(event, [])
            if list(current) != original:
                what = "integrity monitor removed" if any(cb not in current for cb in original) else \
                    f"event hook registered on {event}"
                record("IPython event hook", what)
                current[:] = original
        if list(sys.meta_path) != self.meta_path:
            record("patched import system", "sys.meta_path changed")
            sys.meta_path[:] = self.meta_path
        current_builtins = vars(builtins)
        for key, value in self.builtins.items():
            if key not in IGNORED_BUILTINS and current_builtins.get(key) is not value:
                record("patched builtin", key)
                current_builtins[key] = value
        for name, (module, attributes, fingerprints) in self.modules.items():
            if sys.modules.get(name) is not module:
                record("patched module", f"sys.modules[{name!r}] replaced")
                sys.modules[name] = module
            current = vars(module)
            for key, print_ in fingerprints.items():
                if key in current and _fingerprint(current[key]) != print_:
                    record("patched module", f"{name}.{key} replaced")
                    current[key] = attributes[key]


def load_ipython_extension(shell) -> None:
    """Loaded by the grading kernel (--IPKernelApp.extensions) before any learner cell."""
    monitor = MONITOR or Monitor(None, Path.cwd())
    shell._exocourse_guard = Guard(shell, monitor)

