"""Off a hub: hand-in by archive. Learners hand in notebooks through the program's LMS or by e-mail; you download
ONE .zip and file every notebook where nbgrader expects it with nbgrader's own `nbgrader zip_collect` and the two
plugins below; after grading, one zip of feedback per learner goes back the same way. From the course folder:

    python -m exocourse.grading.archive collect ps1 submissions.zip [--force]  # make collect-archive ASSIGNMENT=ps1 ARCHIVE=…
    nbgrader autograde ps1; (manual grading); nbgrader generate_feedback ps1
    python -m exocourse.grading.archive feedback ps1 [--out grading/feedback-archive]  # make feedback-archive ASSIGNMENT=ps1

The archive (enclosing folders above these, at any depth, are ignored):
    <learner id>/<notebook>.ipynb     one folder per learner: the layout the course asks programs to use
    <learner id>/timestamp.txt        optional: the submission time, nbgrader's format 2024-03-04 09:15:30.123456 UTC
    <learner id>__<notebook>.ipynb    flat, as LMS downloads name files (two underscores)
<notebook> is one of assignments/release/<assignment>/*.ipynb; learner ids follow exocourse.grading.learner_ids. Submission
time: the timestamp.txt beside the notebook (folder layout only; trusted, so only the program should write it), else
the ZIP entry's own date and time (an LMS download sets the upload time), read as UTC. It is filed as nbgrader's
grading/submitted/<learner>/<assignment>/timestamp.txt, which `nbgrader autograde` records in the gradebook.

`collect` copies the archive to grading/downloaded/<assignment>/archive/ and runs nbgrader's ZipCollectApp with
ArchiveExtractor (checks each entry, writes grading/downloaded/<assignment>/extracted/<learner>/) and ArchiveCollector
(tells nbgrader what to file); afterwards both working copies are removed (your download stays where it was). Skipped and named with the reason: a bad learner id, a notebook not of the assignment,
a file that is not a readable .ipynb, a path leaving the archive (`..`, absolute), a symbolic link, an encrypted
entry. Refused whole: not a zip, over 200 MB unpacked, an entry over 20 MB, over 5000 entries. The same learner and
notebook twice: the later time is kept. Filed before: unchanged if identical, else kept unless --force, and never
replaced by an older submission.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import zipfile
from pathlib import Path

# nbgrader loads the plug-ins by these names (nbgrader_config.py, collect below)
from exocourse.grading.archive_plugins import ArchiveCollector, ArchiveExtractor  # noqa: F401
from exocourse.grading.archive_reader import ArchiveError, first_sentence, open_archive
from exocourse.grading.learner_ids import LearnerIdError, check_learner_id


def _assignment(root: Path, assignment: str) -> str:
    known = {p.name for p in (root / "assignments").glob("*/*") if p.is_dir()}
    if assignment not in known:
        raise ArchiveError(f"no assignment {assignment!r} in assignments/ (known: {', '.join(sorted(known))})")
    return assignment


def collect(assignment: str, archive: str | Path, force: bool = False) -> dict:
    """File the notebooks of `archive` for `assignment` with nbgrader's ZipCollectApp, run from the course folder."""
    from nbgrader.apps.zipcollectapp import ZipCollectApp

    root = Path.cwd()
    if not (root / "nbgrader_config.py").is_file():
        raise ArchiveError("run this from the course folder (the one with nbgrader_config.py)")
    if not str(archive).strip():
        raise ArchiveError("give the archive: make collect-archive ASSIGNMENT=ps1 ARCHIVE=path/to/submissions.zip")
    archive, downloaded = Path(archive), root / "grading" / "downloaded" / _assignment(root, assignment)
    if not any((root / "assignments" / "release" / assignment).glob("*.ipynb")):
        raise ArchiveError(f"no release of {assignment}: run `nbgrader generate_assignment {assignment}` first")
    open_archive(archive).close()  # not a zip, or a zip bomb: refused before anything is copied
    copy = downloaded / "archive" / (re.sub(r"[^A-Za-z0-9_.-]", "_", archive.stem) + ".zip")  # a plain name
    copy.parent.mkdir(parents=True, exist_ok=True)
    if archive.resolve() != copy.resolve():
        shutil.copyfile(archive, copy)
    shutil.rmtree(downloaded / "extracted", ignore_errors=True)  # nbgrader's working copy, made again each time
    app, search_path = ZipCollectApp(), list(sys.path)  # nbgrader puts the working folder first on sys.path
    try:
        app.initialize([assignment, "--log-level=ERROR", "--ZipCollectApp.downloaded_directory=grading/downloaded",
                        "--ZipCollectApp.strict=True", f"--ArchiveExtractor.only={copy.name}",
                        "--ZipCollectApp.extractor_plugin=exocourse.grading.archive.ArchiveExtractor",
                        "--ZipCollectApp.collector_plugin=exocourse.grading.archive.ArchiveCollector", *(["--force"] * force)])
        app.start()
    except SystemExit as stop:
        if stop.code:
            raise ArchiveError("nbgrader zip_collect stopped; its message is above") from None
    finally:
        app.clear_instance()
        sys.path[:] = search_path
        # The filed submissions are the record and the instructor keeps the download: no second copy of the class's
        # work stays behind (forget-learner could not take one learner out of a whole-class zip).
        shutil.rmtree(downloaded / "extracted", ignore_errors=True)
        if archive.resolve() != copy.resolve():
            copy.unlink(missing_ok=True)
    submitted, collector = root / "grading" / "submitted", app.collector_plugin_inst
    filed = {learner: names for learner, names in collector.filed.items()
             if all((submitted / learner / assignment / n).is_file() for n in names)}
    return {"filed": filed, "skipped": getattr(app.extractor_plugin_inst, "notes", []), "notes": collector.notes}


