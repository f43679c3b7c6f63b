"""Build the pre-test and post-test notebooks from one list of items, so the two stay identical apart from their
introductions (tests/test_manifest.py checks that).

Edit the questions here, never in the notebooks, then run from the course folder:

    .venv/bin/python tools/build_course_tests.py

It rewrites assignments/source/{pretest,posttest}/*.ipynb (output-free) and fills their reference lists as
`python -m exocourse.render` does. Each hidden test holds a salted hash of the key (exocourse.grading.make_key),
never the letter or number itself; run tests/test_nbgrader_pipeline.py -k "pretest or posttest" afterwards.
"""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from exocourse import manifest as course_manifest  # noqa: E402
from exocourse import render  # noqa: E402
from exocourse.grading import make_key  # noqa: E402

LETTERS = 'Type your answer as `{v} = ` followed by one letter in quotes, for example `"B"`.'

ITEMS = [
    dict(gid="t01_ev_definition", obj="EXO-BIO-1", v="q1", kind="choice", answer="B",
         hint="re-read lesson 01, section 1, on the word \"exosome\"",
         text="""A clinic's data sheet describes its product as "pure exosomes, 30–150 nm, CD63-positive". Using the
terms of the International Society for Extracellular Vesicles (ISEV), what is the defensible description
[misev2018] [misev2023-table2] [misev-summary-pmc9465297]?

- **A.** Exosomes: particles of 30–150 nm that are CD63-positive meet ISEV's definition of exosomes.
- **B.** Small EVs: size and one marker do not show the endosomal origin that the word "exosome" implies.
- **C.** Microvesicles: CD63 is a plasma-membrane protein, so it shows the particles budded from the cell surface.
- **D.** Exosomes, because every particle smaller than 200 nm comes from the endosomal pathway."""),
    dict(gid="t02_exosome_biogenesis", obj="EXO-BIO-2", v="q2", kind="choice", answer="C",
         hint="re-read lesson 01, section 2, on where each kind of vesicle forms",
         text="""Where do **exosomes** form, according to published reviews [rezaie-2022] [han-2019]?

- **A.** By budding outward directly from the plasma membrane, then pinching off into the extracellular space.
- **B.** As membrane blebs that break off from cells that are dying by apoptosis.
- **C.** As intraluminal vesicles in multivesicular bodies, released when these fuse with the plasma membrane.
- **D.** By any route: a vesicle is an exosome whenever it is smaller than 150 nm."""),
    dict(gid="t03_quantification", obj="EXO-BIO-4", v="q3", kind="choice", answer="A",
         hint="re-read lesson 01, section 6, on quantification",
         text="""A characterization report gives a nanoparticle tracking analysis (NTA) count of 10¹⁰ particles/mL as
"the number of exosomes". What is wrong with that [misev-summary-fphys-2021] [misev-summary-pmc9465297]?

- **A.** Other particles, such as lipoproteins, are counted too, so it is not an EV count; MISEV2018 asks for two
  quantification methods.
- **B.** Nothing: NTA tracks only particles that have a lipid bilayer, so every particle it counts in the sample is
  an extracellular vesicle.
- **C.** The count becomes an EV count once the report also shows a western blot that is positive for one
  tetraspanin, such as CD63.
- **D.** NTA counts only particles larger than 1 µm, so the small EVs in the sample are missed entirely and the
  true count is higher."""),
    dict(gid="t04_ppv", obj="EXO-DX-3", v="q4", kind="number", decimals=0, answer=100 * 90 / (90 + 270),
         solution="q4 = 100 * 90 / (90 + 270)",
         hint="PPV = true positives / all positive results; re-read lesson 02, section 3",
         text="""An **illustrative** (made-up) test result table for 1,000 patients:

| Test result | Disease present | Disease absent |
|---|---:|---:|
| Test positive | 90 | 270 |
| Test negative | 10 | 630 |

What is the test's **positive predictive value (PPV)**, as a percentage [altman-bland-1994-predictive-values]?
Type the percentage as a number (for example `q4 = 12.5`) or as a calculation. Marked after rounding to a whole
percent."""),
    dict(gid="t05_prevalence", obj="EXO-DX-4", v="q5", kind="choice", answer="D",
         hint="re-read lesson 02, section 3, on why predictive values move with prevalence",
         text="""The same test, with unchanged sensitivity and specificity, is used in a clinic where the disease is
**less common** (lower prevalence). What happens to its predictive values [altman-bland-1994-predictive-values]
[grimes-schulz-2002-screening]?

- **A.** Both stay the same, because sensitivity and specificity have not changed.
- **B.** The PPV rises and the NPV falls.
- **C.** Both fall.
- **D.** The PPV falls and the NPV rises."""),
    dict(gid="t06_trial_or_clinic", obj="EXO-TX-3", v="q6", kind="choice", answer="B",
         hint="re-read lesson 03, section 4, on a trial under an IND versus a paid clinic",
         text="""What distinguishes taking part in a clinical trial of an exosome product under an investigational new
drug application (IND) from paying a clinic for the same kind of product [ecfr-21cfr312-1] [ecfr-21cfr312-40]
[ecfr-21cfr312-3] [fda-exosome-psn-2019]?

- **A.** Nothing, provided the clinic gives the patient a written consent form to sign before treatment.
- **B.** Only the trial has an IND in effect, and FDA's consent and IRB rules (21 CFR parts 50 and 56) apply to it.
- **C.** The trial's product is FDA-approved for the condition studied; the clinic's product is not.
- **D.** Nothing, if the clinic is registered with FDA and lists its treatment on ClinicalTrials.gov."""),
    dict(gid="t07_rule_of_three", obj="EXO-RISK-3", v="q7", kind="number", decimals=1, answer=100 * 3 / 200,
         solution="q7 = 100 * 3 / 200",
         hint="the rule of three gives about 3/n; re-read lesson 04, section 3",
         text="""A clinic reports **no** serious infections in 200 followed-up patients treated with its product. By the
**rule of three**, what is the *approximate* upper limit of the 95% confidence interval for the infection rate,
as a **percentage** [eypasch-1995-bmj] [hanley-1983-jama]? Type the percentage as a number (for example
`q7 = 0.8`) or as a calculation. Marked after rounding to one decimal place."""),
    dict(gid="t08_sterility", obj="EXO-RISK-4", v="q8", kind="choice", answer="D",
         hint="re-read lesson 04, section 4, on what a passed sterility test can promise",
         text="""A certificate says that a lot of an exosome product "passed sterility testing". What can that promise
[cfr-21cfr610-12-copy] [ejpps-2023-sterility-sampling]?

- **A.** That every vial in the lot is sterile, because the lot was tested as FDA's sterility regulation requires.
- **B.** That the product is safe to inject, because contamination is the main risk of an exosome product.
- **C.** That the donors of the source tissue were screened and tested for HIV and hepatitis viruses.
- **D.** That the units tested grew no microorganisms; a lot with some contaminated vials can still pass."""),
    dict(gid="t09_fda_status", obj="EXO-REG-2", v="q9", kind="choice", answer="A",
         hint="re-read lesson 05, section 2, on what FDA has said",
         text="""What did the US Food and Drug Administration (FDA) state about exosome products on December 6, 2019
[fda-exosome-psn-2019]?

- **A.** That there were "currently no FDA-approved exosome products" and that, "as a general matter", exosomes
  used to treat diseases are regulated as drugs and biological products.
- **B.** That exosome products are HCT/Ps regulated only under section 361 of the PHS Act, so a clinic must
  register with FDA but needs no premarket review or approval before use.
- **C.** That exosome products fell under FDA's enforcement discretion for regenerative medicine products until
  November 2020, and that premarket review would apply only after that date.
- **D.** That one exosome product had been approved for orthopaedic use, and that clinics may therefore offer it
  for other conditions as an off-label use of an approved product."""),
    dict(gid="t10_consent_rules", obj="EXO-CON-2", v="q10", kind="choice", answer="C",
         hint="re-read lesson 06, section 2, on which rules apply when",
         text="""A university runs a trial of an exosome product under an IND, funded by a grant from the US Department of
Health and Human Services (HHS); its IRB first approved it in 2026. Which consent rules apply
[ecfr-21cfr312-40] [ecfr-21cfr50-25] [cuanschutz-comirb-informed-consent] [mwe-2024-key-information-draft-guidance]?

- **A.** Only FDA's rules (21 CFR 50.25 and part 56), because research under an IND is exempt from the Common Rule.
- **B.** Only the revised Common Rule (45 CFR 46.116), because HHS funding replaces FDA's consent rules.
- **C.** Both: FDA's rules because the trial is under an IND, and the revised Common Rule because HHS funds it.
- **D.** Only FDA's rules, which have required a key-information section since January 21, 2019."""),
    dict(gid="t11_consent_elements", obj="EXO-CON-3", v="q11", kind="choice", answer="B",
         hint="re-read lesson 06, section 3, on what consent must make clear",
         text="""A patient shows you a clinic's consent form for an "exosome injection" for knee pain, an unapproved,
investigational use. It lists expected risks and the price. Which of these must an adequate consent discussion
**also** make clear [fda-exosome-psn-2019] [ecfr-21cfr312-1] [ama-opinion-2-1-1-copy]?

- **A.** That the product comes from screened donors and passed sterility testing, so the risk of infection from
  the injection is negligible.
- **B.** That it is not FDA-approved and, for this use, lawful in the US only under an IND; benefit is
  unproven; options include no treatment.
- **C.** That the clinic is registered with FDA and the product is listed on ClinicalTrials.gov, which shows that
  FDA oversees the treatment.
- **D.** That the patient agrees, by signing, not to hold the clinic or its staff responsible for any harm that
  follows the injection."""),
    dict(gid="t12_lookalikes", obj="EXO-CLM-1", v="q12", kind="choice", answer="A",
         hint="re-read lesson 07, step 1, on why content farms use look-alike letters",
         text="""A patient-facing web page looks normal, but a character check finds Cyrillic letters such as "а"
(U+0430) among the Latin ones. What reason for such look-alike letters does the research literature give
[alvi-2017-homoglyph-plagiarism]?

- **A.** To disguise copied text: most plagiarism detection systems miss text obfuscated with look-alike letters.
- **B.** To make the page display correctly in browsers that lack a full set of Latin fonts.
- **C.** To mark text as machine-translated, as search engines require for translated pages.
- **D.** To help screen readers pronounce medical terms correctly for readers with low vision."""),
]

