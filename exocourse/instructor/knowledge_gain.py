"""Knowledge gain: each learner's pre-test and post-test scores from the gradebook, and the cohort's summary.

The pre-test is form A and the post-test form B of the item bank (data/assessment/items.yml): parallel forms with
one item per objective, matched by objective and cognitive level but different questions, both taken closed-book.
So the gain (post-test percent − pre-test percent) is not a memory of the items; it still compares two short forms
whose items differ in difficulty, so report it as an indicator of learning, not an exact measure; the caption of
every summary says so (INDICATOR). Because the forms share their grade ids (one per objective), the summary also
compares form A with form B objective by objective (`by_objective`). A learner who took only one of the two tests is listed as
such, with no gain, and counted apart in the cohort summary: never dropped silently.

    python -m exocourse.instructor.knowledge_gain    # writes grading/knowledge_gain.csv, .md and .html
"""

from __future__ import annotations

import html
import math
import statistics
import sys
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.paths import course_root
from exocourse.safe_csv import csv_text

INDICATOR = ("The gain compares form A (pre-test) with form B (post-test): parallel forms with different questions "
             "on the same objectives at the same level. It is an indicator, not an exact measure of learning: two "
             "short forms whose items differ in difficulty.")
BOTH, PRE_ONLY, POST_ONLY, NEITHER = "both tests", "pre-test only", "post-test only", "neither test"
COLUMNS = ["learner", "status", "pretest_percent", "posttest_percent", "gain", "passed_posttest"]


def _percent(score: float, max_score: float) -> float | None:
    return round(100 * score / max_score, 1) if max_score else None


def _gradebook_url(root: Path) -> str | None:
    """The course's gradebook as a database URL, or None before any class has been graded."""
    database = root / "grading" / "gradebook.db"
    return f"sqlite:///{database}" if database.exists() else None


def scores(root: Path | None = None, db_url: str | None = None) -> list[dict]:
    """One row per learner in the gradebook, in learner-id order: {learner, status, pretest_percent,
    posttest_percent, gain, passed_posttest}. Percentages are of all points, to one decimal; gain is None
    unless both tests were taken; passed_posttest is None without a post-test."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root) if root else course_root()
    manifest = course_manifest.load_manifest(root)
    ce = manifest["ce"]
    pass_mark = manifest["pass_mark_percent"]
    db_url = db_url or _gradebook_url(root)
    if db_url is None:  # no class graded yet; do not create an empty gradebook
        return []
    rows = []
    with Gradebook(db_url) as gradebook:
        for student in sorted(gradebook.students, key=lambda s: s.id):
            taken = {}
            for test in (ce["pretest"], ce["posttest"]):
                try:
                    submission = gradebook.find_submission(test, student.id)
                except MissingEntry:
                    continue
                taken[test] = (float(submission.score), float(submission.max_score))
            pre, post = taken.get(ce["pretest"]), taken.get(ce["posttest"])
            rows.append(learner_row(student.id, pre, post, pass_mark))
    return rows


def by_objective(root: Path | None = None, db_url: str | None = None) -> list[dict]:
    """Form A against form B, objective by objective, for learners who took both tests: {objective, grade_id,
    learners, pretest_correct_percent, posttest_correct_percent, change}."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root) if root else course_root()
    manifest = course_manifest.load_manifest(root)
    ce = manifest["ce"]
    db_url = db_url or _gradebook_url(root)
    if db_url is None:
        return []
    items = course_manifest.assessment(manifest, ce["posttest"])["items"]
    rows = []
    with Gradebook(db_url) as gradebook:
        both = []
        for student in sorted(gradebook.students, key=lambda s: s.id):
            try:
                gradebook.find_submission(ce["pretest"], student.id)
                gradebook.find_submission(ce["posttest"], student.id)
            except MissingEntry:
                continue
            both.append(student.id)
        for item in items:
            shares = []
            for test in (ce["pretest"], ce["posttest"]):
                earned = []
                for learner in both:
                    try:
                        grade = gradebook.find_grade(item["grade_id"], test, test, learner)
                    except MissingEntry:
                        continue
                    earned.append((grade.score or 0) / item["points"])
                shares.append(round(100 * sum(earned) / len(earned), 1) if earned else None)
            change = round(shares[1] - shares[0], 1) if None not in shares else None
            rows.append({"objective": ", ".join(item["objectives"]), "grade_id": item["grade_id"],
                         "learners": len(both), "pretest_correct_percent": shares[0],
                         "posttest_correct_percent": shares[1], "change": change})
    return rows


OBJECTIVE_HEADERS = ("Objective", "Learners (both tests)", "Form A (pre-test) % correct",
                     "Form B (post-test) % correct", "Change (points)")


def objective_table(rows: list[dict]) -> list[tuple]:
    return [(r["objective"], r["learners"], _fmt(r["pretest_correct_percent"]), _fmt(r["posttest_correct_percent"]),
             _fmt(r["change"])) for r in rows]


