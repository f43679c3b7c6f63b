"""The kernel nbgrader runs learner code in: ipykernel plus the integrity monitor, optionally inside the sandbox.

The kernel specs run `python -m exocourse.grading.kernel [--sandbox] -f <connection file>`. With `--sandbox` this
module re-runs itself under bubblewrap (exocourse.grading.sandbox); inside, or without the sandbox, it installs the
audit hook and starts ipykernel with the IPython extension that guards every cell (exocourse.grading.monitor).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from exocourse.grading.sandbox import (
    AUDIT_FD_ENV,
    PACKAGE,
    REFUSAL,
    bwrap_command,
    sandbox_probe,
    submission_context,
)


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
    from exocourse.grading import monitor as watch

    monitor = watch.Monitor(audit_fd, Path.cwd())
    sys.addaudithook(monitor.audit)
    watch.MONITOR = monitor  # where the IPython extension (loaded by its module name) finds it
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=[*rest, "--IPKernelApp.extensions=['exocourse.grading.monitor']"])


if __name__ == "__main__":
    main(sys.argv[1:])
