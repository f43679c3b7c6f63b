"""Informed consent for an unapproved biologic: audit a draft consent text, practise the conversation.

`audit_consent_form` checks a draft against the required elements in data/consent/elements.csv (each mapped to
its source) and measures its reading grade (Flesch–Kincaid, textstat, pinned in requirements.txt so graded
numbers are stable). The widgets (views/consent.py) wrap it, a branching conversation and a teach-back card.

Time-sensitive statements (such as the exosome approval status) are never written by hand in the data: the data
holds a placeholder `{fact:<id>}` that is replaced at load time by the currency register's sentence
(`exocourse.currency.fact`), with its date, how it was checked and its citations.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from exocourse import data
from exocourse.errors import InputError

MAX_CHARACTERS = 20_000
TARGET_GRADE = 8.0
LONG_SENTENCE_WORDS = 25


@dataclass
class Audit:
    present: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    grade: float = 0.0
    words: int = 0
    long_sentences: list[str] = field(default_factory=list)

    @property
    def suggestions(self) -> list[str]:
        tips = [f"Add {element['label'].lower()} ({element['source_text']}) [{element['reference']}]"
                for element in self.missing]
        if self.grade > TARGET_GRADE:
            tips.append(f"Reading grade {self.grade:.1f}: use shorter sentences and everyday words; aim for grade "
                        f"{TARGET_GRADE:.0f} or lower.")
        tips += [f"Split this long sentence: “{sentence[:80]}…”" for sentence in self.long_sentences[:3]]
        return tips


FACT_PLACEHOLDER = re.compile(r"\{fact:([a-z0-9-]+)\}")


def with_facts(text: str) -> str:
    """The text with each `{fact:<id>}` placeholder replaced by the currency register's current statement."""
    from exocourse import currency

    return FACT_PLACEHOLDER.sub(lambda match: currency.fact(match.group(1)), text)


def elements() -> list[dict]:
    """The elements a consent text for an exosome product must cover, each with its source."""
    return [{**row, "source_text": with_facts(row["source_text"])} for row in data.rows("consent_elements")]


def conversation_turns() -> list[dict]:
    """The branching conversation with Ms. R.: each turn's question and options, facts filled from the register."""
    import yaml

    from exocourse.paths import data_dir

    turns = yaml.safe_load((data_dir() / "consent" / "conversation.yml").read_text(encoding="utf-8"))
    return [{**turn, "patient": with_facts(turn["patient"]),
             "options": [{**option, "text": with_facts(option["text"]), "feedback": with_facts(option["feedback"])}
                         for option in turn["options"]]}
            for turn in turns]


def _checked_text(text) -> str:
    if not isinstance(text, str):
        raise InputError("Paste the consent text as text (in quotes).")
    if not text.strip():
        raise InputError("The consent text is empty: paste or type a draft first.")
    if len(text) > MAX_CHARACTERS:
        raise InputError(f"The text is {len(text):,} characters long; audit at most {MAX_CHARACTERS:,} at a time.")
    return text


LONGEST_SENTENCE_WORDS = 100  # beyond this the formula's grade means nothing (a list, or no full stops)


def reading_grade(text) -> float:
    """Flesch–Kincaid grade level of an English text (textstat). Refuses text for which the formula means nothing:
    no English words, or a "sentence" of more than 100 words (text without full stops)."""
    import textstat

    text = _checked_text(text)
    if not re.search(r"[A-Za-z]{2,}", text):
        raise InputError("The reading grade (Flesch–Kincaid) is for English text; this text has no English words.")
    longest = max(len(s.split()) for s in re.split(r"(?<=[.!?;:])\s+", text.strip()))
    if longest > LONGEST_SENTENCE_WORDS:
        raise InputError(f"One sentence runs to {longest:,} words: add full stops between sentences, so that the "
                         "reading grade means something.")
    return float(textstat.flesch_kincaid_grade(text))


def _mentions(text: str, keyword: str) -> bool:
    return re.search(r"\b" + re.escape(keyword.strip().lower()), text) is not None


def audit_consent_form(text) -> Audit:
    """Which required elements a draft consent text addresses (by keywords), its reading grade and suggestions.
    A keyword match means the topic is mentioned, not that it is explained well: read the draft too."""
    text = _checked_text(text)
    lowered = text.lower()
    audit = Audit(grade=reading_grade(text), words=len(re.findall(r"\b\w+\b", text)))
    for element in elements():
        keywords = [k for k in element["keywords"].split(";") if k.strip()]
        (audit.present if any(_mentions(lowered, k) for k in keywords) else audit.missing).append(element)
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    audit.long_sentences = [s for s in sentences if len(s.split()) > LONG_SENTENCE_WORDS]
    return audit


def audit_html(audit: Audit) -> str:
    rows = "".join(f"<li>✔ Present: {html.escape(e['label'])} [{html.escape(e['reference'])}]</li>" for e in audit.present)
    rows += "".join(f"<li>✘ Missing: {html.escape(e['label'])} [{html.escape(e['reference'])}]</li>"
                    for e in audit.missing)
    tips = "".join(f"<li>{html.escape(tip)}</li>" for tip in audit.suggestions) or "<li>No suggestions.</li>"
    verdict = "at or below" if audit.grade <= TARGET_GRADE else "above"
    return (f"<p><strong>{len(audit.present)} of {len(audit.present) + len(audit.missing)} elements mentioned; "
            f"reading grade {audit.grade:.1f} ({verdict} the grade-{TARGET_GRADE:.0f} ceiling; aim for about grade 6); "
            f"{audit.words} words."
            f"</strong></p><ul>{rows}</ul><p><strong>Suggestions</strong></p><ul>{tips}</ul>")