def learner_row(learner: str, pre: tuple[float, float] | None, post: tuple[float, float] | None,
                pass_mark_percent: float) -> dict:
    """A learner's row from (score, max score) of each test, or None for a test not taken."""
    pre_percent = _percent(*pre) if pre else None
    post_percent = _percent(*post) if post else None
    status = {(True, True): BOTH, (True, False): PRE_ONLY, (False, True): POST_ONLY,
              (False, False): NEITHER}[(pre_percent is not None, post_percent is not None)]
    gain = None
    if pre and post and pre[1] and post[1]:
        gain = round(100 * post[0] / post[1] - 100 * pre[0] / pre[1], 1)
    return {"learner": learner, "status": status, "pretest_percent": pre_percent, "posttest_percent": post_percent,
            "gain": gain,
            "passed_posttest": None if not post else course_manifest.passed(post[0], post[1], pass_mark_percent)}


def _mean(values: list[float]) -> float | None:
    return round(math.fsum(values) / len(values), 1) if values else None


def cohort_summary(rows: list[dict], pass_mark_percent: float | None = None) -> dict:
    """The cohort's figures. Means of pre-test and post-test use every learner who took that test; the gain uses
    only learners who took both (paired), so learners with one test cannot distort it."""
    paired = [r for r in rows if r["status"] == BOTH]
    gains = [r["gain"] for r in paired]
    return {
        "learners": len(rows),
        "both": len(paired),
        "pretest_only": sum(r["status"] == PRE_ONLY for r in rows),
        "posttest_only": sum(r["status"] == POST_ONLY for r in rows),
        "neither": sum(r["status"] == NEITHER for r in rows),
        "mean_pretest_percent": _mean([r["pretest_percent"] for r in rows if r["pretest_percent"] is not None]),
        "mean_posttest_percent": _mean([r["posttest_percent"] for r in rows if r["posttest_percent"] is not None]),
        "paired_mean_pretest_percent": _mean([r["pretest_percent"] for r in paired]),
        "paired_mean_posttest_percent": _mean([r["posttest_percent"] for r in paired]),
        "mean_gain": _mean(gains),
        "median_gain": round(statistics.median(gains), 1) if gains else None,
        "improved": sum(g > 0 for g in gains),
        "unchanged": sum(g == 0 for g in gains),
        "declined": sum(g < 0 for g in gains),
        "passed_posttest": sum(r["passed_posttest"] is True for r in rows),
        "pass_mark_percent": pass_mark_percent,
    }


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}"


def describe(rows: list[dict], pass_mark_percent: float | None = None) -> tuple[str, str]:
    """(caption, text alternative) of the knowledge-gain figure."""
    s = cohort_summary(rows, pass_mark_percent)
    caption = ("Pre-test and post-test score of each learner (percent of points), one row per learner, sorted by "
               "gain. Open circles: pre-test; filled diamonds: post-test; the line joins a learner's two scores"
               + (f"; the dashed vertical line is the pass mark ({pass_mark_percent:g}%)." if pass_mark_percent
                  else ".") + " " + INDICATOR)
    text = (f"{s['learners']} learner(s): {s['both']} took both tests, {s['pretest_only']} only the pre-test, "
            f"{s['posttest_only']} only the post-test, {s['neither']} neither. ")
    if s["both"]:
        text += (f"Learners who took both tests scored a mean of {_fmt(s['paired_mean_pretest_percent'])}% before "
                 f"and {_fmt(s['paired_mean_posttest_percent'])}% after, a mean gain of {_fmt(s['mean_gain'])} "
                 f"points (median {_fmt(s['median_gain'])}); {s['improved']} improved, {s['unchanged']} did not "
                 f"change and {s['declined']} declined. ")
    if pass_mark_percent is not None:
        text += f"{s['passed_posttest']} reached the pass mark of {pass_mark_percent:g}% on the post-test."
    return caption, text.strip()


def _label(row: dict) -> str:
    return row["learner"] if row["status"] == BOTH else f"{row['learner']} ({row['status']})"