def feedback(assignment: str, out: str | Path = "grading/feedback-archive") -> dict:
    """Write out/<assignment>/<learner>_<assignment>_feedback.zip per learner with the learner's own feedback HTML
    (grading/feedback/<learner>/<assignment>/*.html) and certificate (grading/certificates/<learner>/*.pdf) only."""
    root, grading = Path.cwd(), Path.cwd() / "grading"
    reserved = {p.name for p in (root / "assignments").glob("*/*") if p.is_dir()}
    learners = sorted({p.parent.name for kind in ("submitted", "feedback")
                       for p in (grading / kind).glob(f"*/{_assignment(root, assignment)}") if p.is_dir()})
    result: dict = {"written": {}, "missing": [], "notes": [], "folder": Path(out) / assignment}
    for learner in learners:
        try:
            check_learner_id(learner, reserved)
        except LearnerIdError as problem:
            result["notes"].append(f"{learner}: skipped, {first_sentence(problem)}")
            continue
        own = [(grading / "feedback" / learner / assignment, "*.html"), (grading / "certificates" / learner, "*.pdf")]
        files = [p for folder, pattern in own for p in sorted(folder.glob(pattern))  # no symbolic link on the way
                 if p.is_file() and p.resolve() == grading.resolve() / p.relative_to(grading)]
        if not any(p.suffix == ".html" for p in files):
            result["missing"].append(learner)
            continue
        target = result["folder"] / f"{learner}_{assignment}_feedback.zip"
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target.with_suffix(".partial"), "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in files:
                bundle.write(path, path.name)
        target.with_suffix(".partial").replace(target)
        result["written"][learner] = [p.name for p in files]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.grading.archive", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("collect", help="file the notebooks of an archive with nbgrader zip_collect")
    one.add_argument("assignment")
    one.add_argument("archive")
    one.add_argument("--force", action="store_true", help="replace filed submissions by newer ones of the archive")
    two = commands.add_parser("feedback", help="one zip of feedback (and certificate) per learner")
    two.add_argument("assignment")
    two.add_argument("--out", default="grading/feedback-archive")
    args = parser.parse_args(argv)
    if args.command == "collect":
        result = collect(args.assignment, args.archive, args.force)
        filed, skipped = result["filed"], result["skipped"]
        lines = [f"{args.assignment}: filed {sum(map(len, filed.values()))} notebooks for {len(filed)} learners "
                 f"({', '.join(sorted(filed)) or 'none'}), skipped {len(skipped)}" + (":" if skipped else "")]
        lines += [f"  {line}" for line in skipped + result["notes"]]
        lines += [f"Next: nbgrader autograde {args.assignment}"] if filed else []
    else:
        result = feedback(args.assignment, args.out)
        lines = [f"{result['folder']}/{learner}_{args.assignment}_feedback.zip: {', '.join(names)}"
                 for learner, names in result["written"].items()]
        lines += [f"{len(result['written'])} feedback archive(s) written in {result['folder']}"]
        lines += [f"  {line}" for line in result["notes"]]
        lines += [f"No feedback yet (after grading, run nbgrader generate_feedback {args.assignment}): "
                  f"{', '.join(result['missing'])}"] if result["missing"] else []
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
