"""The currency register: every time-sensitive fact the course states (approval, trial, guideline and law status),
kept once in data/currency.yml with its source, the date it was last checked, how, and when to check it next.

Lessons, assignments and the README never state these facts by hand: they hold a rendered block
`<!-- BEGIN fact:<id> -->…<!-- END fact:<id> -->` that `make render` fills from the register, and widgets call
`fact(<id>)`. A change of status is one edit of one row, then `make render`.

    python -m exocourse.currency check [--out build/currency-check]   (make currency-check)

writes the reviewer's checklist (Markdown and CSV): for each fact, what the course states, where to look, what to
look for, and boxes for the date and initials. Until a reviewer records a live check (`checked: live`), the course
says "As of <date> (re-read in a stored copy …)".
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from functools import lru_cache
from pathlib import Path

from exocourse import data
from exocourse.errors import OneLineError
from exocourse.paths import data_dir

METHODS = {"primary-stored": "re-read in a stored copy of the primary source",
           "secondary-stored": "re-read in a stored secondary copy",
           "live": "checked live"}
REQUIRED = ("id", "statement", "references", "as_of", "checked", "next_check", "look_for", "phrases")
LONGEST_INTERVAL = dt.timedelta(days=366)  # next check at most 12 months after the last one


class CurrencyError(OneLineError, ValueError):
    """The register cannot be used as it is; the message names the row and the problem."""


def _date(value, row_id: str, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CurrencyError(f"currency register, fact {row_id}: {field} {value!r} is not a date (YYYY-MM-DD).") \
            from None


def check_rows(rows: list[dict], known_references: set[str]) -> list[dict]:
    """The rows, each checked: every field present, a known check method, sources that exist, dates in order and
    the next check at most 12 months after the last. Raises CurrencyError naming the first problem."""
    checked = []
    for row_id, row in data.records(rows, REQUIRED, "currency register", "fact", CurrencyError):
        if row["checked"] not in METHODS:
            raise CurrencyError(f"currency register, fact {row_id}: checked must be one of {', '.join(METHODS)}.")
        unknown = [r for r in row["references"] if r not in known_references]
        if unknown:
            raise CurrencyError(f"currency register, fact {row_id}: no reference {', '.join(unknown)} in "
                                "data/references/.")
        as_of, next_check = _date(row["as_of"], row_id, "as_of"), _date(row["next_check"], row_id, "next_check")
        if not as_of < next_check <= as_of + LONGEST_INTERVAL:
            raise CurrencyError(f"currency register, fact {row_id}: next_check must fall within 12 months after "
                                f"as_of ({as_of}).")
        checked.append({**row, "as_of": as_of, "next_check": next_check})
    return checked


@lru_cache(maxsize=2)
def register(folder: Path | None = None) -> dict[str, dict]:
    """{fact id: row} from data/currency.yml, checked."""
    import yaml

    folder = Path(folder) if folder else data_dir()
    rows = yaml.safe_load((folder / "currency.yml").read_text(encoding="utf-8"))["facts"]
    return {row["id"]: row for row in check_rows(rows, set(data.references(folder)))}


def _when(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def fact(fact_id: str, folder: Path | None = None, plain: bool = False) -> str:
    """The sentence the course states for `fact_id`, date first ("As of 6 December 2026 (re-read in a stored copy of
    the primary source): …"), then its citations; with
    plain=True, the row's `plain` wording (what a clinician says to a patient), without date or citation."""
    rows = register(folder)
    if fact_id not in rows:
        raise CurrencyError(f"No fact {fact_id!r} in the currency register; it has: {', '.join(sorted(rows))}.")
    row = rows[fact_id]
    if plain:
        if not row.get("plain"):
            raise CurrencyError(f"currency register, fact {fact_id}: no `plain` wording to render.")
        return row["plain"].strip().rstrip(".")
    cites = " ".join(f"[{r}]" for r in row["references"])
    return f"As of {_when(row['as_of'])} ({METHODS[row['checked']]}): {row['statement'].rstrip('.')} {cites}"


def due(today: dt.date | None = None, folder: Path | None = None) -> list[str]:
    """Register rows past their next-check date: one sentence each (a report, never a failure)."""
    today = today or dt.date.today()
    return [f"fact {row['id']}: next check was due on {row['next_check']} — check it and update the register"
            for row in register(folder).values() if row["next_check"] <= today]


def checklist(folder: Path | None = None) -> list[dict]:
    """One row per fact for the reviewer's checklist."""
    sources_of = data.references(Path(folder) if folder else None)
    rows = []
    for row in sorted(register(folder).values(), key=lambda r: r["next_check"]):
        sources = [sources_of[r] for r in row["references"]]
        states = fact(row["id"], folder) + (f' — to patients: "{row["plain"].strip()}"' if row.get("plain") else "")
        rows.append({"fact": row["id"], "the course states": states,
                     "where to look": " ; ".join(s["url"] for s in sources) or ", ".join(row["references"]),
                     "what to look for": row["look_for"], "last checked": str(row["as_of"]),
                     "check due by": str(row["next_check"]), "still true? (yes / no / changed: how)": "",
                     "date checked": "", "initials": ""})
    return rows


def write_checklist(out: Path, folder: Path | None = None) -> tuple[Path, Path]:
    """build/currency-check.md and .csv: the checklist a reviewer with internet access works through."""
    from exocourse.safe_csv import write_csv

    rows = checklist(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv(out.with_suffix(".csv"), list(rows[0]) if rows else ["fact"], rows)
    lines = ["# Currency check: time-sensitive facts the course states", "",
             f"Written {dt.date.today().isoformat()}. For each fact below, open the source, read what it says today, "
             "and tick one box. If the fact has changed, write how, and give this sheet to the course maintainer: "
             "they update the one register row (data/currency.yml) and re-render the course.", ""]
    for n, row in enumerate(rows, 1):
        lines += [f"## {n}. {row['fact']} (check due by {row['check due by']})", "",
                  f"**The course states:** {row['the course states']}", "",
                  f"**Where to look:** {row['where to look']}", "",
                  f"**What to look for:** {row['what to look for']}", "",
                  f"**Last checked:** {row['last checked']}", "",
                  "- [ ] Still true   - [ ] No longer true   - [ ] Changed: ______________________", "",
                  "Date checked: ____________   Initials: ______", ""]
    md_path = out.with_suffix(".md")
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, csv_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.currency", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="write the reviewer's checklist (Markdown and CSV)")
    check.add_argument("--out", type=Path, default=Path("build/currency-check"))
    args = parser.parse_args(argv)
    md_path, csv_path = write_checklist(args.out)
    print(f"{len(register())} time-sensitive facts to check: {md_path} (to read and tick) and {csv_path} "
          "(the same as a table).")
    for line in due():
        print(line)
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
