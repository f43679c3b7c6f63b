"""The data package validates, every reference is well formed, and every citation resolves."""

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from urllib.parse import urlparse

import nbformat
import pytest
import yaml
from conftest import ROOT, lesson_files, source_assignments

from exocourse import data

PACKAGE = ROOT / "data" / "datapackage.json"


def test_data_package_validates_against_its_schemas():
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(PACKAGE)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_table_declares_source_licence_and_synthetic_flag():
    for resource in json.loads(PACKAGE.read_text())["resources"]:
        assert resource.get("sources") and resource.get("licenses"), resource["name"]
        assert isinstance(resource.get("synthetic"), bool), resource["name"]
        if resource["synthetic"]:
            assert "synthetic" in resource["description"].lower(), resource["name"]


def test_every_csv_in_data_is_described_by_the_package():
    described = {r["path"] for r in json.loads(PACKAGE.read_text())["resources"]}
    on_disk = {p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*.csv")}
    assert on_disk == described


def test_references_are_well_formed():
    refs = data.references()
    assert refs
    for ref_id, ref in refs.items():
        assert data.REFERENCE_ID.match(ref_id), ref_id
        url = urlparse(ref["url"])
        assert url.scheme in {"https", "http"} and "." in url.netloc and " " not in ref["url"], ref_id  # as read
        assert dt.date.fromisoformat(ref["accessed"]) <= dt.date.today(), ref_id
        assert ref["title"].strip() and ref["authors"].strip() and re.fullmatch(r"\d{4}", ref["year"]), ref_id


def _cited_texts():
    for path in lesson_files() + source_assignments():
        nb = nbformat.read(path, as_version=4)
        yield path.name, "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for path in sorted((ROOT / "data" / "selfchecks").glob("*.yml")):
        yield path.name, yaml.safe_dump(yaml.safe_load(path.read_text()), allow_unicode=True)
    for path in sorted((ROOT / "data").rglob("*.csv")):
        if path.parent.name != "references":
            with path.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if "reference" in row:
                        yield path.name, f"[{row['reference']}]"


@pytest.mark.parametrize("name,text", list(_cited_texts()), ids=lambda v: v if len(v) < 40 else "")
def test_every_cited_reference_exists(name, text):
    missing = [ref_id for ref_id in data.cited_ids(text) if ref_id not in data.references()]
    assert not missing, f"{name} cites unknown references {missing}"


def test_synthetic_tables_regenerate_identically(tmp_path):
    (tmp_path / "data/biology").mkdir(parents=True)
    (tmp_path / "data/diagnostics").mkdir(parents=True)
    (tmp_path / "assignments/source/ps1").mkdir(parents=True)
    (tmp_path / "data/biology/separation_methods.csv").write_bytes(
        (ROOT / "data/biology/separation_methods.csv").read_bytes())
    code = ("import sys, pathlib; sys.path.insert(0, 'tools'); import generate_synthetic_data as g; "
            f"g.ROOT = pathlib.Path({str(tmp_path)!r}); g.main(g.ROOT)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    for rel in ["data/biology/nta_synthetic.csv", "assignments/source/ps1/nta_sample.csv",
                "data/diagnostics/synthetic_biomarker.csv"]:
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
