"""US regulation of exosome and other cell- or tissue-derived products: is a product an HCT/P that can be
regulated solely under section 361 of the PHS Act, or a drug/biological product that needs an IND to be studied
and a licence (BLA) to be marketed? The decision follows 21 CFR 1271.3(d) and the four cumulative criteria of
21 CFR 1271.10(a); the questions, rules and scenarios live in data/regulation/hctp_questions.json.
The widget is in views/regulation.py.
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


def pathway_code(pathway: str) -> str:
    codes = {PATHWAY_361: "361", PATHWAY_351: "351", PATHWAY_NOT_HCTP: "not-hctp"}
    if not isinstance(pathway, str) or pathway not in codes:
        raise InputError(f"Not a pathway of this tool: {str(pathway)[:60]!r}. It is one of: {', '.join(codes)}.")
    return codes[pathway]
