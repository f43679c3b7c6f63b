"""Render the parts of the README and the lessons that come from the manifest and the references table.

`python -m exocourse.build.render` rewrites the text between <!-- BEGIN name --> and <!-- END name --> markers:
the module table and the continuing-education (CE) block in README.md and lesson 00, the glossary page, the
currency-register facts, and each lesson's numbered reference list (built from the [id] citations in its own
markdown, which become numbered markers [[n]](#ref-id) linked to it). `python -m exocourse.build.render lessons/x.ipynb`
renders only that file. `--check` changes nothing and exits 1 if
anything is out of date (a test runs it); `--review-due` lists lessons and CE dates due for review.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from exocourse import data, manifest
from exocourse.paths import course_root

BLOCK = re.compile(r"(<!-- BEGIN (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- END (?P=name) -->)", re.S)
# A time-sensitive fact from the currency register (data/currency.yml), inline in a sentence or a paragraph.
# `fact:<id>:plain` is the same fact in words a patient understands (model answers, scripts), without date or source.
FACT = re.compile(r"(?P<begin><!-- BEGIN fact:(?P<id>[a-z0-9-]+)(?P<form>(?::plain)?) -->)(?P<body>.*?)"
                  r"(?P<end><!-- END fact:(?P=id)(?P=form) -->)", re.S)


def _course_row(a: dict) -> str:
    covered = sorted({o for item in a["items"] for o in item["objectives"]})
    minutes = a["minutes"] if a.get("counts_toward_credit", True) else f"({a['minutes']}, not in the total)"
    return f"| Whole course | Assignment {a['id']}: {a['title']} | {minutes} | {', '.join(covered) or '—'} |"


def module_table(m: dict) -> str:
    """The lessons and assignments with their minutes, as a markdown table; the total is the estimated time (the
    accredited provider, not the course, decides any credit)."""
    lines = ["| Module | Part | Minutes | Objectives |", "|---|---|---:|---|"]
    course = {a["id"]: a for a in m["course_assessments"]}
    pretest = course.pop(m["ce"]["pretest"])
    total = pretest["minutes"]
    for module in m["modules"]:
        for lesson in module["lessons"]:
            name = Path(lesson["file"]).stem
            lines.append(f"| {module['title']} | Lesson {name[:2]}: {lesson['title']} | {lesson['minutes']} | "
                         f"{', '.join(lesson['objectives']) or '—'} |")
            total += lesson["minutes"]
            if lesson["file"].startswith("lessons/00_"):  # the pre-test comes right after "Start here"
                lines.append(_course_row(pretest))
        for a in module["assessments"]:
            covered = sorted({o for item in a["items"] for o in item["objectives"]})
            lines.append(f"| {module['title']} | Assignment {a['id']}: {a['title']} | {a['minutes']} | "
                         f"{', '.join(covered)} |")
            total += a["minutes"]
    for a in course.values():
        lines.append(_course_row(a))
        total += a["minutes"] if a.get("counts_toward_credit", True) else 0
    lines.append(f"| **Total estimated time (pre-test, lessons, assignments, post-test)** | | **{total}** | |")
    return "\n".join(lines) + "\n"


def _people(ce: dict) -> str:
    faculty = "\n".join(f"- {p['name']}, {p['credentials']} — {p['role']}" for p in ce["faculty"])
    disclosures = "\n".join(f"- **{d['name']}:** {d['relationships']} *Mitigation:* {d['mitigation']}"
                             for d in ce["disclosures"])
    return f"**Faculty and planners:**\n\n{faculty}\n\n**Financial relationships (past 24 months) and how they were " \
           f"mitigated:**\n\n{disclosures}\n\n**Commercial support:** {ce['commercial_support']}\n\n"


def ce_block(m: dict) -> str:
    """Continuing-education facts a learner must see before starting: all from course.yml's `ce` mapping."""
    info = manifest.ce_info(m)
    hours = f"{info['credit_hours']:g}"
    todo = ("\n> **For the program:** the entries in square brackets are placeholders that the accredited provider "
            "replaces before learners start; until then this course offers no CE or CME credit.\n"
            if info["placeholders"] else "")
    return (
        f"**Estimated time:** {hours} hours ({info['credit_minutes']} minutes: lessons, module assignments, "
        f"pre-test and post-test; the course evaluation is not included).\n\n"
        f"**Accreditation and credit:** {info['accreditation_statement']}\n\n"
        f"**Pass mark, announced in advance:** {info['pass_mark_percent']}% on the post-test "
        f"({info['pass_points']:g} of {info['posttest_points']:g} points). **Completion** means the post-test at or "
        f"above the pass mark and every module assignment ({', '.join(info['module_assignments'])}) submitted and "
        f"fully graded. The pre-test is not counted: it shows what you already know. The course evaluation asks how "
        f"long you spent and for your attestation of that time; hours appear on your certificate only if you attest "
        f"them there. It also asks whether you saw any commercial bias.\n\n"
        f"**Release date:** {info['release_date']} · **Last review:** {info['last_review_date']} · "
        f"**Expiry (termination) date:** {info['expiry_date']}; no credit after that date.\n\n"
        + _people(info)
        + f"**Privacy:** {info['privacy_statement']}\n\n"
        f"**Contact:** {info['contact']}\n" + todo
    )


