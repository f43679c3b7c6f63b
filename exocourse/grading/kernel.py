"""The kernel nbgrader runs learner code in: ipykernel plus an integrity monitor, optionally inside a sandbox.

nbgrader is not a sandbox: learner code runs in the same kernel as the tests, with the grader's rights. This
module narrows that in two ways.

* **Integrity monitor** (always). Before the first learner cell runs, a `sys.addaudithook` hook (which cannot be
  removed) and an IPython extension are installed. The hook records file access outside the submission,
  processes, network and native code; the extension puts back IPython input transformers, event hooks, patched
  grading modules and builtins before every cell, and records that it had to. Records go to
  grading/integrity/<assignment>/<learner>.jsonl, which `python -m exocourse.grading.integrity` reports on.
* **Sandbox** (when bubblewrap works on this host). The kernel runs under `bwrap` with the whole file system
  read-only, the course folder (gradebook, other learners' work, sources) replaced by an empty one except the
  learner's own submission copy and the course's Python environment, no network (kernel transport `ipc`), its
  own process namespace, and `--die-with-parent`.

`configure(c)` (called from nbgrader_config.py) installs the two kernel specs and picks one. Grading fails
closed: EXOCOURSE_SANDBOX=1 (the default; `auto` means the same) needs a working sandbox, and `nbgrader autograde`
refuses to start without one; EXOCOURSE_SANDBOX=0 grades unsandboxed on purpose, with a warning on every run. In
both modes exocourse.grading.guard snapshots the gradebook and the course tree around each learner's code and
puts back anything that code changed.
"""

from __future__ import annotations

import atexit
import builtins
import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the whole exocourse package, which the kernel runs on

KERNEL_AUDITED = "exocourse-grader"
KERNEL_SANDBOXED = "exocourse-grader-sandbox"
AUDIT_FD_ENV = "EXOCOURSE_AUDIT_FD"


# ----------------------------------------------------------------------------------- kernel specs & config ---
def install_kernelspecs(prefix: str = sys.prefix) -> None:
    """Write the two grading kernel specs into this environment (idempotent)."""
    for name, extra in ((KERNEL_AUDITED, []), (KERNEL_SANDBOXED, ["--sandbox"])):
        # -B: the kernel writes no bytecode, so a new file in a __pycache__ folder is never the grader's own.
        spec = {"argv": [sys.executable, "-B", "-m", "exocourse.grading.kernel", *extra, "-f", "{connection_file}"],
                "display_name": f"Course grading kernel{' (sandboxed)' if extra else ''}",
                "language": "python", "metadata": {"debugger": False},
                # A signal would reach bwrap, not the kernel inside it: interrupt with a message instead.
                "interrupt_mode": "message"}
        folder = Path(prefix) / "share" / "jupyter" / "kernels" / name
        text = json.dumps(spec, indent=1) + "\n"
        if not (folder / "kernel.json").exists() or (folder / "kernel.json").read_text() != text:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "kernel.json").write_text(text)


BWRAP_USERNS = ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]
BWRAP_PLAIN = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]


