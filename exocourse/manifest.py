"""The course manifest: course.yml plus one course.d/*.yml file per module.

Everything that needs the course id, objectives, lessons, minutes or the pass mark reads it from here, so a
change is made once. `load_manifest()` validates the merged manifest against manifest_schema.json.
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from pathlib import Path

from exocourse.paths import course_root

SCHEMA_FILE = Path(__file__).with_name("manifest_schema.json")


class ManifestError(ValueError):
    """The course manifest is missing, malformed or inconsistent."""


def _plain(value):
    """YAML turns ISO dates into date objects; the schema and the lessons want strings."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def read_manifest(root: Path | None = None) -> dict:
    """Merge course.yml with course.d/*.yml (in file-name order) without validating."""
    import yaml

    root = Path(root) if root else course_root()
    course_file = root / "course.yml"
    if not course_file.exists():
        raise ManifestError(f"No course manifest at {course_file}.")
    manifest = _plain(yaml.safe_load(course_file.read_text(encoding="utf-8")))
    manifest["modules"] = [
        _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted((root / "course.d").glob("*.yml"))
    ]
    return manifest


def validate_manifest(manifest: dict) -> None:
    """Raise ManifestError if the manifest breaks the schema or refers to objectives that do not exist."""
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(checker.iter_errors(manifest), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top level)"
        raise ManifestError(f"course manifest: {where}: {errors[0].message}")
    known = {o["id"] for o in objectives(manifest)}
    if len(known) != len(list(objectives(manifest))):
        raise ManifestError("course manifest: an objective id is defined twice.")
    for module in manifest["modules"]:
        used = [oid for lesson in module["lessons"] for oid in lesson["objectives"]]
        used += [oid for a in module["assessments"] for item in a["items"] for oid in item["objectives"]]
        unknown = sorted(set(used) - known)
        if unknown:
            raise ManifestError(f"course manifest: module {module['module']} names unknown objectives {unknown}.")


@lru_cache(maxsize=4)
def load_manifest(root: Path | None = None) -> dict:
    """The merged, validated manifest of the course at `root` (default: this course)."""
    manifest = read_manifest(root)
    validate_manifest(manifest)
    return manifest


def objectives(manifest: dict) -> list[dict]:
    return [o for m in manifest["modules"] for o in m["objectives"]]


def lessons(manifest: dict) -> list[dict]:
    return [lesson for m in manifest["modules"] for lesson in m["lessons"]]


def assessments(manifest: dict) -> list[dict]:
    return [a for m in manifest["modules"] for a in m["assessments"]]


def assessment(manifest: dict, assignment_id: str) -> dict:
    for a in assessments(manifest):
        if a["id"] == assignment_id:
            return a
    raise ManifestError(f"course manifest has no assessment {assignment_id!r}.")


def review_due(manifest: dict, today: _dt.date | None = None, every_days: int = 365) -> list[tuple[str, int]]:
    """Lessons whose last review is older than `every_days`: (file, days since review). A report, not a failure."""
    today = today or _dt.date.today()
    due = []
    for lesson in lessons(manifest):
        age = (today - _dt.date.fromisoformat(lesson["last_reviewed"])).days
        if age > every_days:
            due.append((lesson["file"], age))
    return due