INTRO = {
    "pretest": """# Pre-test

**Before lesson 01.** This short test shows what you already know, so that you and the course can see what you
learn. It is **not** counted toward completion and has no pass mark: it is fine not to know the answers. Please
answer on your own, without looking things up, and do not use the lessons yet.

{fda_status}

**Objectives assessed:** {objectives} · **Estimated time:** {minutes} minutes · **Points:** {points}, all marked
automatically.

**How to answer.** Each question has an *answer cell* (type your answer there, then run it with Shift + Enter)
followed by a *check cell* (run it too). The check cell only tells you whether your answer has the right form — a
letter, a number — not whether it is right. Please do not edit or delete the check cells.

The same questions come back in the **post-test** at the end of the course.""",
    "posttest": """# Post-test

**After lesson 07.** This test decides whether you pass the course. **Pass mark: {pass_mark}% ({pass_points} of
{points} points)**, as announced in lesson 00. To complete the course you also need every module assignment
(ps1–ps4) submitted and graded. Work on your own, without the lessons, notes or other sources, as you did for
the pre-test.

{fda_status}

**Objectives assessed:** {objectives} · **Estimated time:** {minutes} minutes · **Points:** {points}, all marked
automatically.

**How to answer.** Each question has an *answer cell* (type your answer there, then run it with Shift + Enter)
followed by a *check cell* (run it too). The check cell only tells you whether your answer has the right form — a
letter, a number — not whether it is right; answers are marked after you submit. Please do not edit or delete
the check cells.

These are the same questions as in the pre-test. Comparing your two scores gives a rough indication of what you
learned; because you have seen these questions before, it is not an exact measure.""",
}

# The course's convention (lesson 05): what the stored copy of FDA's page said when the course read it, not a live check.
FDA_STATUS = """Any treatment use of exosome products in these questions is investigational: it is being studied, and
lessons 03 to 05 explain what is and is not established about it."""

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
    """Write assignments/source/<assignment>/<assignment>.ipynb; minutes, pass mark and the FDA re-check date come
    from course.yml."""
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
        solution = item.get("solution") or f'{v} = "{item["answer"]}"'
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
