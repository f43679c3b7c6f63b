"""Item statistics (difficulty, point-biserial discrimination, upper-lower index, option counts) and the
plain-language flags, from items and learners' scores; the method is described in exocourse.instructor.item_analysis."""

from __future__ import annotations

import math

from exocourse.instructor.item_sources import NO_VALID_ANSWER, NOT_READ, Item

MEANINGFUL = 10  # fewer graded learners than this: the statistics are not yet meaningful
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
GROUP_PERCENT = 27


def group_size(n: int) -> int:
    """Learners in each of the top and bottom groups: 27% of n, rounded to the nearest whole number (halves up),
    at least 1."""
    return max(1, (GROUP_PERCENT * n + 50) // 100)


def point_biserial(item_scores: list[float], rest_scores: list[float]) -> float | None:
    """Pearson's r of item score and rest-of-test score (the point-biserial for a right/wrong item); None when
    either has no spread or there are fewer than 2 learners."""
    n = len(item_scores)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(item_scores) / n, math.fsum(rest_scores) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(item_scores, rest_scores, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in item_scores)
    syy = math.fsum((y - mean_y) ** 2 for y in rest_scores)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _mean_proportion(scores: list[float], points: float) -> float | None:
    return math.fsum(scores) / len(scores) / points if scores and points else None


def analyse(items: list[Item], scores: dict[str, dict[tuple, float | None]],
            choices: dict[str, dict] | None = None) -> dict:
    """The item statistics, options and flags of one assignment from its items and learners' item scores
    (None: not graded) and, for multiple-choice items, learners' choices."""
    choices = choices or {}
    learners = sorted(scores)
    analysable = [i for i in items if any(scores[learner].get((i.notebook, i.name)) is not None
                                          for learner in learners)]
    analysable_keys = {(i.notebook, i.name) for i in analysable}
    complete = [learner for learner in learners
                if all(scores[learner].get((i.notebook, i.name)) is not None for i in analysable)]
    total = {learner: math.fsum(scores[learner][(i.notebook, i.name)] for i in analysable) for learner in complete}
    ordered = sorted(complete, key=lambda learner: (total[learner], learner))
    size = group_size(len(ordered)) if ordered else 0
    bottom, top = ordered[:size], ordered[len(ordered) - size:]
    meaningful = len(complete) >= MEANINGFUL
    results = []
    for item in items:
        key = (item.notebook, item.name)
        graded = [learner for learner in learners if scores[learner].get(key) is not None]
        row = {"item": item, "graded": len(graded),
               "difficulty": _mean_proportion([scores[learner][key] for learner in graded], item.points),
               "discrimination": None, "upper_lower": None, "options": None, "top": None, "bottom": None}
        if key in analysable_keys and complete:
            row["discrimination"] = point_biserial([scores[learner][key] for learner in complete],
                                                   [total[learner] - scores[learner][key] for learner in complete])
            high = _mean_proportion([scores[learner][key] for learner in top], item.points)
            low = _mean_proportion([scores[learner][key] for learner in bottom], item.points)
            row["upper_lower"] = None if high is None or low is None else high - low
        if item.multiple_choice and graded:
            picks = {learner: choices.get(learner, {}).get(key, NOT_READ) for learner in graded}
            categories = [*item.choices, NO_VALID_ANSWER, NOT_READ]
            row["options"] = {c: sum(p == c for p in picks.values()) for c in categories}
            row["top"] = {c: sum(picks.get(learner) == c for learner in top) for c in categories}
            row["bottom"] = {c: sum(picks.get(learner) == c for learner in bottom) for c in categories}
        row["flags"] = item_flags(row)
        results.append(row)
    return {"learners": len(learners), "complete": len(complete), "group_size": size, "meaningful": meaningful,
            "items": results}


def item_flags(row: dict) -> list[str]:
    """Plain-language flags of one analysed item (an empty list: nothing to look at)."""
    item = row["item"]
    if not row["graded"]:
        return ["no learner's answer to this item has been graded yet, so it has no statistics"]
    flags = []
    difficulty, r = row["difficulty"], row["discrimination"]
    if difficulty is not None and difficulty > TOO_EASY:
        flags.append(f"too easy: {difficulty:.0%} of its points were earned (above {TOO_EASY:.0%}), so it tells "
                     "learners apart little")
    if difficulty is not None and difficulty < TOO_HARD:
        flags.append(f"too hard: only {difficulty:.0%} of its points were earned (below {TOO_HARD:.0%}); check "
                     "the key, the wording and whether the lessons teach it")
    if r is None and row["upper_lower"] is not None:
        flags.append("discrimination cannot be computed: every learner had the same score on this item or on the "
                     "rest of the test")
    elif r is not None and r < LOW_DISCRIMINATION:
        flags.append(f"low discrimination: r = {r:.2f} (below {LOW_DISCRIMINATION:.1f}), so learners who did well "
                     "on the rest of the test were not clearly more likely to earn its points"
                     + ("; it is negative: check the key" if r < 0 else ""))
    options = row["options"]
    if item.multiple_choice and options is not None:
        read = sum(count for option, count in options.items() if option != NOT_READ)
        if item.key is None:
            flags.append("its keyed option could not be read from the source notebook, so its distractors were "
                         "not checked")
        elif not read:
            flags.append("no submitted notebook could be read, so its options were not counted")
        else:
            for option in item.choices:
                if option == item.key:
                    continue
                if options[option] == 0:
                    flags.append(f"option {option} was chosen by nobody: it is not a plausible distractor; consider "
                                 "replacing it")
                elif row["top"][option] > row["bottom"][option]:
                    flags.append(f"option {option} was chosen by more learners of the top group "
                                 f"({row['top'][option]}) than of the bottom group ({row['bottom'][option]}): check "
                                 "that it is not also a defensible answer")
    return flags

