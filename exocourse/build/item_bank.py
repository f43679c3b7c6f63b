"""The item bank of the course tests (data/assessment/items.yml): parallel forms A (pre-test) and B (post-test).

Each item has an objective, a cognitive level (recall, application, analysis), a clinical stem, four options, a
rationale for every option, its references, and its key as a salted digest (exocourse.answers), never the letter.
The forms are parallel: for every objective of the course, one item in form A and one in form B of the same
level, with different stems, so the post-test does not repeat the pre-test.

    python -m exocourse.build.item_bank key <item id> <letter>   # the digest to store as an item's key
    python -m exocourse.build.item_bank check                     # validate the bank; print counts per objective/level
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from exocourse import answers, data
from exocourse.errors import OneLineError
from exocourse.paths import data_dir

LEVELS = ("recall", "application", "analysis")
FORMS = {"A": "pretest", "B": "posttest"}
LETTERS = "ABCD"
FIELDS = ("id", "objective", "level", "form", "stem", "options", "rationales", "key", "references")


class ItemBankError(OneLineError, ValueError):
    """The bank cannot be used as it is; the message names the item and the problem."""


def keyed_letter(item: dict) -> str:
    """The option whose digest matches the item's key (exactly one must)."""
    matches = [letter for letter in item["options"] if answers.matches(item["id"], letter, item["key"])]
    if len(matches) != 1:
        raise ItemBankError(f"item bank, item {item['id']}: the key matches {len(matches)} options, not one "
                            f"(python -m exocourse.build.item_bank key {item['id']} <letter>).")
    return matches[0]


def check_items(items: list[dict], objectives: set[str], references: set[str]) -> list[dict]:
    for item_id, item in data.records(items, FIELDS, "item bank", "item", ItemBankError):
        if item["objective"] not in objectives:
            raise ItemBankError(f"item bank, item {item_id}: {item['objective']} is not an objective of the course.")
        if item["level"] not in LEVELS or item["form"] not in FORMS:
            raise ItemBankError(f"item bank, item {item_id}: level must be one of {', '.join(LEVELS)} and form A "
                                "or B.")
        if sorted(item["options"]) != list(LETTERS) or sorted(item["rationales"]) != list(LETTERS):
            raise ItemBankError(f"item bank, item {item_id}: options and rationales must be A, B, C and D.")
        unknown = [r for r in item["references"] if r not in references]
        unknown += [r for text in [item["stem"], *item["rationales"].values()] for r in data.cited_ids(text)
                    if r not in references]
        if unknown:
            raise ItemBankError(f"item bank, item {item_id}: no reference {', '.join(sorted(set(unknown)))} in "
                                "data/references/.")
        keyed_letter(item)
    return items


def load(folder: Path | None = None) -> list[dict]:
    """The checked items of the bank."""
    import yaml

    from exocourse import manifest

    folder = Path(folder) if folder else data_dir()
    items = yaml.safe_load((folder / "assessment" / "items.yml").read_text(encoding="utf-8"))["items"]
    m = manifest.load_manifest(folder.parent)
    return check_items(items, {o["id"] for o in manifest.objectives(m)}, set(data.references(folder)))


def form(items: list[dict], letter: str) -> list[dict]:
    """One form's items in the course's objective order."""
    return [i for i in items if i["form"] == letter]


def counts(items: list[dict]) -> dict[str, Counter]:
    """{objective: Counter of (form, level)}: what the bank holds."""
    table: dict[str, Counter] = {}
    for item in items:
        table.setdefault(item["objective"], Counter())[(item["form"], item["level"])] += 1
    return table


def main(argv: list[str]) -> int:
    if argv[:1] == ["key"] and len(argv) == 3:
        print(answers.digest(argv[1], answers.normalise_choice(argv[2], LETTERS)))
        return 0
    if argv[:1] == ["check"]:
        items = load()
        for objective, counter in sorted(counts(items).items()):
            print(objective, ", ".join(f"form {f} {lvl}: {n}" for (f, lvl), n in sorted(counter.items())))
        by_level = Counter(i["level"] for i in items)
        print(f"{len(items)} items; " + ", ".join(f"{lvl} {by_level[lvl]}" for lvl in LEVELS))
        return 0
    print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
