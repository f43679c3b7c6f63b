"""Therapeutic uses of EVs: where named programs and trials stand, and what the path to approval takes.

Pure functions (the curated, cited programs table; the expected attrition from phase 1 to approval); the
widgets, a trial-phase explorer and a "what would it take" explorer, are in views/therapeutics.py.
Every therapeutic use here is investigational; the approval status shown is dated from the currency register
(data/currency.yml, fact `exosome-approval`).
"""

from __future__ import annotations

import math

from exocourse import data
from exocourse.errors import InputError

PHASES = ["Preclinical", "Phase 1", "Phase 2", "Phase 3", "Approved"]


def programs(product_type: str | None = None) -> list[dict]:
    """The curated programs and trials table (data/therapeutics/programs.csv), optionally of one product type."""
    rows = data.rows("ev_programs")
    if product_type in (None, "", "All"):
        return rows
    chosen = [row for row in rows if row["product_type"] == product_type]
    if not chosen:
        kinds = ", ".join(sorted({row["product_type"] for row in rows}))
        raise InputError(f"No programs of type {product_type!r}. Types in the table: {kinds}.")
    return chosen


def success_rates() -> list[dict]:
    """Published likelihoods of approval for drugs entering clinical trials (all drugs, not EVs), with sources."""
    return data.rows("drug_success_rates")


def expected_approvals(candidates: int, likelihood: float) -> float:
    """How many of `candidates` entering phase 1 are expected to be approved at a given likelihood of approval."""
    if isinstance(candidates, bool) or not isinstance(candidates, int) or candidates < 1 or candidates > 10**9:
        raise InputError("The number of candidates must be a whole number from 1 to 1,000,000,000.")
    if isinstance(likelihood, bool) or not isinstance(likelihood, (int, float)) or not 0 <= likelihood <= 1 or \
            likelihood != likelihood:
        raise InputError("The likelihood of approval must be a proportion between 0 and 1 (7.9% is 0.079).")
    return candidates * likelihood


def stated_digits(proportion: float) -> int:
    """How many significant digits a published proportion was given with (0.079 -> 2, 0.14 -> 2, 0.125 -> 3)."""
    digits = repr(float(proportion)).lower().split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    return max(len(digits), 1)


def as_published(value: float, digits: int) -> str:
    """A number rounded to `digits` significant digits, so a figure is never shown more precisely than its source."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = digits - 1 - magnitude
    rounded = round(value, decimals)
    return f"{rounded:.{max(decimals, 0)}f}"


def approval_as_of() -> str:
    """The date of the currency register's approval-status check, e.g. "6 December 2026"."""
    from exocourse import currency

    day = currency.register()["exosome-approval"]["as_of"]
    return f"{day.day} {day:%B %Y}"
