"""Build the pre-test (form A) and the post-test (form B) from the item bank, data/assessment/items.yml.

The forms are parallel: one item per course objective in each, of the same cognitive level, with different
stems, so the post-test does not repeat the pre-test (tests/test_item_bank.py and tests/test_manifest.py check
that). Edit items in the bank, never in the notebooks, then run from the course folder:

    .venv/bin/python tools/build_course_tests.py

It rewrites assignments/source/{pretest,posttest}/*.ipynb (output-free) and fills their reference lists as
`python -m exocourse.build.render` does. The bank stores each key as a salted digest; the builder finds the keyed
letter and writes it only into the instructor's source notebook (the solution cell) and, again as a digest salted
with the question's variable name, into the hidden test. Run tests/test_nbgrader_pipeline.py -k "pretest or
posttest" afterwards.
"""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from exocourse import manifest as course_manifest  # noqa: E402
from exocourse.build import item_bank, render  # noqa: E402
from exocourse.grading import make_key  # noqa: E402

LETTERS = 'Type your answer as `{v} = ` followed by one letter in quotes, for example `"B"`.'


def grade_id(n: int, objective: str) -> str:
    """The same grade id in both forms for the same objective: t01_exo_bio_1, ..."""
    return f"t{n:02d}_{objective.lower().replace('-', '_')}"


def items(form: str, m: dict) -> list[dict]:
    """The form's items in the course's objective order, each with its variable, grade id, keyed letter and a hint
    naming the lesson that teaches its objective."""
    order = [o["id"] for o in course_manifest.objectives(m)]
    taught = {oid: lesson for lesson in course_manifest.lessons(m) for oid in lesson["objectives"]}
    chosen = sorted(item_bank.form(item_bank.load(ROOT / "data"), form), key=lambda i: order.index(i["objective"]))
    built = []
    for n, item in enumerate(chosen, 1):
        lesson = taught[item["objective"]]
        options = "\n".join(f"- **{k}.** {item['options'][k]}" for k in "ABCD")
        built.append(dict(gid=grade_id(n, item["objective"]), obj=item["objective"], v=f"q{n}", kind="choice",
                          answer=item_bank.keyed_letter(item), text=f"{item['stem'].strip()}\n\n{options}",
                          hint=f"re-read lesson {Path(lesson['file']).stem[:2]} ({lesson['title']})"))
    return built


INTRO = {
    "pretest": """# Pre-test

**Before lesson 01.** This short test shows what you already know, so that you and the course can see what you
learn. It is **not** counted toward completion and has no pass mark: it is fine not to know the answers. Please
answer on your own, without looking things up, and do not use the lessons yet.

{fda_status}

**Objectives assessed:** {objectives} · **Estimated time:** {minutes} minutes · **Points:** {points}, all marked
automatically.

**How to answer.** Each question has an *answer cell* (type your answer there, then run it with Shift + Enter)
followed by a *check cell* (run it too). The check cell only tells you whether your answer has the right form — one
letter in quotes — not whether it is right. Please do not edit or delete the check cells.

The **post-test** at the end of the course asks different questions on the same objectives (a parallel form), so
comparing your two scores shows what you learned rather than what you remember of these questions.""",
    "posttest": """# Post-test

**After lesson 07.** This test decides whether you pass the course. **Pass mark: {pass_mark}% ({pass_points} of
{points} points)**, as announced in lesson 00. To complete the course you also need every module assignment
(ps1–ps4) submitted and graded. Work on your own, without the lessons, notes or other sources, as you did for
the pre-test.

{fda_status}

**Objectives assessed:** {objectives} · **Estimated time:** {minutes} minutes · **Points:** {points}, all marked
automatically.

**How to answer.** Each question has an *answer cell* (type your answer there, then run it with Shift + Enter)
followed by a *check cell* (run it too). The check cell only tells you whether your answer has the right form — one
letter in quotes — not whether it is right; answers are marked after you submit. Please do not edit or delete
the check cells.

These are different questions from the pre-test's, on the same objectives and at the same level (a parallel form).
Comparing your two scores gives an indication of what you learned; two short forms are not an exact measure.""",
}

# The course's convention (lesson 05): what the stored copy of FDA's page said when the course read it, not a live check.
FDA_STATUS = """Any treatment use of exosome products in these questions is investigational: it is being studied, and
lessons 03 to 05 explain what is and is not established about it."""

FORM = {"pretest": "A", "posttest": "B"}

OUTRO = """## Before you submit

Run every cell from the top (**Kernel → Restart Kernel and Run All Cells**), check that each check cell says your
answer has the right form, save (Ctrl + S), then submit from the *Assignments* tab.

## References

<!-- BEGIN references -->
<!-- END references -->"""


def meta(grade_id, grade=False, solution=False, locked=True, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def build(assignment, m):
    """Write assignments/source/<assignment>/<assignment>.ipynb from its form; minutes and pass mark come from
    course.yml."""
    ITEMS = items(FORM[assignment], m)
    points = len(ITEMS)
    info = course_manifest.ce_info(m)
    objectives = ", ".join(dict.fromkeys(i["obj"] for i in ITEMS))
    intro = INTRO[assignment].format(
        objectives=objectives, minutes=course_manifest.assessment(m, assignment)["minutes"], points=points,
        pass_mark=info["pass_mark_percent"], pass_points=info["pass_points"],
        fda_status=FDA_STATUS.format(rechecked=m["fda_status_rechecked"]))
    cells = [nbformat.v4.new_markdown_cell(intro, metadata=meta("intro"))]
    for n, item in enumerate(ITEMS, 1):
        v = item["v"]
        text = item["text"] + ("\n\n" + LETTERS.format(v=v) if item["kind"] == "choice" else "")
        cells.append(nbformat.v4.new_markdown_cell(f"## Question {n} ({item['obj']} · 1 point)\n\n{text}",
                                                   metadata=meta(f"{v}_text")))
        solution = f'{v} = "{item["answer"]}"'
        cells.append(nbformat.v4.new_code_cell(f"### BEGIN SOLUTION\n{solution}\n### END SOLUTION",
                                               metadata=meta(f"{v}_answer", solution=True, locked=False)))
        extra = f", decimals={item['decimals']}" if item["kind"] == "number" else ""
        key = make_key(v, item["answer"], item["kind"], decimals=item.get("decimals"))
        cells.append(nbformat.v4.new_code_cell(
            f'"""Question {n} ({item["obj"]}): checks that your answer has the right form; it is marked after you '
            f'submit."""\n'
            f"from exocourse.grading import check_form\n"
            f'check_form("Question {n}", "{v}", kind="{item["kind"]}"{extra})\n'
            f"### BEGIN HIDDEN TESTS\n"
            f"import importlib\n"
            f'grading = importlib.reload(importlib.import_module("exocourse.grading"))\n'
            f'grading.check_answer("Question {n}", "{v}", key="{key}", kind="{item["kind"]}", '
            f'hint="{item["hint"].replace(chr(34), chr(39))}"{extra})\n'
            f"### END HIDDEN TESTS",
            metadata=meta(item["gid"], grade=True, points=1)))
    cells.append(nbformat.v4.new_markdown_cell(OUTRO, metadata=meta("references")))
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    for cell in nb.cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"].replace("_", "-")
    folder = ROOT / "assignments/source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(nb, path)
    path.write_text(render.render_notebook(path, m)[1], encoding="utf-8")  # the numbered reference list
    return path


if __name__ == "__main__":
    manifest = course_manifest.load_manifest(ROOT)
    for name in ("pretest", "posttest"):
        print(f"built {build(name, manifest).relative_to(ROOT)}")
