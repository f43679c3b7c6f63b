"""The grading sandbox: the two grading kernel specs, the bubblewrap probe and command line, and `configure`.

nbgrader is not a sandbox: learner code runs in the same kernel as the tests, with the grader's rights. The
grading kernel (exocourse.grading.kernel) narrows that in two ways: an integrity monitor, always
(exocourse.grading.monitor), and this sandbox when bubblewrap works on this host. The kernel then runs under
`bwrap` with the whole file system read-only, the course folder (gradebook, other learners' work, sources)
replaced by an empty one except the learner's own submission copy and the course's Python environment, no network
(kernel transport `ipc`), its own process namespace, and `--die-with-parent`.

`configure(c)` (called from nbgrader_config.py) installs the two kernel specs and picks one. Grading fails
closed: EXOCOURSE_SANDBOX=1 (the default; `auto` means the same) needs a working sandbox, and `nbgrader autograde`
refuses to start without one; EXOCOURSE_SANDBOX=0 grades unsandboxed on purpose, with a warning on every run. In
both modes exocourse.grading.guard snapshots the gradebook and the course tree around each learner's code and
puts back anything that code changed.
"""

from __future__ import annotations

import atexit
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
_SOCKET_FOLDERS: set[Path] = set()  # made by configure() in this process


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
    if sockets not in _SOCKET_FOLDERS:  # removed when this process ends, not left behind in the runtime folder
        _SOCKET_FOLDERS.add(sockets)
        atexit.register(shutil.rmtree, sockets, ignore_errors=True)
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