def figure(rows: list[dict], pass_mark_percent: float | None = None):
    """A dot plot of each learner's two scores. Shape and fill tell the tests apart, not only colour; learners
    with one test are shown with that test alone and labelled so. The caption and text alternative are in
    fig.layout.meta (also returned by describe())."""
    import plotly.graph_objects as go

    from exocourse.lessons.plots import PALETTE, register_template

    register_template()
    shown = [r for r in rows if r["status"] != NEITHER]
    shown.sort(key=lambda r: (r["gain"] is None, r["gain"] if r["gain"] is not None else 0, r["learner"]))
    labels = [_label(r) for r in shown]
    fig = go.Figure()
    xs, ys = [], []
    for r, label in zip(shown, labels, strict=True):
        if r["status"] == BOTH:
            xs += [r["pretest_percent"], r["posttest_percent"], None]
            ys += [label, label, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": PALETTE["grey"], "width": 2, "dash": "solid"},
                             name="Change", hoverinfo="skip"))
    pre = [(r["pretest_percent"], label) for r, label in zip(shown, labels, strict=True)
           if r["pretest_percent"] is not None]
    post = [(r["posttest_percent"], label) for r, label in zip(shown, labels, strict=True)
            if r["posttest_percent"] is not None]
    fig.add_trace(go.Scatter(x=[p[0] for p in pre], y=[p[1] for p in pre], mode="markers", name="Pre-test",
                             marker={"symbol": "circle-open", "size": 11, "color": PALETTE["blue"],
                                     "line": {"width": 2.5}},
                             hovertemplate="%{y}: pre-test %{x}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=[p[0] for p in post], y=[p[1] for p in post], mode="markers", name="Post-test",
                             marker={"symbol": "diamond", "size": 11, "color": PALETTE["vermillion"]},
                             hovertemplate="%{y}: post-test %{x}%<extra></extra>"))
    if pass_mark_percent is not None:
        fig.add_vline(x=pass_mark_percent, line={"dash": "dash", "color": PALETTE["grey"], "width": 2},
                      annotation_text=f"pass mark {pass_mark_percent:g}%", annotation_position="top")
    caption, text = describe(rows, pass_mark_percent)
    fig.update_layout(title="Knowledge gain: pre-test and post-test scores",
                      xaxis={"title": "Score (% of points)", "range": [-2, 102]},
                      yaxis={"title": "Learner", "type": "category"},
                      height=max(300, 120 + 28 * len(shown)), legend={"orientation": "h", "y": -0.2},
                      meta={"caption": caption, "text_alternative": text})
    return fig


def rows_csv(rows: list[dict]) -> str:
    return csv_text(COLUMNS, rows)  # exocourse.safe_csv: no cell runs as a spreadsheet formula


def _table(rows: list[dict]) -> list[tuple]:
    return [(r["learner"], r["status"], _fmt(r["pretest_percent"]), _fmt(r["posttest_percent"]), _fmt(r["gain"]),
             {True: "yes", False: "no", None: "—"}[r["passed_posttest"]]) for r in rows]


HEADERS = ("Learner", "Tests taken", "Pre-test %", "Post-test %", "Gain (points)", "Passed post-test")


def summary_markdown(rows: list[dict], pass_mark_percent: float | None = None,
                     objectives: list[dict] | None = None) -> str:
    caption, text = describe(rows, pass_mark_percent)
    lines = ["# Knowledge gain", "", f"**Figure (in knowledge_gain.html).** {caption}", "",
             f"**Text version:** {text}", "", "| " + " | ".join(HEADERS) + " |",
             "|---|---|---:|---:|---:|---|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in _table(rows)]
    if objectives:
        lines += ["", "## Form A against form B, objective by objective", "",
                  "Share of learners who took both tests and answered that objective's item correctly; each form's "
                  "item is different, so a change also reflects the two items' difficulty.", "",
                  "| " + " | ".join(OBJECTIVE_HEADERS) + " |", "|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in objective_table(objectives)]
    return "\n".join(lines) + "\n"


def summary_html(rows: list[dict], pass_mark_percent: float | None = None) -> str:
    """A self-contained page (plotly.js embedded, works offline): figure, caption, text version and table."""
    from exocourse.lessons.plots import caption_html

    fig = figure(rows, pass_mark_percent)
    caption, text = describe(rows, pass_mark_percent)
    body = fig.to_html(full_html=False, include_plotlyjs=True)
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Knowledge gain</title></head>"
            f"<body><main><h1>Knowledge gain</h1>\n<figure aria-label='{html.escape(caption, quote=True)}'>{body}"
            f"</figure>\n{caption_html(caption, text, _table(rows), HEADERS)}\n</main></body></html>\n")


def main(argv: list[str]) -> int:
    import os

    from exocourse.grading.env import with_python_on_path

    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]  # nbgrader runs `alembic` by name
    root = Path(argv[0]) if argv else course_root()
    pass_mark = course_manifest.load_manifest(root)["pass_mark_percent"]
    rows = scores(root)
    out = root / "grading"
    out.mkdir(exist_ok=True)
    (out / "knowledge_gain.csv").write_text(rows_csv(rows), encoding="utf-8")
    (out / "knowledge_gain.md").write_text(summary_markdown(rows, pass_mark, by_objective(root)), encoding="utf-8")
    (out / "knowledge_gain.html").write_text(summary_html(rows, pass_mark), encoding="utf-8")
    print(describe(rows, pass_mark)[1])
    print(INDICATOR)
    print(f"Written: {out / 'knowledge_gain.csv'}, knowledge_gain.md and knowledge_gain.html")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
