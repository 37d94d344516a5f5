"""Metrics of a run: one CSV per split (`train.csv`, `val.csv`, appended on resume) and TensorBoard events."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, Optional


class MetricsLog:
    def __init__(self, out_dir: Path, enabled: bool) -> None:
        self.out_dir, self.enabled = Path(out_dir), enabled
        self._tb: Optional[object] = None
        if enabled:
            from torch.utils.tensorboard import SummaryWriter

            self._tb = SummaryWriter(str(self.out_dir / "tensorboard"))

    def write(self, split: str, step: int, metrics: Dict[str, float]) -> None:
        if not self.enabled:
            return
        path = self.out_dir / f"{split}.csv"
        row = {"step": step, **metrics}
        new = not path.exists()
        with path.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)
        for name, value in metrics.items():
            self._tb.add_scalar(f"{split}/{name}", value, step)

    def close(self) -> None:
        if self._tb is not None:
            self._tb.close()
