"""The modified-Angoff result: each judge's expected score, the panel's recommended cut score with its spread, and
the summary (Markdown and CSV)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.instructor.angoff_worksheet import provisional
from exocourse.instructor.item_sources import Item
from exocourse.safe_csv import escape_markdown, write_csv

SUMMARY_COLUMNS = ["measure", "judge", "points", "percent_of_posttest"]


def cut_score(ratings: dict[str, dict[str, float]], items: list[Item]) -> dict:
    """Each judge's expected score (sum of probability × points), and the panel's recommended cut score (the mean)
    with its SD across judges (n − 1), lowest and highest judge and standard error (SD / √judges): in points and
    as a percent of the items' points."""
    points = {item.name: item.points for item in items}
    total = math.fsum(points.values())
    expected = {judge: math.fsum(p * points[item] for item, p in rated.items())
                for judge, rated in sorted(ratings.items())}
    values = list(expected.values())
    mean = math.fsum(values) / len(values)
    sd = statistics.stdev(values)
    low, high = min(values), max(values)

    def percent(value: float) -> float:
        return 100 * value / total if total else math.nan

    return {"judges": len(values), "total_points": total, "expected": expected,
            "expected_percent": {judge: percent(value) for judge, value in expected.items()},
            "mean": mean, "mean_percent": percent(mean), "sd": sd, "sd_percent": percent(sd),
            "min": low, "min_percent": percent(low), "max": high, "max_percent": percent(high),
            "lowest": [j for j, v in expected.items() if v == low], "highest": [j for j, v in expected.items()
                                                                                if v == high],
            "se": sd / math.sqrt(len(values)), "se_percent": percent(sd / math.sqrt(len(values))),
            "item_means": {item.name: math.fsum(ratings[j][item.name] for j in ratings) / len(ratings)
                           for item in items},
            "item_ranges": {item.name: (min(ratings[j][item.name] for j in ratings),
                                        max(ratings[j][item.name] for j in ratings)) for item in items}}


def whole_points(result: dict, items: list[Item]) -> int | None:
    """The least whole score that reaches the recommended cut, when every item is worth whole points (else None)."""
    if not all(float(item.points).is_integer() for item in items):
        return None
    return course_manifest.pass_points(result["mean_percent"], result["total_points"])


def result_sentence(result: dict) -> str:
    return (f"{result['judges']} judges recommend a cut score of {result['mean']:.2f} of "
            f"{result['total_points']:g} points ({result['mean_percent']:.1f}%): SD {result['sd']:.2f} points "
            f"({result['sd_percent']:.1f}%), range {result['min']:.2f}–{result['max']:.2f} points "
            f"({result['min_percent']:.1f}–{result['max_percent']:.1f}%), standard error {result['se']:.2f} points "
            f"({result['se_percent']:.1f}%).")


def summary_markdown(result: dict, items: list[Item], posttest: str, pass_mark_percent: float,
                     worksheet: Path) -> str:
    compare = ("the same as" if math.isclose(result["mean_percent"], pass_mark_percent) else
               "below" if result["mean_percent"] < pass_mark_percent else "above")
    least = whole_points(result, items)
    reach = (f"A learner reaches it with at least {least} of {result['total_points']:g} points. "
             if least is not None else "")
    lines = [f"# Modified-Angoff cut score: {posttest}", "", result_sentence(result), "",
             f"{reach}It is {compare} the course's current pass mark of {pass_mark_percent:g}%.", "",
             provisional(pass_mark_percent) + " The program adopts a cut score by "
             "changing pass_mark_percent in course.yml (and announcing it to learners before they take the "
             "post-test).", "",
             f"Worksheet: {escape_markdown(worksheet)}", "",
             "## Each judge's expected score", "", "| Judge | Expected score (points) | Percent |", "|---|---:|---:|"]
    lines += [f"| {escape_markdown(judge)} | {value:.2f} | {result['expected_percent'][judge]:.1f} |"
              for judge, value in result["expected"].items()]
    lines += ["", "## The panel", "", "| Measure | Points | Percent |", "|---|---:|---:|",
              f"| Recommended cut score (mean of judges) | {result['mean']:.2f} | {result['mean_percent']:.1f} |",
              f"| Standard deviation across judges (n − 1) | {result['sd']:.2f} | {result['sd_percent']:.1f} |",
              f"| Lowest judge ({escape_markdown(', '.join(result['lowest']))}) | {result['min']:.2f} | "
              f"{result['min_percent']:.1f} |",
              f"| Highest judge ({escape_markdown(', '.join(result['highest']))}) | {result['max']:.2f} | "
              f"{result['max_percent']:.1f} |",
              f"| Standard error (SD / √{result['judges']}) | {result['se']:.2f} | {result['se_percent']:.1f} |",
              "", "## Items", "", "Items where judges differ widely are worth discussing before a second round.", "",
              "| Item | Question | Points | Mean probability | Lowest–highest |", "|---|---|---:|---:|---:|"]
    for item in items:
        low, high = result["item_ranges"][item.name]
        lines.append(f"| {escape_markdown(item.name)} | {escape_markdown(item.question or item.name)} | "
                     f"{item.points:g} | {result['item_means'][item.name]:.2f} | {low:.2f}–{high:.2f} |")
    return "\n".join(lines) + "\n"


def summary_rows(result: dict) -> list[tuple]:
    rows = [("expected score", judge, round(value, 4), round(result["expected_percent"][judge], 2))
            for judge, value in result["expected"].items()]
    rows += [("recommended cut score (mean)", "", round(result["mean"], 4), round(result["mean_percent"], 2)),
             ("standard deviation across judges", "", round(result["sd"], 4), round(result["sd_percent"], 2)),
             ("lowest judge", "; ".join(result["lowest"]), round(result["min"], 4), round(result["min_percent"], 2)),
             ("highest judge", "; ".join(result["highest"]), round(result["max"], 4),
              round(result["max_percent"], 2)),
             ("standard error", "", round(result["se"], 4), round(result["se_percent"], 2)),
             ("post-test autograded points", "", result["total_points"], 100)]
    return rows


def write_summary(folder: Path, result: dict, items: list[Item], posttest: str, pass_mark_percent: float,
                  worksheet: Path) -> tuple[Path, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / "summary.md"
    csv_path = write_csv(folder / "summary.csv", SUMMARY_COLUMNS, summary_rows(result))
    md.write_text(summary_markdown(result, items, posttest, pass_mark_percent, worksheet), encoding="utf-8")
    return md, csv_path
