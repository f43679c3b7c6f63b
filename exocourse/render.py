"""Render the parts of the README and the lessons that come from the manifest and the references table.

`python -m exocourse.render` rewrites the text between <!-- BEGIN name --> and <!-- END name --> markers:
the module table in README.md and lesson 00, and each lesson's numbered reference list (built from the [id]
citations in its own markdown). `--check` changes nothing and exits 1 if anything is out of date (a test runs
it); `--review-due` lists lessons past their review date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from exocourse import data, manifest
from exocourse.paths import course_root

BLOCK = re.compile(r"(<!-- BEGIN (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- END (?P=name) -->)", re.S)


def module_table(m: dict) -> str:
    """The lessons and assessments with their minutes, as a markdown table."""
    lines = ["| Module | Part | Minutes | Objectives |", "|---|---|---:|---|"]
    total = 0
    for module in m["modules"]:
        for lesson in module["lessons"]:
            name = Path(lesson["file"]).stem
            lines.append(f"| {module['title']} | Lesson {name[:2]}: {lesson['title']} | {lesson['minutes']} | "
                         f"{', '.join(lesson['objectives']) or '—'} |")
            total += lesson["minutes"]
        for a in module["assessments"]:
            covered = sorted({o for item in a["items"] for o in item["objectives"]})
            lines.append(f"| {module['title']} | Assignment {a['id']}: {a['title']} | {a['minutes']} | "
                         f"{', '.join(covered)} |")
            total += a["minutes"]
    lines.append(f"| **Total** | | **{total}** | |")
    return "\n".join(lines) + "\n"


def course_overview(m: dict) -> str:
    """Lesson 00's overview: audience, objectives, time, pass mark, dates and disclaimer."""
    objectives = "\n".join(f"- **{o['id']}** — {o['text']}" for o in manifest.objectives(m))
    return (
        f"**Course:** {m['title']} (course id `{m['course_id']}`)\n\n"
        f"**Who it is for:** {m['audience']}\n\n"
        f"**Why it matters (practice gap):** {m['practice_gap']}\n\n"
        f"**Learning objectives.** By the end you will be able to:\n\n{objectives}\n\n"
        f"**Lessons, assignments and estimated time:**\n\n{module_table(m)}\n"
        f"**Pass mark:** {m['pass_mark_percent']}% of the points of each graded assignment.\n\n"
        f"**Content current as of:** {m['content_current_as_of']}. "
        f"FDA status of exosome products last re-checked: {m['fda_status_rechecked']}.\n\n"
        f"**Clinical disclaimer:** {m['disclaimer']}\n"
    )


def reference_list(markdown_cells: list[str]) -> str:
    ids = data.cited_ids("\n".join(markdown_cells))
    if not ids:
        return "No references are cited in this notebook.\n"
    return "\n".join(f"{n}. [{ref_id}] {data.format_reference(data.reference(ref_id))}"
                     for n, ref_id in enumerate(ids, 1)) + "\n"


def _replace(text: str, renderers: dict) -> str:
    def swap(match: re.Match) -> str:
        render = renderers.get(match["name"])
        return match.group(1) + render() + match.group(4) if render else match.group(0)

    return BLOCK.sub(swap, text)


def render_notebook(path: Path, m: dict) -> tuple[str, str]:
    """(old, new) text of a notebook with its rendered blocks brought up to date."""
    import nbformat

    old = path.read_text(encoding="utf-8")
    nb = nbformat.reads(old, as_version=4)
    cited_in = [c.source for c in nb.cells if c.cell_type == "markdown" and "<!-- BEGIN references -->" not in c.source]
    renderers = {"course-overview": lambda: course_overview(m), "course-table": lambda: module_table(m),
                 "references": lambda: reference_list(cited_in)}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _replace(cell.source, renderers)
    return old, nbformat.writes(nb) + "\n"


def outdated(root: Path | None = None, write: bool = False) -> list[str]:
    """Files whose rendered blocks are out of date (rewritten when write=True)."""
    root = Path(root) if root else course_root()
    m = manifest.load_manifest(root)
    changes = []
    readme = root / "README.md"
    old = readme.read_text(encoding="utf-8")
    new = _replace(old, {"course-table": lambda: module_table(m)})
    pairs = [(readme, old, new)]
    for notebook in sorted(root.glob("lessons/*.ipynb")) + sorted(root.glob("assignments/source/*/*.ipynb")):
        pairs.append((notebook, *render_notebook(notebook, m)))
    for path, before, after in pairs:
        if before != after:
            changes.append(str(path.relative_to(root)))
            if write:
                path.write_text(after, encoding="utf-8")
    return changes


def main(argv: list[str]) -> int:
    if "--review-due" in argv:
        due = manifest.review_due(manifest.load_manifest())
        for file, age in due:
            print(f"{file}: last reviewed {age} days ago — due for content review")
        if not due:
            print("No lesson is due for review (every lesson was reviewed in the last 365 days).")
        return 0
    if "--check" in argv:
        stale = outdated()
        for path in stale:
            print(f"{path}: out of date — run `make render`")
        return 1 if stale else 0
    for path in outdated(write=True):
        print(f"rendered {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