@lru_cache(maxsize=1)
def sandbox_probe() -> tuple[list[str] | None, str]:
    """(namespace flags that work here, or None; a sentence saying why). Some hosts block user namespaces."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return None, "bubblewrap (bwrap) is not installed"
    for flags in (BWRAP_USERNS, BWRAP_PLAIN):
        trial = [bwrap, "--die-with-parent", *flags, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                 "true"]
        try:
            if subprocess.run(trial, capture_output=True, timeout=20).returncode == 0:
                return flags, "bubblewrap works here" + ("" if flags is BWRAP_USERNS else " (without user namespaces)")
        except (OSError, subprocess.TimeoutExpired):
            pass
    return None, "bubblewrap is installed but this host does not let it create namespaces"


REFUSAL = """\
error: autograding refused — the grading sandbox does not work on this machine ({why}).
  Learner code would run with your rights and could change the gradebook or other learners' work.
  - On Debian or Ubuntu: sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap)
  - On macOS or Windows there is no bubblewrap: grade on the course hub, or in a Linux VM or container.
  - To grade without the sandbox on purpose: EXOCOURSE_SANDBOX=0 nbgrader autograde … (every submission is then
    graded between a gradebook snapshot and a check, and anything changed is put back and flagged)."""
UNSANDBOXED = ("WARNING: grading WITHOUT the sandbox (EXOCOURSE_SANDBOX=0). Learner code runs with your rights; "
               "the gradebook and course files are snapshotted before each submission and restored if it changes "
               "them. Review `make integrity` before releasing grades.")


def sandbox_wanted() -> bool:
    """False only when the instructor switched the sandbox off explicitly (EXOCOURSE_SANDBOX=0)."""
    return os.environ.get("EXOCOURSE_SANDBOX", "1").strip().lower() not in {"0", "off", "no", "false"}


def refusal(setting: str | None = None) -> str | None:
    """The message that stops grading when the sandbox is wanted but does not work here; None when grading may go on.
    `setting`: an EXOCOURSE_SANDBOX value to judge instead of this process's own."""
    if setting is not None and setting.strip().lower() in {"0", "off", "no", "false"}:
        return None
    if setting is None and not sandbox_wanted():
        return None
    flags, why = sandbox_probe()
    return None if flags is not None else REFUSAL.format(why=why)


def _running_autograde(argv: list[str]) -> bool:
    """True when this process is `nbgrader autograde …` (or `python -m nbgrader autograde …`)."""
    return len(argv) > 1 and argv[1] == "autograde" and "nbgrader" in Path(argv[0]).as_posix()


def configure(c, argv: list[str] | None = None) -> str:
    """Install the kernel specs and point nbgrader at the right one. Returns the kernel name chosen.

    `nbgrader autograde` without a working sandbox (and without EXOCOURSE_SANDBOX=0) stops here with an
    explanation. Other commands (generate_assignment, feedback, formgrader) go on; should anything else try to
    grade, the sandboxed kernel itself refuses to start, so no learner code ever runs unsandboxed by accident."""
    install_kernelspecs()
    argv = sys.argv if argv is None else argv
    # Neither nbgrader nor the grading kernel writes bytecode during grading: then any file that appears in a
    # __pycache__ folder while a learner's code runs is that code's doing (exocourse.grading.guard checks).
    sys.dont_write_bytecode = True
    if not sandbox_wanted():
        if _running_autograde(argv):
            print(UNSANDBOXED, file=sys.stderr)
            from exocourse.grading.guard import exclusive_run

            # One unsandboxed grading process at a time, before it writes anything: each learner's snapshot
            # window then sees no other grader's writes.
            db_url = c.CourseDirectory.get("db_url", "")
            exclusive_run(Path(db_url.removeprefix("sqlite:///")).parent if db_url.startswith("sqlite:///")
                          else Path.cwd() / "grading")
        c.Execute.kernel_name = KERNEL_AUDITED
        return KERNEL_AUDITED
    message = refusal()
    if message and _running_autograde(argv):
        print(message, file=sys.stderr)
        raise SystemExit(2)
    from jupyter_core.paths import jupyter_runtime_dir

    c.Execute.kernel_name = KERNEL_SANDBOXED
    # The sandbox has no network, so the kernel talks over Unix sockets in the runtime folder, which the sandbox
    # shares; an absolute, per-process name keeps two grading processes apart.
    sockets = Path(jupyter_runtime_dir()) / f"exocourse-grader-{os.getpid()}"
    sockets.mkdir(parents=True, exist_ok=True)
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(sockets / "kernel")
    return KERNEL_SANDBOXED