def course_overview(m: dict) -> str:
    """Lesson 00's overview: audience, objectives, time, pass mark, dates and disclaimer."""
    objectives = "\n".join(f"- **{o['id']}** — {o['text']}" for o in manifest.objectives(m))
    return (
        f"**Course:** {m['title']} (course id `{m['course_id']}`)\n\n"
        f"**Who it is for:** {m['audience']}\n\n"
        f"**Why it matters (practice gap):** {m['practice_gap']}\n\n"
        f"**Learning objectives.** By the end you will be able to:\n\n{objectives}\n\n"
        f"**Lessons, assignments and estimated time:**\n\n{module_table(m)}\n"
        f"**Pass mark:** {m['pass_mark_percent']}% on the post-test (details under *Continuing education* "
        f"below).\n\n"
        f"**Content current as of:** {m['content_current_as_of']}. "
        "**Regulatory status:** <!-- BEGIN fact:exosome-approval --><!-- END fact:exosome-approval -->.\n\n"
        f"**Clinical disclaimer:** {m['disclaimer']}\n"
    )


def reference_list(markdown_cells: list[str]) -> str:
    """The numbered list of what the notebook cites, in order of first citation; each entry is the target of its
    numbered markers. The target is an `id`, not a `name`: JupyterLab's sanitizer drops `name` but keeps an `id` as
    `data-jupyter-id`, which its click handler for `#…` links scrolls to (JupyterLab 4.6)."""
    ids = data.cited_ids("\n".join(markdown_cells))
    if not ids:
        return "No references are cited in this notebook.\n"
    return "\n".join(f'{n}. <a id="ref-{ref_id}"></a>{data.format_reference(data.reference(ref_id))}'
                     for n, ref_id in enumerate(ids, 1)) + "\n"


def number_citations(text: str, numbers: dict[str, int]) -> str:
    """Every citation, as written ([id]) or already numbered, as the marker [[n]](#ref-id) of its list entry."""
    def marker(match: re.Match) -> str:
        ref_id = match.group(1) or match.group(2)
        return f"[[{numbers[ref_id]}]](#ref-{ref_id})" if ref_id in numbers else match.group(0)

    return data.ANY_CITATION.sub(marker, text)


def _facts(text: str, data_folder: Path | None) -> str:
    """Every fact block filled with the register's current sentence (its date, how it was checked, its sources)."""
    if "<!-- BEGIN fact:" not in text:
        return text
    from exocourse import currency

    return FACT.sub(lambda m: m["begin"] + currency.fact(m["id"], data_folder, plain=bool(m["form"])) + m["end"],
                    text)


def _replace(text: str, renderers: dict, data_folder: Path | None = None) -> str:
    def swap(match: re.Match) -> str:
        render = renderers.get(match["name"])
        return match.group(1) + render() + match.group(4) if render else match.group(0)

    return _facts(BLOCK.sub(swap, text), data_folder)  # facts last: a rendered block may hold one


def render_notebook(path: Path, m: dict, data_folder: Path | None = None) -> tuple[str, str]:
    """(old, new) text of a notebook with its rendered blocks brought up to date: register facts first, so that
    the reference list includes the sources they cite."""
    import nbformat

    old = path.read_text(encoding="utf-8")
    nb = nbformat.reads(old, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    from exocourse.build import glossary

    course = {"course-overview": lambda: course_overview(m), "course-table": lambda: module_table(m),
              "course-ce": lambda: ce_block(m), "glossary": glossary.table}
    for cell in markdown:
        cell.source = _replace(cell.source, course, data_folder)
    cited_in = [c.source for c in markdown if "<!-- BEGIN references -->" not in c.source]
    has_list = len(cited_in) < len(markdown)  # only a notebook with a reference list gets numbered markers
    numbers = {ref_id: n for n, ref_id in enumerate(data.cited_ids("\n".join(cited_in)), 1)}
    for cell in markdown:
        cell.source = _replace(cell.source, {"references": lambda: reference_list(cited_in)}, data_folder)
        if has_list and "<!-- BEGIN references -->" not in cell.source:
            cell.source = number_citations(cell.source, numbers)
    return old, nbformat.writes(nb) + "\n"


def outdated(root: Path | None = None, write: bool = False, only: list[str] | None = None) -> list[str]:
    """Files whose rendered blocks are out of date (rewritten when write=True; `only`: these paths)."""
    root = Path(root) if root else course_root()
    m = manifest.load_manifest(root)
    facts_from = root / "data"  # the register of the course being rendered
    changes = []
    readme = root / "README.md"
    old = readme.read_text(encoding="utf-8")
    new = _replace(old, {"course-table": lambda: module_table(m), "course-ce": lambda: ce_block(m)}, facts_from)
    pairs = [(readme, old, new)]
    for notebook in sorted(root.glob("lessons/*.ipynb")) + sorted(root.glob("assignments/source/*/*.ipynb")):
        if not only or str(notebook.relative_to(root)) in only:
            pairs.append((notebook, *render_notebook(notebook, m, facts_from)))
    for path, before, after in pairs:
        if only and str(path.relative_to(root)) not in only:
            continue
        if before != after:
            changes.append(str(path.relative_to(root)))
            if write:
                path.write_text(after, encoding="utf-8")
    return changes


def main(argv: list[str]) -> int:
    if "--review-due" in argv:
        return manifest.main(["review-due"])
    if "--check" in argv:
        stale = outdated()
        for path in stale:
            print(f"{path}: out of date — run `make render`")
        return 1 if stale else 0
    only = [a for a in argv if not a.startswith("--")]  # e.g. lessons/04_risk_profile.ipynb: just that file
    for path in outdated(write=True, only=only or None):
        print(f"rendered {path}")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
