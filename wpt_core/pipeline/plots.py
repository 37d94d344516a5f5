"""PNG plots of the report (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

from wpt_core.evaluation.abilities import ABILITIES


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def read_curve(path: Path) -> Dict[str, Tuple[List[float], List[float]]]:
    """Metric → (steps, values) of a trainer CSV (`step`, then one column per metric); empty cells skipped."""
    curves: Dict[str, Tuple[List[float], List[float]]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            for key, value in row.items():
                if key != "step" and value not in ("", None):
                    steps, values = curves.setdefault(key, ([], []))
                    steps.append(float(row["step"]))
                    values.append(float(value))
    return curves


BOOKKEEPING = {"lr", "grad_norm", "data_s", "step_s", "samples_per_s"}   # trainer columns that are not metrics
GRID_COLUMNS = 4


def metric_name(column: str) -> str:
    """val.csv writes a loss term as `loss_<term>` where train.csv writes `<term>`: one panel for both."""
    return column[len("loss_"):] if column.startswith("loss_") else column


def training_curves(runs: Mapping[str, Path], out_dir: Path) -> List[Path]:
    """One PNG per training stage: every metric of train.csv (solid) and val.csv (dashed) against the step,
    the same loss term of both splits in one panel."""
    plt = _pyplot()
    written = []
    for stage, run in runs.items():
        curves = {split: {metric_name(k): v for k, v in read_curve(run / f"{split}.csv").items()
                          if k not in BOOKKEEPING}
                  for split in ("train", "val") if (run / f"{split}.csv").is_file()}
        metrics = sorted({k for c in curves.values() for k in c}, key=lambda k: (k != "loss", k))
        if not metrics:
            continue
        rows = -(-len(metrics) // GRID_COLUMNS)
        fig, axes = plt.subplots(rows, GRID_COLUMNS, figsize=(3.2 * GRID_COLUMNS, 2.4 * rows), squeeze=False)
        for ax in axes.flat[len(metrics):]:
            ax.axis("off")
        for ax, metric in zip(axes.flat, metrics):
            for split, style in (("train", "-"), ("val", "--o")):   # markers: a short run has one val point
                if metric in curves.get(split, {}):
                    ax.plot(*curves[split][metric], style, label=split)
            ax.set_title(metric, fontsize=8)
            ax.set_xlabel("step", fontsize=7)
            ax.tick_params(labelsize=6)
            ax.legend(fontsize=6)
        fig.suptitle(f"{stage} training", fontsize=9)
        fig.tight_layout()
        path = out_dir / f"curves_{stage}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def ability_bars(rows: Mapping[str, Mapping[str, Any]], path: Path) -> Path:
    """Grouped bars: the five abilities and their mean (success %) for each policy with closed-loop results."""
    plt = _pyplot()
    names = [*ABILITIES, "ability_mean"]
    scored = {p: r for p, r in rows.items() if r.get("ability_mean") is not None}
    width = 0.8 / max(1, len(scored))
    fig, ax = plt.subplots(figsize=(8, 3))
    for i, (policy, row) in enumerate(scored.items()):
        values = [row.get(n) or 0.0 for n in names]
        ax.bar([k + i * width for k in range(len(names))], values, width, label=policy)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(names))])
    ax.set_xticklabels([n.replace("_", " ") for n in names], fontsize=8)
    ax.set_ylabel("success %")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
