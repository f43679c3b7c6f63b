"""US regulation of exosome and other cell- or tissue-derived products: is a product an HCT/P that can be
regulated solely under section 361 of the PHS Act, or a drug/biological product that needs an IND to be studied
and a licence (BLA) to be marketed? The decision follows 21 CFR 1271.3(d) and the four cumulative criteria of
21 CFR 1271.10(a); the questions, rules and scenarios live in data/regulation/hctp_questions.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from exocourse.errors import InputError
from exocourse.paths import data_dir

PATHWAY_361 = "361 HCT/P: regulated solely under section 361 and 21 CFR 1271 (no premarket approval)"
PATHWAY_351 = ("351 route: regulated as a drug, device and/or biological product (premarket review; for a biological "
               "product, an IND to study it and a BLA to market it)")
PATHWAY_NOT_HCTP = ("Not an HCT/P: 21 CFR Part 1271 does not apply, and the product's status is decided under other "
                    "laws. For exosomes used to treat disease, FDA's notification of December 6, 2019 says that, as a "
                    "general matter, they are regulated as drugs and biological products needing premarket review and "
                    "approval (the warning letters add: an IND to study them, a biologics license to market them)")
CRITERIA = ["minimal_manipulation", "homologous_use", "not_combined", "no_systemic_effect_or_exception"]



@dataclass(frozen=True)
class Decision:
    pathway: str
    deciding_question: str
    explanation: str


@lru_cache(maxsize=1)
def _content() -> dict:
    return json.loads((data_dir() / "regulation" / "hctp_questions.json").read_text(encoding="utf-8"))


def questions() -> list[dict]:
    return _content()["questions"]


def scenarios() -> list[dict]:
    return _content()["scenarios"]


def decide_pathway(answers: dict) -> Decision:
    """The regulatory pathway that follows from yes/no answers to the questions, and the rule that decided it."""
    ids = [q["id"] for q in questions()]
    if not isinstance(answers, dict):
        raise InputError("Give the answers as a dict of question id to True (yes) or False (no), for example "
                         f"{{'{ids[0]}': True, ...}}.")
    missing = [qid for qid in ids if not isinstance(answers.get(qid), bool)]
    if missing:
        raise InputError("Answer every question with yes or no first: " + ", ".join(missing) + ".")
    by_id = {q["id"]: q for q in questions()}
    contains_cells, excluded, *criteria = ids
    if not answers[contains_cells]:
        return Decision(PATHWAY_NOT_HCTP, contains_cells, f"{by_id[contains_cells]['rule']}")
    if answers[excluded]:
        return Decision(PATHWAY_NOT_HCTP, excluded, f"{by_id[excluded]['rule']}")
    for qid in criteria:
        if not answers[qid]:
            return Decision(PATHWAY_351, qid, "All four criteria of 21 CFR 1271.10(a) must be met; this one is "
                                              f"not: {by_id[qid]['rule']}")
    return Decision(PATHWAY_361, criteria[-1], "All four criteria of 21 CFR 1271.10(a) are met.")


def pathway_explorer():
    """Widget: pick a scenario (or describe your own product), answer the questions, see the pathway and rule."""
    import html

    import ipywidgets as w

    from exocourse.lessons import ui

    items = scenarios()
    menu = ui.choice("Scenario", [("Your own product (answer the questions)", -1)] +
                     [(s["title"], n) for n, s in enumerate(items)], 0, menu=True,
                     layout=w.Layout(width="auto", max_width="100%"))
    description = w.HTML()
    radios = {q["id"]: ui.choice(q["text"], [("Yes", True), ("No", False)], wrap=True) for q in questions()}
    readout = w.HTML()

    def load_scenario(_=None):
        if menu.value >= 0:
            scenario = items[menu.value]
            description.value = (f"{ui.WRAP_STYLE}<p><strong>Scenario.</strong> "
                                 f"{html.escape(scenario['description'])}</p>")
            for radio in radios.values():
                radio.value = None
        else:
            description.value = (f"{ui.WRAP_STYLE}<p>Describe your product to yourself, then answer each "
                                 "question.</p>")
        update()

    def update(_=None):
        answers = {qid: radio.value for qid, radio in radios.items()}
        try:
            decision = decide_pathway(answers)
        except InputError as problem:
            readout.value = f"<p>{html.escape(str(problem))}</p>"
            return
        text = (f"<p><strong>Pathway:</strong> {html.escape(decision.pathway)}</p>"
                f"<p><strong>Deciding rule:</strong> {html.escape(decision.explanation)}</p>")
        if menu.value >= 0:
            scenario = items[menu.value]
            agrees = scenario["expected_pathway_code"] == pathway_code(decision.pathway)
            text += (f"<p>{'✔ This matches' if agrees else '✘ This differs from'} the course's analysis: "
                     f"{html.escape(scenario['expected_pathway'])} — {html.escape(scenario['deciding_rule'])} "
                     f"[{html.escape(scenario['reference'])}]</p>")
        readout.value = text + ui.caption_html(
            "Decision tool: the answers above lead to the pathway shown.",
            "; ".join(f"{q['text']} {'yes' if answers[q['id']] else 'no'}" for q in questions()) + ".")

    menu.observe(load_scenario, names="value")
    for radio in radios.values():
        radio.observe(update, names="value")
    load_scenario()
    # wrap: long questions wrap instead of being cut off
    return ui.view([menu, description, *radios.values(), readout], {"scenario": menu, **radios}, readout=readout,
                   wrap=True)


def pathway_code(pathway: str) -> str:
    codes = {PATHWAY_361: "361", PATHWAY_351: "351", PATHWAY_NOT_HCTP: "not-hctp"}
    if not isinstance(pathway, str) or pathway not in codes:
        raise InputError(f"Not a pathway of this tool: {str(pathway)[:60]!r}. It is one of: {', '.join(codes)}.")
    return codes[pathway]
