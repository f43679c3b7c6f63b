"""The two nbgrader `zip_collect` plug-ins of hand-in by archive (exocourse.grading.archive): the extractor checks
every entry and writes extracted/<learner>/, the collector tells nbgrader what to file."""

from __future__ import annotations

from pathlib import Path

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from nbgrader.utils import parse_utc
from traitlets import List, Unicode

from exocourse.grading.archive_reader import STAMP, format_time, read_archive


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
            (Path(extracted_path) / learner / STAMP).write_text(format_time(latest) + "\n", encoding="utf-8")


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
            filed = f"the filed submission ({format_time(old_time) if old_time else 'with no time'})"
            if old_time == new_time and all((target / n).is_file() and (target / n).read_bytes() == b
                                            for n, b in new.items()):
                return self._skip(f"{learner}: unchanged (already filed, identical)")
            if old_time and old_time > new_time:
                return self._skip(f"{learner}: kept {filed}, newer than the archive's")
            if not self.parent.force:
                return self._skip(f"{learner}: kept {filed}; the archive's ({format_time(new_time)}) differs — add --force "
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
