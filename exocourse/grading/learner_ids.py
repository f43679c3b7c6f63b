"""One rule for learner ids, used wherever an id comes from outside (a command line, a roster, a hub user name).

An id is what nbgrader names a learner's folders after (grading/submitted/<id>/, exchange entries
<id>+<assignment>+<time>) and what JupyterHub calls the user (TLJH: jupyter-<name>; Zero to JupyterHub: the
escaped user name). So an id is 1–100 characters of letters, digits and `. _ @ -`, starting with a letter or a
digit: no path separator, no glob character (`* ? [ ]`), no `+` (nbgrader's own separator in the exchange), no
space at either end, and never the name of a course folder (`feedback`, `submitted`, `demo`, …), an assignment or
the course id, since a learner called `feedback` would otherwise match a whole shared folder.
"""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
# Folders the course and nbgrader keep learner data in, or next to it.
RESERVED = {"grading", "submitted", "autograded", "feedback", "exchange", "inbound", "outbound", "release",
            "source", "solution", "certificates", "integrity", "demo", "course", "learner-homes", "assignments",
            "lessons", "data", "exocourse", "tests", "build", "nbgrader", "gradebook", "cache", "tmp", "root",
            "backups", "downloaded", "revoked", "feedback-archive"}


class LearnerIdError(ValueError):
    """A learner id that could reach beyond one learner's own files. The message says what is wrong."""


def check_learner_id(value: object, reserved: set[str] | frozenset[str] = frozenset()) -> str:
    """`value` if it is a valid learner id; otherwise LearnerIdError saying why. `reserved`: more names that are
    not ids here (the course's assignments and course id)."""
    if not isinstance(value, str):
        raise LearnerIdError(f"A learner id must be text; got {type(value).__name__}.")
    if value != value.strip():
        raise LearnerIdError(f"Learner id {value!r} has spaces at its start or end; give it without them.")
    if not value:
        raise LearnerIdError("Give a learner id (the learner's user name in the gradebook).")
    if not ID_PATTERN.fullmatch(value):
        bad = sorted({ch for ch in value if not re.fullmatch(r"[A-Za-z0-9._@-]", ch)})
        why = f"it contains {', '.join(repr(ch) for ch in bad)}" if bad else \
            "it must start with a letter or digit and be at most 100 characters"
        raise LearnerIdError(f"{value[:60]!r} is not a learner id: {why}. Learner ids use letters, digits and "
                             ". _ @ - only.")
    if value.lower() in RESERVED | {name.lower() for name in reserved}:
        raise LearnerIdError(f"{value!r} is the name of a course folder, an assignment or the course itself, not "
                             "a learner id: nothing was done. If a learner really has this user name, rename "
                             "their account or handle their data by hand.")
    return value
