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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from nbgrader.utils import parse_utc
from traitlets import List, Unicode

from exocourse.grading.learner_ids import LearnerIdError, check_learner_id

MAX_TOTAL, MAX_ENTRY, MAX_ENTRIES = 200 * 2**20, 20 * 2**20, 5000
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's own (Exchange.timestamp_format, in UTC)
STAMP = "timestamp.txt"


class ArchiveError(ValueError):
    """An archive or a request this route refuses; the message says why in one line."""


@dataclass
class Submission:
    learner: str
    notebook: str
    when: datetime  # UTC, naive, as nbgrader stores it
    entry: str
    data: bytes


def _when(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def _why(problem: Exception) -> str:
    """The first sentence of a message (a learner id's own may hold ". ")."""
    text = str(problem)
    cut = text.find(". ", text.lower().find("learner id"))
    return (text if cut < 0 else text[:cut]).rstrip(".").replace(": nothing was done", "")


def _opened(path: Path) -> zipfile.ZipFile:
    """The archive, open, or ArchiveError if it is not a zip or is too big unpacked (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as problem:  # a missing or unreadable file: its own OSError, one line
        raise ArchiveError(f"{path.name} is not a readable zip archive ({_why(problem)})") from None
    infos = archive.infolist()
    big, total = next((i for i in infos if i.file_size > MAX_ENTRY), None), sum(i.file_size for i in infos)
    if len(infos) > MAX_ENTRIES or big or total > MAX_TOTAL:
        archive.close()
        what = f"{big.filename} unpacks to {big.file_size:,} bytes (at most {MAX_ENTRY:,})" if big else \
            f"{len(infos):,} entries, {total:,} bytes unpacked (at most {MAX_ENTRIES:,} and {MAX_TOTAL:,})"
        raise ArchiveError(f"{path.name} refused: {what}; split it or remove what is not a notebook")
    return archive


def _place(name: str, info: zipfile.ZipInfo, notebooks: list[str]) -> tuple[str, str, bool] | str:
    """(learner, notebook, in a learner folder) for an entry, or why it is skipped."""
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts:
        return "its path leaves the archive"
    if (info.external_attr >> 16) & 0o170000 == 0o120000 or info.flag_bits & 0x1:
        return "a symbolic link or an encrypted entry, not a notebook"
    if not parts[-1].endswith(".ipynb"):
        return "not a notebook (.ipynb)"
    if parts[-1] in notebooks:
        return (parts[-2], parts[-1], True) if len(parts) > 1 else "not in a folder named after a learner"
    flat = next((n for n in notebooks if parts[-1].endswith("__" + n)), None)
    if flat:
        return parts[-1][: -len(flat) - 2], flat, False
    return f"{parts[-1].split('__')[-1]} is not a notebook of this assignment ({', '.join(notebooks)})"


def read_archive(path: Path, notebooks: list[str], reserved: set[str], kept: dict, notes: list[str]) -> None:
    """Add the archive's submissions to `kept` {(learner, notebook): Submission}, keeping the later of two, and one
    line per skipped entry to `notes`."""
    import nbformat

    with _opened(path) as archive:
        entries = [(i.filename.replace("\\", "/"), i) for i in archive.infolist() if not i.is_dir()]
        stamps = {str(PurePosixPath(n).parent): i for n, i in entries if PurePosixPath(n).name == STAMP}
        for name, info in entries:
            if "__MACOSX" in PurePosixPath(name).parts or PurePosixPath(name).name in {".DS_Store", STAMP}:
                continue
            place = _place(name, info, notebooks)
            try:
                if isinstance(place, str):
                    raise ArchiveError(place)
                learner, notebook, in_folder = place
                check_learner_id(learner, reserved)
            except ValueError as problem:  # LearnerIdError and ArchiveError are ValueErrors
                notes.append(f"{info.filename}: {_why(problem)}")
                continue
            try:
                data = archive.read(info)
                nbformat.reads(data.decode("utf-8"), as_version=4)
            except Exception as problem:  # noqa: BLE001 - whatever a broken entry raises, it is skipped, named
                notes.append(f"{info.filename}: not a readable notebook ({type(problem).__name__})")
                continue
            when, stamp = None, stamps.get(str(PurePosixPath(name).parent)) if in_folder else None
            if stamp is not None:
                try:
                    when = parse_utc(archive.read(stamp)[:100].decode("utf-8").strip())
                except Exception:  # noqa: BLE001 - an unreadable time falls back to the entry's own
                    notes.append(f"{stamp.filename}: not a time nbgrader reads; used the ZIP entry's time")
            try:
                new, old = Submission(learner, notebook, when or datetime(*info.date_time), info.filename, data), \
                    kept.get((learner, notebook))
            except ValueError:
                notes.append(f"{info.filename}: its ZIP entry has no valid date and there is no timestamp.txt")
                continue
            if old is not None:
                earlier, new = (new, old) if new.when < old.when else (old, new)
                notes.append(f"{earlier.entry}: {learner} handed in {notebook} twice; kept the later one, "
                             f"{new.entry} ({_when(new.when)})")
            kept[(learner, notebook)] = new


class ArchiveExtractor(ExtractorPlugin):
    """Checks every entry of the archive(s) and writes extracted/<learner>/<notebook> and timestamp.txt."""

    only = Unicode("", help="Extract only this file of the archive folder (default: every .zip).").tag(config=True)

    def extract(self, archive_path: str, extracted_path: str) -> None:
        coursedir = self.parent.coursedir
        release = Path(coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id))
        reserved = {coursedir.course_id} | {p.name for folder in (coursedir.source_directory, release.parent)
                                            for p in (Path(coursedir.root) / folder).glob("*") if p.is_dir()}
        kept: dict = {}
        self.notes: list[str] = []
        for path in sorted(Path(archive_path).glob("*.zip")):
            if path.name == (self.only or path.name):
                read_archive(path, sorted(p.name for p in release.glob("*.ipynb")), reserved, kept, self.notes)
        for sub in kept.values():
            (Path(extracted_path) / sub.learner).mkdir(parents=True, exist_ok=True)
            (Path(extracted_path) / sub.learner / sub.notebook).write_bytes(sub.data)
        for learner in {sub.learner for sub in kept.values()}:  # nbgrader keeps one time per learner: the latest
            latest = max(sub.when for sub in kept.values() if sub.learner == learner)
            (Path(extracted_path) / learner / STAMP).write_text(_when(latest) + "\n", encoding="utf-8")


class ArchiveCollector(FileNameCollectorPlugin):
    """Hands nbgrader extracted/<learner>/ unless that learner's filed submission is identical, newer, or (without
    --force) different. Collects timestamp.txt too, which ZipCollectApp then keeps as it is."""

    valid_ext = List([".ipynb", ".txt"]).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.filed: dict[str, list[str]] = {}
        self.notes: list[str] = []
        self._decided: dict[str, bool] = {}

    def _skip(self, line: str) -> bool:
        self.notes.append(line)
        return False

    def _decide(self, folder: Path) -> bool:
        learner, coursedir = folder.name, self.parent.coursedir
        target = Path(coursedir.format_path(coursedir.submitted_directory, learner, coursedir.assignment_id))
        new_time = parse_utc((folder / STAMP).read_text(encoding="utf-8").strip())
        new = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
        if target.is_dir() and any(target.iterdir()):
            try:
                old_time = parse_utc((target / STAMP).read_text(encoding="utf-8").strip())
            except (OSError, ValueError, OverflowError):
                old_time = None
            filed = f"the filed submission ({_when(old_time) if old_time else 'with no time'})"
            if old_time == new_time and all((target / n).is_file() and (target / n).read_bytes() == b
                                            for n, b in new.items()):
                return self._skip(f"{learner}: unchanged (already filed, identical)")
            if old_time and old_time > new_time:
                return self._skip(f"{learner}: kept {filed}, newer than the archive's")
            if not self.parent.force:
                return self._skip(f"{learner}: kept {filed}; the archive's ({_when(new_time)}) differs — add --force "
                                  "to replace it")
            self.notes.append(f"{learner}: replaced {filed} by the archive's")
        self.filed[learner] = sorted(new)
        return True

    def collect(self, submitted_file: str) -> dict | None:
        path = Path(submitted_file)
        if path.suffix not in self.valid_ext:
            return None
        if path.parent.name not in self._decided:
            self._decided[path.parent.name] = self._decide(path.parent)
        stamp = (path.parent / STAMP).read_text(encoding="utf-8").strip()
        return {"student_id": path.parent.name, "file_id": path.name, "timestamp": stamp} \
            if self._decided[path.parent.name] else None


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
    _opened(archive).close()  # not a zip, or a zip bomb: refused before anything is copied
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
            result["notes"].append(f"{learner}: skipped, {_why(problem)}")
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
