"""Regenerate the course's synthetic teaching data with a fixed seed (run: python tools/generate_synthetic_data.py).

Synthetic, not measured: a toy model of an NTA measurement after each separation method in
data/biology/separation_methods.csv. EV diameters and the diameters of co-isolated non-vesicular particles
(lipoproteins, protein aggregates) are drawn from log-normal distributions; each method keeps its
representative recovery of the EVs, and its relative purity rank sets what share of the particles are EVs.
The numbers illustrate the trade-off the cited reviews describe; they are not data from any real sample.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261125
INPUT_EV_PER_ML = 1.0e10      # EVs in the starting sample (synthetic)
EV_MEDIAN_NM, EV_SPREAD = 115.0, 0.32          # log-normal median and sigma (synthetic)
OTHER_MEDIAN_NM, OTHER_SPREAD = 70.0, 0.45
EV_SHARE_BY_PURITY = {5: 0.90, 4: 0.75, 3: 0.55, 2: 0.40, 1: 0.20}  # share of counted particles that are EVs
PARTICLES_DRAWN = 4000        # particles "tracked" per synthetic measurement
BIN_NM, MAX_NM = 10, 600


def methods() -> list[dict]:
    with (ROOT / "data/biology/separation_methods.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def nta_bins(rng: np.random.Generator, method: dict) -> list[dict]:
    ev_total = INPUT_EV_PER_ML * float(method["recovery_percent"]) / 100
    share = EV_SHARE_BY_PURITY[int(method["purity_rank"])]
    other_total = ev_total * (1 - share) / share
    n_ev = int(round(PARTICLES_DRAWN * share))
    ev = rng.lognormal(np.log(EV_MEDIAN_NM), EV_SPREAD, n_ev)
    other = rng.lognormal(np.log(OTHER_MEDIAN_NM), OTHER_SPREAD, PARTICLES_DRAWN - n_ev)
    edges = np.arange(0, MAX_NM + BIN_NM, BIN_NM)
    ev_counts, _ = np.histogram(ev, edges)
    other_counts, _ = np.histogram(other, edges)
    ev_scale = ev_total / max(ev_counts.sum(), 1)
    other_scale = other_total / max(other_counts.sum(), 1)
    return [{"method": method["method"], "bin_start_nm": int(lo), "bin_end_nm": int(lo + BIN_NM),
             "ev_per_ml": int(round(e * ev_scale, -4)), "other_per_ml": int(round(o * other_scale, -4))}
            for lo, e, o in zip(edges[:-1], ev_counts, other_counts, strict=True)]


def ps1_sample(rng: np.random.Generator) -> list[dict]:
    """The NTA export handed out with ps1: 500 particle diameters after size-exclusion chromatography."""
    sec = next(m for m in methods() if m["method"] == "sec")
    n_ev = int(round(500 * EV_SHARE_BY_PURITY[int(sec["purity_rank"])]))
    sizes = np.concatenate([rng.lognormal(np.log(EV_MEDIAN_NM), EV_SPREAD, n_ev),
                            rng.lognormal(np.log(OTHER_MEDIAN_NM), OTHER_SPREAD, 500 - n_ev)])
    rng.shuffle(sizes)
    return [{"particle": i + 1, "diameter_nm": f"{size:.1f}"} for i, size in enumerate(sizes)]


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(root: Path = ROOT) -> None:
    rng = np.random.default_rng(SEED)
    write(root / "data/biology/nta_synthetic.csv", [row for m in methods() for row in nta_bins(rng, m)])
    write(root / "assignments/source/ps1/nta_sample.csv", ps1_sample(rng))


if __name__ == "__main__":
    main()
