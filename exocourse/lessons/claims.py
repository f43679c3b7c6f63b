"""Appraising a patient-facing claims page: find look-alike letters, then judge each claim against evidence.

Look-alikes are found with the confusable-homoglyphs package (built from Unicode's confusables data), never with
a hand-written table: a character is flagged when its script is not Latin or Common and Unicode lists it as
confusable with a plain (ASCII) Latin letter.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from exocourse import data
from exocourse.errors import InputError
from exocourse.paths import data_dir

MAX_CHARACTERS = 200_000
VERDICTS = ["supported", "misleading", "unsupported", "wrong"]
# In the claims table a time-sensitive status is never written by hand: {fact:<register id>} stands for the currency
# register's sentence (data/currency.yml), filled in when the claims are loaded.
REGISTER_FACT = re.compile(r"\{fact:([a-z0-9-]+)\}")


@dataclass(frozen=True)
class LookAlike:
    position: int
    character: str
    script: str
    looks_like: str
    name: str


@lru_cache(maxsize=4096)
def _latin_twin(character: str) -> tuple[str, str, str] | None:
    """(script, Latin character it imitates, Unicode name) for a look-alike character, else None."""
    from confusable_homoglyphs import categories, confusables

    script = categories.alias(character)
    if script in ("LATIN", "COMMON") or not character.strip():
        return None
    found = confusables.is_confusable(character, greedy=False, preferred_aliases=["latin"])
    if not found:
        return None
    for glyph in found[0]["homoglyphs"]:
        # Only twins of plain ASCII letters count: that is what spoofed English text imitates.
        if categories.alias(glyph["c"]) == "LATIN" and glyph["c"].isascii() and glyph["c"].isalpha():
            return script, glyph["c"], glyph["n"]
    return None


def _checked_text(text) -> str:
    if not isinstance(text, str):
        raise InputError("Give the text as text (in quotes).")
    if len(text) > MAX_CHARACTERS:
        raise InputError(f"The text is {len(text):,} characters long; check at most {MAX_CHARACTERS:,} at a time.")
    return text


def find_lookalikes(text) -> list[LookAlike]:
    """Every character of `text` that imitates a Latin letter from another script, with its position."""
    found = []
    for position, character in enumerate(_checked_text(text)):
        twin = _latin_twin(character)
        if twin:
            found.append(LookAlike(position, character, twin[0], twin[1], twin[2]))
    return found


def normalise(text) -> str:
    """The text with every look-alike replaced by the Latin letter it imitates."""
    text = _checked_text(text)
    swaps = {item.position: item.looks_like for item in find_lookalikes(text)}
    return "".join(swaps.get(i, ch) for i, ch in enumerate(text))


def count_lookalikes(text) -> int:
    return len(find_lookalikes(text))


def seed_page() -> str:
    """The case material: an anonymous patient-facing web text, kept exactly as found (data/claims/)."""
    return (data_dir() / "claims" / "seed_page.txt").read_text(encoding="utf-8")


def with_register_facts(text: str) -> str:
    """`text` with each {fact:<id>} placeholder replaced by the currency register's dated sentence for that fact."""
    from exocourse import currency

    return REGISTER_FACT.sub(lambda match: currency.fact(match.group(1)), text)


def claims() -> list[dict]:
    """The course's evidence-based verdict on each claim of the seed page, with sources (status statements come
    from the currency register)."""
    return [{**row, "explanation": with_register_facts(row["explanation"])} for row in data.rows("seed_claims")]


def highlighted_html(text) -> str:
    """The text with each look-alike marked (bold, underlined and bracketed, not by colour alone)."""
    swaps = {item.position: item for item in find_lookalikes(text)}
    out = []
    for i, character in enumerate(text):
        item = swaps.get(i)
        if item:
            out.append(f"<mark title='{html.escape(item.script)} letter that looks like “{item.looks_like}”'>"
                       f"<strong><u>[{html.escape(character)}]</u></strong></mark>")
        else:
            out.append(html.escape(character))
    return "".join(out)
