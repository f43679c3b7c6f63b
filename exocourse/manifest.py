"""The course manifest: course.yml plus one course.d/*.yml file per module.

Everything that needs the course id, objectives, lessons, minutes, the pass mark or the continuing-education
(CE) metadata reads it from here, so a change is made once. `load_manifest()` validates the merged manifest
against manifest_schema.json and checks what a schema cannot (objective ids, CE dates, the CE assignments).

    python -m exocourse.manifest review-due     # lessons and CE dates due for review (a report; exits 0)
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
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
    try:
        manifest = _plain(yaml.safe_load(course_file.read_text(encoding="utf-8")))
    except yaml.YAMLError as problem:
        where = getattr(problem, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise ManifestError(f"{course_file} is not valid YAML{at}: {getattr(problem, 'problem', problem)}.") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"{course_file} must hold the course's facts as `key: value` lines; it holds "
                            f"{'nothing' if manifest is None else 'a ' + type(manifest).__name__}.")
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
    used = {oid for a in manifest["course_assessments"] for item in a["items"] for oid in item["objectives"]}
    if used - known:
        raise ManifestError(f"course manifest: course_assessments name unknown objectives {sorted(used - known)}.")
    ids = [a["id"] for a in assessments(manifest)]
    if len(ids) != len(set(ids)):
        raise ManifestError("course manifest: an assignment id is used twice.")
    _validate_ce(manifest)


def _validate_ce(manifest: dict) -> None:
    """CE rules a schema cannot express: dates in order, expiry within 3 years, the CE assignments exist."""
    ce = manifest["ce"]
    release = _dt.date.fromisoformat(ce["release_date"])
    review = _dt.date.fromisoformat(ce["last_review_date"])
    expiry = _dt.date.fromisoformat(ce["expiry_date"])
    if not release <= review < expiry:
        raise ManifestError("course manifest: ce dates must run release_date <= last_review_date < expiry_date.")
    if expiry > latest_expiry(release):
        raise ManifestError(f"course manifest: ce expiry_date {expiry} is more than 3 years after release "
                            f"({release}); the latest allowed is {latest_expiry(release)}.")
    course_ids = {a["id"]: a for a in manifest["course_assessments"]}
    for role in ("pretest", "posttest", "evaluation"):
        if ce[role] not in course_ids:
            raise ManifestError(f"course manifest: ce {role} {ce[role]!r} is not in course_assessments.")
    for role in ("pretest", "posttest"):
        items = course_ids[ce[role]]["items"]
        if not items or any(item.get("manual") for item in items):
            raise ManifestError(f"course manifest: the {role} must have items, all marked automatically.")
    if course_ids[ce["evaluation"]]["items"]:
        raise ManifestError("course manifest: the evaluation is ungraded, so it must list no graded items.")


def latest_expiry(release: _dt.date) -> _dt.date:
    """Three years after release, the longest an enduring CE activity may run without re-review."""
    try:
        return release.replace(year=release.year + 3)
    except ValueError:  # released on 29 February
        return release.replace(year=release.year + 3, day=28)


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
    """Every assignment: the module problem sets, then the pre-test, post-test and evaluation."""
    return [a for m in manifest["modules"] for a in m["assessments"]] + list(manifest["course_assessments"])


def module_assignments(manifest: dict) -> list[str]:
    """The module assignment ids a learner must submit to complete the course, e.g. ['ps1', 'ps2', 'ps3', 'ps4']
    (not the pre-test, post-test or evaluation)."""
    return [a["id"] for m in manifest["modules"] for a in m["assessments"]]


def graded_points(manifest: dict, assignment_id: str) -> float:
    """All points of an assignment (automatic and manual)."""
    return sum(item["points"] for item in assessment(manifest, assignment_id)["items"])


def credit_minutes(manifest: dict) -> int:
    """Estimated minutes that count toward credit: lessons, module assignments, pre-test and post-test (not the
    evaluation). The CE credit hours must equal this divided by 60."""
    return sum(lesson["minutes"] for lesson in lessons(manifest)) + sum(
        a["minutes"] for a in assessments(manifest) if a.get("counts_toward_credit", True))


PLACEHOLDER = re.compile(r"\[(?:Program to complete|Accredited provider to insert):[^\]]*\]")


def ce_placeholders(manifest: dict) -> list[str]:
    """Where the CE metadata still holds a text the program or accredited provider must replace ('ce.contact',
    'ce.faculty[0].name', ...). Empty once the program has completed everything."""
    found = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{where}[{n}]")
        elif isinstance(value, str) and PLACEHOLDER.search(value):
            found.append(where)

    walk(manifest["ce"], "ce")
    return found


def ce_info(manifest: dict) -> dict:
    """Everything a completion report, a certificate or lesson 00 needs about CE, in one dictionary.

    Keys: the `ce` fields of course.yml (dates as ISO strings), plus course_id, title, pass_mark_percent,
    posttest_points and pass_points (the post-test score needed to pass), module_assignments, credit_minutes,
    latest_expiry, expired (False/True as of today) and placeholders (what the program must still fill in)."""
    ce = manifest["ce"]
    posttest_points = graded_points(manifest, ce["posttest"])
    return {
        **ce,
        "course_id": manifest["course_id"],
        "title": manifest["title"],
        "pass_mark_percent": manifest["pass_mark_percent"],
        "posttest_points": posttest_points,
        "pass_points": pass_points(manifest["pass_mark_percent"], posttest_points),
        "module_assignments": module_assignments(manifest),
        "credit_minutes": credit_minutes(manifest),
        "latest_expiry": latest_expiry(_dt.date.fromisoformat(ce["release_date"])).isoformat(),
        "expired": _dt.date.today() > _dt.date.fromisoformat(ce["expiry_date"]),
        "placeholders": ce_placeholders(manifest),
    }


def pass_points(pass_mark_percent: float, points: float) -> float:
    """The least score that reaches the pass mark: 75% of 12 points -> 9."""
    return math.ceil(round(pass_mark_percent * points / 100, 9))


def passed(score: float, max_score: float, pass_mark_percent: float) -> bool:
    """At or above the pass mark (a score exactly on the mark passes)."""
    return max_score > 0 and round(100 * score / max_score, 9) >= pass_mark_percent


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


def ce_review_report(manifest: dict, today: _dt.date | None = None, every_days: int = 365,
                     warn_days: int = 90) -> list[str]:
    """Sentences about the CE dates: a CE review older than `every_days`, an expiry within `warn_days` or past."""
    today = today or _dt.date.today()
    ce = manifest["ce"]
    lines = []
    age = (today - _dt.date.fromisoformat(ce["last_review_date"])).days
    if age > every_days:
        lines.append(f"CE content review: last on {ce['last_review_date']}, {age} days ago — due for review")
    left = (_dt.date.fromisoformat(ce["expiry_date"]) - today).days
    if left < 0:
        lines.append(f"CE expiry: the activity expired on {ce['expiry_date']} — no credit after that date")
    elif left <= warn_days:
        lines.append(f"CE expiry: {ce['expiry_date']}, in {left} days — re-review and set new dates")
    return lines


def references_older_than_review(manifest: dict, references: dict[str, dict]) -> list[str]:
    """References last read before the course's last content review (ce.last_review_date): one line each."""
    review = _dt.date.fromisoformat(str(manifest["ce"]["last_review_date"]))
    return [f"reference {ref_id}: last read {row['accessed']}, before the course's review of {review} — re-read it"
            for ref_id, row in sorted(references.items())
            if row.get("accessed") and _dt.date.fromisoformat(row["accessed"]) < review]


def review_due_report(manifest: dict, today: _dt.date | None = None, folder: Path | None = None) -> list[str]:
    """Every review-due line: lessons, the CE dates, currency-register facts past their next check, and references
    read before the course's last review. Empty when nothing is due."""
    from exocourse import currency, data

    data_folder = Path(folder) / "data" if folder else None
    return [f"{file}: last reviewed {age} days ago — due for content review"
            for file, age in review_due(manifest, today)] + ce_review_report(manifest, today) + \
        currency.due(today, data_folder) + references_older_than_review(
            manifest, data.references(data_folder))


def main(argv: list[str]) -> int:
    if argv[:1] != ["review-due"]:
        print("usage: python -m exocourse.manifest review-due")
        return 2
    lines = review_due_report(load_manifest())
    print("\n".join(lines) if lines else
          "Nothing is due for review: every lesson and the CE dates were reviewed in the last 365 days, no fact of the "
          "currency register is past its next check, and every reference was read on or after the last review.")
    return 0  # a report, not a failure


if __name__ == "__main__":
    import sys

    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