# ------------------------------------------------------------------------------------------ where we are ---
def submission_context(cwd: Path) -> dict | None:
    """For a kernel started by nbgrader autograde in grading/autograded/<learner>/<assignment>: the paths."""
    parts = cwd.parts
    if "autograded" not in parts or parts.index("autograded") + 2 >= len(parts):
        return None
    at = parts.index("autograded")
    grading = Path(*parts[:at])  # nbgrader_config.py puts everything graded under <course root>/grading
    return {"learner": parts[at + 1], "assignment": parts[at + 2], "grading": grading, "root": grading.parent,
            "log": grading / "integrity" / parts[at + 2] / f"{parts[at + 1]}.jsonl"}


def bwrap_command(inner: list[str], submission: Path, hidden: Path, keep: list[Path], connection_file: Path,
                  sockets: Path, flags: list[str], audit_fd: int | None) -> list[str]:
    """The bubblewrap command line that runs `inner` with only `submission` writable and `hidden` emptied."""
    command = ["bwrap", "--die-with-parent", "--new-session", *flags, "--cap-drop", "ALL",
               "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", str(hidden)]
    for path in keep:  # the course's own Python environment and package, read-only
        command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(submission), str(submission), "--bind", str(sockets), str(sockets),
                "--ro-bind", str(connection_file), str(connection_file),
                "--remount-ro", str(hidden),  # the emptied course folder is read-only too: writes there fail
                "--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/.ipython", "--chdir", str(submission),
                # In its own process namespace the kernel's parent is pid 1. ipykernel never polls a parent of pid 1
                # (--die-with-parent does that job), and a parent set keeps it from printing its "Ctrl-C will not
                # work" note for a kernel started by hand into the instructor's terminal.
                "--setenv", "JPY_PARENT_PID", "1"]
    if audit_fd is not None:
        command += ["--setenv", AUDIT_FD_ENV, str(audit_fd)]
    return [*command, "--", *inner]


def main(argv: list[str]) -> None:
    sandbox = "--sandbox" in argv
    rest = [a for a in argv if a != "--sandbox"]
    context = submission_context(Path.cwd())
    audit_fd = None
    if AUDIT_FD_ENV in os.environ:  # inside the sandbox: the outer process opened the log for us
        audit_fd = int(os.environ[AUDIT_FD_ENV])
    elif context:
        context["log"].parent.mkdir(parents=True, exist_ok=True)
        audit_fd = os.open(context["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        os.set_inheritable(audit_fd, True)
    if sandbox:
        flags, why = sandbox_probe()
        if flags is None:
            sys.exit(REFUSAL.format(why=why))
        connection_file = Path(rest[rest.index("-f") + 1]).resolve()
        sockets = Path(json.loads(connection_file.read_text())["ip"]).parent  # ipc transport: a socket folder
        submission = Path.cwd()
        hidden = context["root"] if context else submission.parent
        # The course's Python environment and package stay visible (read-only) even when they live under the
        # emptied course folder or under /tmp (a CI checkout, say).
        keep = list(dict.fromkeys(Path(p).resolve() for p in (sys.prefix, sys.base_prefix, PACKAGE)))
        inner = [sys.executable, "-B", "-m", "exocourse.grading.kernel", *rest]
        command = bwrap_command(inner, submission, hidden, keep, connection_file, sockets, flags, audit_fd)
        os.execvp(command[0], command)  # the fd is inherited; bwrap dies with nbgrader's kernel manager
    # Run as a script this file is __main__; the IPython extension imports it as exocourse.grading.kernel, so the
    # monitor must live on that module for the extension to find it.
    from exocourse.grading import kernel as loaded

    monitor = loaded.Monitor(audit_fd, Path.cwd())
    sys.addaudithook(monitor.audit)
    loaded.MONITOR = monitor
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=[*rest, "--IPKernelApp.extensions=['exocourse.grading.kernel']"])


# -------------------------------------------------------------------------------------------- the monitor ---
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


if __name__ == "__main__":
    main(sys.argv[1:])
