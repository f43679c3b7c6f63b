"""Every CSV the course writes goes through `write_csv`: no cell can start a spreadsheet formula.
`read_csv` reads a course record back.

Excel, LibreOffice and Google Sheets run a cell that begins with `=`, `+`, `-` or `@` (and some treat a leading
tab or carriage return the same way) as a formula: a learner's comment `=HYPERLINK("http://…")` in the evaluation
summary, or a roster name in the registrar's completion report, would become a live link or command. Such cells
get a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection). Numbers are
written as numbers: -2.5 stays a number, "-2+3" does not.
"""

from __future__ import annotations

import csv
import html
import io
import os
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        try:
            float(text)
            return text  # a plain (negative) number
        except ValueError:
            return "'" + text
    return text


def csv_text(fieldnames: list[str], rows, *, lineterminator: str = "\n") -> str:
    """CSV text of `rows` (dicts, or sequences in `fieldnames` order), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([neutral(name) for name in fieldnames])
    for row in rows:
        values = [row.get(name, "") for name in fieldnames] if isinstance(row, dict) else list(row)
        writer.writerow([neutral("" if value is None else value) for value in values])
    return out.getvalue()


def write_csv(path: Path, fieldnames: list[str], rows, *, lineterminator: str = "\r\n") -> Path:
    """Write `rows` to `path` atomically (never a half-written report), every cell neutralised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(csv_text(fieldnames, rows, lineterminator=lineterminator), encoding="utf-8", newline="")
    os.replace(temporary, path)
    return path


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV the course keeps (a ledger, a record of cleared flags), as dictionaries; none if it does
    not exist yet."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def escape_markdown(text: object) -> str:
    """Learner text for a Markdown or HTML summary: HTML escaped, so no tag, script or link from a learner is live."""
    return html.escape(str(text), quote=True).replace("[", "&#91;").replace("]", "&#93;")
