"""The course glossary (data/glossary.csv) and the authoring lint that keeps every lesson's terms explained.

The Glossary page (lessons/glossary.ipynb) renders the table from the data (`make render`). The lint, run by the
tests, reads each lesson's markdown as a learner sees it and reports
- an abbreviation that is not in the glossary, and
- an abbreviation whose expansion the lesson does not write at or before the paragraph where it first uses it
  ("extracellular vesicle (EV)"), so every lesson stands on its own.
"""

from __future__ import annotations

import re

from exocourse import data

# An abbreviation: a word with at least two capital letters making up at least half its letters (EV, HCT/P, mRNA,
# CD63; not product names such as ExoDx or MedWatch), plural "s" allowed (EVs). Objective ids (EXO-RISK-1), Roman
# numerals (phase II) and company suffixes are not abbreviations.
ABBREVIATION = re.compile(r"(?<![\w/#-])([a-z]?[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:[/&][A-Z])?)s?(?:’s|'s)?(?![\w-])")
NOT_ABBREVIATIONS = {"II", "III", "IV", "VI", "OK", "LLC"}
OBJECTIVE_ID = re.compile(r"\bEXO-[A-Z]+-\d+\b|\bNCT\d{8}\b")  # objective ids and trial registry numbers


def terms() -> list[dict]:
    """Glossary rows, alphabetical (case-insensitive)."""
    return sorted(data.rows("glossary"), key=lambda row: row["term"].casefold())


def table() -> str:
    """The glossary as a markdown table: term, what it stands for, what it means (with its citation)."""
    lines = ["| Term | Stands for | What it means |", "|---|---|---|"]
    for row in terms():
        cite = f" [{row['reference_id']}]" if row.get("reference_id") else ""
        cells = [row["term"], row.get("expansion") or "—", row["definition"] + cite]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _paragraphs(markdown_cells: list[str]) -> list[str]:
    """The lesson's visible text, paragraph by paragraph (collapsed sections included: they are still the lesson)."""
    from exocourse.build import render

    text = "\n\n".join(markdown_cells)
    text = render.BLOCK.sub(lambda m: "" if m["name"] == "references" else m.group(0), text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets (URLs, #ref-… anchors) are not text
    text = re.sub(r"<[^>]+>", " ", text)
    text = OBJECTIVE_ID.sub(" ", text)
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def abbreviations_in(text: str) -> list[str]:
    found = []
    for match in ABBREVIATION.finditer(text):
        word = match.group(1)
        if word.endswith("s") and word[:-1].isupper():  # a plural: EVs, MSCs
            word = word[:-1]
        letters = [c for c in word if c.isalpha()]
        if 2 * sum(c.isupper() for c in letters) < len(letters):
            continue
        if word not in NOT_ABBREVIATIONS and word not in found:
            found.append(word)
    return found


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("–", "-")).casefold()


def lint(markdown_cells: list[str], rows: list[dict] | None = None) -> list[str]:
    """Problems with the terms of one lesson (an empty list when every abbreviation is explained)."""
    glossary = {row["term"]: row for row in (rows if rows is not None else terms())}
    problems, seen_text = [], ""
    explained: set[str] = set()
    for paragraph in _paragraphs(markdown_cells):
        seen_text += " " + _normal(paragraph)
        for word in abbreviations_in(paragraph):
            if word in explained:
                continue
            explained.add(word)
            row = glossary.get(word)
            if row is None:
                problems.append(f"{word}: not in the glossary (data/glossary.csv)")
            elif row.get("expansion") and _normal(row["expansion"]) not in seen_text:
                problems.append(f"{word}: first used without its expansion ({row['expansion']!r}) in the same "
                                f"paragraph or earlier: {paragraph.strip()[:90]!r}")
    return problems
