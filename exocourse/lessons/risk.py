"""The risk profile of EV products: what zero reported harms can and cannot tell you, what a passed sterility
test promises, and where each risk sits by likelihood, severity and strength of evidence.

Pure calculators (validated, unit-tested against known values); the widgets are in views/risk.py.
"""

from __future__ import annotations

import math

from exocourse import data
from exocourse.errors import InputError, finite_number, whole_number


def _patients(n, name: str = "The number of patients") -> int:
    if isinstance(n, bool) or not isinstance(n, int) and not (isinstance(n, float) and n.is_integer()):
        raise InputError(f"{name} must be a whole number (for example 300).")
    if n <= 0:
        raise InputError(f"{name} must be 1 or more; you gave {n}.")
    return whole_number(n, name, InputError, smallest=1, largest=10**9)


def _proportion(p, name: str, allow_zero: bool = False) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or p != p:
        raise InputError(f"{name} must be a number between 0 and 1 (1 in 1,000 is 0.001).")
    p = finite_number(p, name, InputError)
    if not (0 <= p <= 1) or (p == 0 and not allow_zero) or p == 1 and not allow_zero:
        raise InputError(f"{name} must be between 0 and 1 (1 in 1,000 is 0.001); you gave {p}.")
    return float(p)


def rule_of_three(n) -> float:
    """Zero events in n patients: the approximate 95% upper bound on the event rate, 3 / n."""
    return 3 / _patients(n)


def exact_upper_bound(n, confidence: float = 0.95) -> float:
    """Zero events in n patients: the exact binomial upper bound, 1 − (1 − confidence)^(1/n)."""
    n = _patients(n)
    confidence = _proportion(confidence, "The confidence level")
    return 1 - (1 - confidence) ** (1 / n)


def patients_needed(risk, confidence: float = 0.95) -> int:
    """How many treated patients with zero events are needed before the upper bound falls to `risk` (exact)."""
    risk = _proportion(risk, "The risk to rule out")
    confidence = _proportion(confidence, "The confidence level")
    # log1p: exact for tiny risks and confidences, where log(1 - x) rounds to log(1) = 0
    return max(1, math.ceil(math.log1p(-confidence) / math.log1p(-risk)))


def probability_lot_passes(contamination, units_tested) -> float:
    """If a fraction `contamination` of a lot's units is contaminated and `units_tested` are sampled at random
    (and the test always detects a contaminated unit), the chance that none is found: (1 − p)^k."""
    p = _proportion(contamination, "The contaminated fraction", allow_zero=True)
    k = _patients(units_tested, "The number of units tested")
    return (1 - p) ** k


def units_to_detect(contamination, detection_probability: float = 0.95) -> int:
    """Units to sample for a `detection_probability` chance of finding contamination at fraction p."""
    p = _proportion(contamination, "The contaminated fraction")
    goal = _proportion(detection_probability, "The detection probability")
    return max(1, math.ceil(math.log1p(-goal) / math.log1p(-p)))


def risks() -> list[dict]:
    """The risk categories of EV products with their evidence level and the course's placement (data/risk/)."""
    return data.rows("ev_risks")
