"""Exosome biology: what a separation method yields, what an NTA size distribution shows, and whether a
characterization report meets the MISEV minimal-information checklist.

Pure model functions (numbers in, result out); the widgets in views/biology.py only wire controls to them.
The NTA numbers are a clearly labelled synthetic teaching data set (data/biology/).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from exocourse import data
from exocourse.errors import InputError, finite_number, text_file

SMALL_EV_LIMIT_NM = 200  # MISEV2023's operational "small EV": "often described as <200 nm" [misev2023-table2]


# ----------------------------------------------------------------------------------------------- separation ---
@dataclass(frozen=True)
class SeparationOutcome:
    method: str
    label: str
    yield_percent: float        # share of the starting sample's EVs recovered (synthetic model)
    purity_percent: float       # share of counted particles that are EVs (synthetic model)
    mode_nm: float              # most common diameter among counted particles
    small_ev_percent: float     # share of counted particles under 200 nm


def separation_methods() -> list[dict]:
    """The five modelled separation methods with their approximate recovery and relative purity (data/biology/).

    Tangential flow filtration has no verified recovery percentage, and immunoaffinity capture is listed with both
    "90+" recovery and "low capacity and low yield" [pharmaceuticals-2023-table1], so neither is modelled."""
    return data.rows("separation_methods")


def _method_row(method: str) -> dict:
    for row in separation_methods():
        if row["method"] == method:
            return row
    choices = ", ".join(r["method"] for r in separation_methods())
    raise InputError(f"Unknown separation method {method!r}. Choose one of: {choices}.")


def nta_histogram(method: str) -> list[dict]:
    """The synthetic NTA size distribution after `method`: one row per 10-nm bin with EV and other particles
    per mL of the final preparation."""
    _method_row(method)
    return [row for row in data.rows("nta_synthetic") if row["method"] == method]


def separation_outcome(method: str) -> SeparationOutcome:
    """Yield, purity and size summary of the synthetic preparation made with `method`."""
    row = _method_row(method)
    bins = nta_histogram(method)
    evs = sum(b["ev_per_ml"] for b in bins)
    other = sum(b["other_per_ml"] for b in bins)
    total = evs + other
    mode_bin = max(bins, key=lambda b: b["ev_per_ml"] + b["other_per_ml"])
    small = sum(b["ev_per_ml"] + b["other_per_ml"] for b in bins if b["bin_end_nm"] <= SMALL_EV_LIMIT_NM)
    return SeparationOutcome(
        method=method,
        label=row["label"],
        yield_percent=float(row["recovery_percent"]),
        purity_percent=round(100 * evs / total, 1),
        mode_nm=(mode_bin["bin_start_nm"] + mode_bin["bin_end_nm"]) / 2,
        small_ev_percent=round(100 * small / total, 1),
    )


# ---------------------------------------------------------------------------------------- NTA (ps1 helper) ---
def load_nta_sample(path: str) -> list[float]:
    """Particle diameters (nm) from an NTA export with a `diameter_nm` column, e.g. the file in ps1."""
    import csv
    import io

    text = text_file(path, "NTA export", InputError)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if not rows or "diameter_nm" not in rows[0]:
        raise InputError(f"{path!r} has no 'diameter_nm' column, so it is not an NTA size export.")
    values = []
    for number, row in enumerate(rows, start=2):
        try:
            values.append(float(row["diameter_nm"]))
        except (TypeError, ValueError):
            raise InputError(f"Row {number} of {path!r} has {row['diameter_nm']!r} as its diameter, not a "
                             "number.") from None
    return values


def median_diameter_nm(diameters) -> float:
    """The median particle diameter in nm: half the particles are smaller, half larger."""
    sizes = _check_diameters(diameters)
    return statistics.median(sizes)


def percent_below(diameters, limit_nm: float = SMALL_EV_LIMIT_NM) -> float:
    """The percentage of particles with a diameter below `limit_nm` (default 200 nm, the 'small EV' limit)."""
    sizes = _check_diameters(diameters)
    if finite_number(limit_nm, "The size limit", InputError) <= 0:
        raise InputError("The size limit must be a positive number of nanometres.")
    return 100 * sum(size < limit_nm for size in sizes) / len(sizes)


def _check_diameters(diameters) -> list[float]:
    if isinstance(diameters, (str, bytes)) or not hasattr(diameters, "__iter__"):
        raise InputError("Give a list of particle diameters in nm, for example from load_nta_sample(...).")
    sizes = list(diameters)
    if not sizes:
        raise InputError("The list of particle diameters is empty.")
    numbers = [finite_number(s, "Every particle diameter", InputError) for s in sizes]
    if any(s <= 0 for s in numbers):
        raise InputError("Every particle diameter must be a positive number of nanometres.")
    return numbers


# ------------------------------------------------------------------------------------ MISEV characterization ---
@dataclass(frozen=True)
class Requirement:
    name: str
    met: bool
    detail: str


def characterization_items() -> list[dict]:
    """What a characterization report can contain, grouped as the MISEV2018 checklist groups it."""
    return data.rows("misev_checklist")


# The protein-marker rule follows the MISEV2018 requirements as reproduced in a 2022 review table, which marks one
# transmembrane or GPI-anchored protein, one cytosolic protein and an assessment of expected contaminants each
# "Mandatory" and gives no count [misev-summary-pmc9465297]. A 2021 summary says "at least three positive protein
# markers" [misev-summary-fphys-2021]; MISEV2018's own wording could not be read, so the count of three is not used.
def misev_minimal_check(reported: set[str] | list[str]) -> list[Requirement]:
    """Which MISEV2018 minimal characterization requirements a report meets, given the items it reports."""
    if isinstance(reported, str) or not hasattr(reported, "__iter__"):
        raise InputError("Give the reported items as a list, for example ['CD63', 'TSG101'].")
    items = {row["item"]: row for row in characterization_items()}
    reported = list(reported)
    if any(not isinstance(item, str) for item in reported):
        raise InputError("Give the reported items as names in quotes, for example ['CD63', 'TSG101'].")
    unknown = sorted(set(reported) - set(items))
    if unknown:
        raise InputError(f"Not on the checklist: {', '.join(unknown)}. Choose from: {', '.join(items)}.")
    groups: dict[str, list[str]] = {}
    for item in reported:
        groups.setdefault(items[item]["group"], []).append(item)

    def count(group: str) -> int:
        return len(groups.get(group, []))

    return [
        Requirement("The amount of starting material is reported", count("source") >= 1,
                    f"{count('source')} reported (volume of fluid, cell number or tissue mass)."),
        Requirement("Quantification by at least two methods", count("quantification") >= 2,
                    f"{count('quantification')} reported (for example particle number and protein amount)."),
        Requirement("At least one transmembrane or GPI-anchored EV protein (e.g. CD9, CD63, CD81)",
                    count("transmembrane") >= 1, f"{count('transmembrane')} reported."),
        Requirement("At least one cytosolic EV protein (e.g. TSG101, syntenin, annexins)",
                    count("cytosolic") >= 1, f"{count('cytosolic')} reported."),
        Requirement("A purity check: at least one expected contaminant tested", count("contaminant") >= 1,
                    f"{count('contaminant')} reported (for example calnexin, or lipoproteins for plasma)."),
        Requirement("Images of single vesicles (e.g. electron microscopy)", count("single_ev_image") >= 1,
                    f"{count('single_ev_image')} reported."),
        Requirement("A single-particle analysis of many vesicles (e.g. NTA)", count("single_ev_analysis") >= 1,
                    f"{count('single_ev_analysis')} reported."),
    ]


def verdict(requirements: list[Requirement]) -> str:
    """One sentence on a checklist result from misev_minimal_check (never 'meets every item' for no checklist)."""
    if isinstance(requirements, str) or not hasattr(requirements, "__iter__"):
        raise InputError("Give the result of misev_minimal_check(...), a list of checklist items.")
    requirements = list(requirements)
    if not requirements or not all(isinstance(r, Requirement) for r in requirements):
        raise InputError("Give the result of misev_minimal_check(...): the list of checklist items it returns.")
    missing = [r.name for r in requirements if not r.met]
    if not missing:
        return "Meets every item of the MISEV2018 minimal characterization checklist used in this lesson."
    return "Does not yet meet the checklist. Missing: " + "; ".join(missing) + "."
