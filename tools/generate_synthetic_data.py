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


# Diagnostics (lesson 02): a binormal synthetic biomarker whose expected AUC matches a published figure.
# Anchors (published summary figures, lesson 02): AUC 0.70 for ExoDx Prostate itself [mckiernan-2018-eur-urol]
# [margolis-2021-pcan], about 32% with Grade Group >= 2 in the 2018 cohort of 503 men [mckiernan-2018-eur-urol].
# The score scale, its spread and every individual score are teaching assumptions, not the product's.
BIOMARKER_AUC = 0.70
BIOMARKER_PATIENTS = 503
BIOMARKER_PREVALENCE = 0.32
BIOMARKER_MEAN, BIOMARKER_SD = 15.0, 8.0


def synthetic_biomarker(rng: np.random.Generator) -> list[dict]:
    """Scores of people without the condition ~ N(15, 8); with it, shifted so that the expected AUC = Φ(d / √2)."""
    from statistics import NormalDist

    shift = 2 ** 0.5 * NormalDist().inv_cdf(BIOMARKER_AUC) * BIOMARKER_SD
    ill = int(round(BIOMARKER_PATIENTS * BIOMARKER_PREVALENCE))
    scores = np.concatenate([rng.normal(BIOMARKER_MEAN + shift, BIOMARKER_SD, ill),
                             rng.normal(BIOMARKER_MEAN, BIOMARKER_SD, BIOMARKER_PATIENTS - ill)])
    outcomes = [1] * ill + [0] * (BIOMARKER_PATIENTS - ill)
    order = rng.permutation(BIOMARKER_PATIENTS)
    return [{"patient": n + 1, "score": f"{min(max(scores[i], 0.0), 100.0):.1f}", "outcome": outcomes[i]}
            for n, i in enumerate(order)]


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(root: Path = ROOT) -> None:
    rng = np.random.default_rng(SEED)
    write(root / "data/biology/nta_synthetic.csv", [row for m in methods() for row in nta_bins(rng, m)])
    write(root / "assignments/source/ps1/nta_sample.csv", ps1_sample(rng))
    if (root / "data/diagnostics").is_dir():
        biomarker = synthetic_biomarker(np.random.default_rng(SEED + 2))
        write(root / "data/diagnostics/synthetic_biomarker.csv", biomarker)
        if (root / "assignments/source/ps2").is_dir():  # ps2 ships its own copy: hub learners get only that folder
            write(root / "assignments/source/ps2/biomarker_scores.csv",
                  [{"score": row["score"], "outcome": row["outcome"]} for row in biomarker])


if __name__ == "__main__":
    main()
