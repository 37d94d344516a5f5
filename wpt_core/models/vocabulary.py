"""The teacher's trajectory vocabulary: k-means centres of the training split's expert trajectories.

Only fully valid trajectories count (a clip's last seconds have padded, invalid waypoints). k-means++
seeding and Lloyd iterations with a seeded NumPy generator: the same trajectories and seed give the same
vocabulary. The centres become the teacher's `anchors` buffer, so they are saved inside its checkpoint.
"""
from __future__ import annotations

import numpy as np


def kmeans_vocabulary(trajectories: np.ndarray, valid: np.ndarray, size: int, seed: int,
                      iterations: int = 50) -> np.ndarray:
    """trajectories (M, K, 2), valid (M, K) → (size, K, 2) float32 centres."""
    keep = np.asarray(valid, bool).all(axis=1)
    data = np.asarray(trajectories, np.float64)[keep].reshape(int(keep.sum()), -1)
    if len(data) < size:
        raise ValueError(f"vocabulary: {len(data)} valid expert trajectories, fewer than the {size} anchors asked")
    rng = np.random.default_rng(seed)
    centres = [data[rng.integers(len(data))]]
    for _ in range(1, size):  # k-means++: the next centre far from the chosen ones
        d2 = np.min(((data[:, None] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
        p = d2 / d2.sum() if d2.sum() > 0 else np.full(len(data), 1.0 / len(data))
        centres.append(data[rng.choice(len(data), p=p)])
    c = np.asarray(centres)
    for _ in range(iterations):
        assign = ((data[:, None] - c[None]) ** 2).sum(-1).argmin(axis=1)
        new = np.array([data[assign == j].mean(axis=0) if np.any(assign == j) else c[j] for j in range(size)])
        if np.allclose(new, c):
            break
        c = new
    return c.reshape(size, *np.shape(trajectories)[1:]).astype(np.float32)
