"""Course data: the tables described by data/datapackage.json, the references lessons cite, and self-checks."""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

from exocourse.errors import OneLineError
from exocourse.paths import data_dir

REFERENCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)+|[a-z]+[0-9]{4}[a-z0-9-]*"
CITATION = re.compile(rf"\[({_ID})\]")  # what an author writes: [reference-id]
# What a learner sees once rendered: a numbered marker linked to the lesson's reference list, [[3]](#ref-id).
NUMBERED = re.compile(rf"\[\[\d+\]\]\(#ref-({_ID})\)")
ANY_CITATION = re.compile(rf"{NUMBERED.pattern}|{CITATION.pattern}")


class DataError(OneLineError, LookupError):
    """A table, reference or self-check the course asked for does not exist."""


@lru_cache(maxsize=2)
def package(folder: Path | None = None) -> dict:
    """The Frictionless descriptor data/datapackage.json."""
    folder = Path(folder) if folder else data_dir()
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _resource(name: str, folder: Path | None = None) -> dict:
    for resource in package(folder)["resources"]:
        if resource["name"] == name:
            return resource
    names = ", ".join(sorted(r["name"] for r in package(folder)["resources"]))
    raise DataError(f"No table called {name!r}. The course has: {names}.")


def _convert(value: str, field_type: str):
    if value == "":
        return None
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        return float(value)
    if field_type == "boolean":
        return value.strip().lower() in {"true", "1", "yes"}
    return value


def rows(name: str, folder: Path | None = None) -> list[dict]:
    """The rows of a table as dictionaries, with numbers converted according to the table's schema (`folder`:
    another course's data folder)."""
    resource = _resource(name, folder)
    types = {f["name"]: f.get("type", "string") for f in resource["schema"]["fields"]}
    with (Path(folder) if folder else data_dir()).joinpath(resource["path"]).open(encoding="utf-8",
                                                                                  newline="") as handle:
        return [{k: _convert(v, types.get(k, "string")) for k, v in row.items()} for row in csv.DictReader(handle)]


def records(rows: list[dict], required, where: str, noun: str, error: type[Exception]):
    """Each (id, row) of a hand-written table (the fact register, the item bank), after checking that the row
    has every required field and that its id is new; raises `error` naming the first problem."""
    seen: set[str] = set()
    for row in rows:
        row_id = str(row.get("id", "?"))
        missing = [field for field in required if not row.get(field)]
        if missing:
            raise error(f"{where}, {noun} {row_id}: missing {', '.join(missing)}.")
        if row_id in seen:
            raise error(f"{where}: {noun} {row_id} appears twice.")
        seen.add(row_id)
        yield row_id, row


def is_synthetic(name: str) -> bool:
    return bool(_resource(name).get("synthetic", False))


@lru_cache(maxsize=4)
def references(folder: Path | None = None) -> dict[str, dict]:
    """Every reference of every module, by id (data/references/*.csv; `folder`: another course's data folder)."""
    found: dict[str, dict] = {}
    for path in sorted((Path(folder) if folder else data_dir()).joinpath("references").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["id"] in found:
                    raise DataError(f"Reference id {row['id']!r} is defined twice (second time in {path.name}).")
                found[row["id"]] = row
    return found


def reference(ref_id: str) -> dict:
    try:
        return references()[ref_id]
    except KeyError:
        raise DataError(f"No reference with id {ref_id!r} in data/references/.") from None


SOURCE_KIND = {"official-secondary": "Copy of an official text", "news": "News report", "other": "Other source"}


def format_reference(ref: dict) -> str:
    """One reference line: authors. Title. Container; year. URL (accessed YYYY-MM-DD), then, for a source that is
    not the primary document, what kind it is and why the course uses it."""
    line = (f"{ref['authors']}. {ref['title']}. {ref['container']}; {ref['year']}. "
            f"<{ref['url']}> (accessed {ref['accessed']}).")
    kind = SOURCE_KIND.get(ref.get("source_quality") or "")
    if kind:
        line += f" *{kind}" + (f": {ref['quality_note'].rstrip('.')}.*" if ref.get("quality_note") else ".*")
    return line


def short_citation(ref: dict) -> str:
    """"Perkins et al., 2018" or "U.S. Food and Drug Administration, 2019": how a widget names a source."""
    authors = [a.strip() for a in ref["authors"].split(";") if a.strip()]
    first = re.sub(r"\s*\(.*?\)", "", authors[0] if authors else "").strip() or "Anonymous"
    person = re.fullmatch(r"([A-Z][\w'’-]+(?: [a-z]+)? ?[\w'’-]*) [A-Z]{1,3}", first)
    name = person.group(1) + (" et al." if len(authors) > 1 else "") if person else first
    return f"{name}, {ref['year']}"


def cite_html(text: str) -> str:
    """Text for a widget as HTML: each [reference-id] becomes a linked short citation, (Author, year); the rest is
    escaped. An unknown id stays as written."""
    import html

    parts, last = [], 0
    known = references()
    for match in CITATION.finditer(text):
        ref = known.get(match.group(1))
        parts.append(html.escape(text[last:match.start()]))
        parts.append(f"(<a href='{html.escape(ref['url'])}' target='_blank' rel='noopener'>"
                     f"{html.escape(short_citation(ref))}</a>)" if ref else html.escape(match.group(0)))
        last = match.end()
    return "".join(parts) + html.escape(text[last:])


def cited_ids(text: str) -> list[str]:
    """Reference ids cited in a piece of markdown ([id] or a rendered [[n]](#ref-id)), in order of first
    appearance."""
    seen: list[str] = []
    for match in ANY_CITATION.finditer(text):
        ref_id = match.group(1) or match.group(2)
        if ref_id not in seen:
            seen.append(ref_id)
    return seen


@lru_cache(maxsize=8)
def self_checks(module: str) -> dict[str, dict]:
    """The self-check questions of a module (data/selfchecks/<module>.yml), by id."""
    import re

    import yaml

    if not isinstance(module, str) or not re.fullmatch(r"[a-z0-9_]{1,40}", module):
        raise DataError(f"No self-checks for module {str(module)[:40]!r}: give a module name such as 'biology'.")
    path = data_dir() / "selfchecks" / f"{module}.yml"
    if not path.exists():
        raise DataError(f"No self-checks for module {module!r}.")
    return {item["id"]: item for item in yaml.safe_load(path.read_text(encoding="utf-8"))}
