"""The order in which a run sees its samples, as a pure function of (seed, step): what makes `--resume` exact.

The stream is epoch after epoch of seeded permutations; optimiser step s takes the next
`batch_size × world_size` samples of it and rank r the r-th slice of those.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np


class StepSampler:
    """Infinite index stream for one rank, starting at optimiser step `start_step` (a DataLoader sampler)."""

    def __init__(self, num_samples: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1,
                 start_step: int = 0) -> None:
        if num_samples <= 0:
            raise ValueError("the training set is empty")
        self.n, self.batch, self.seed = num_samples, batch_size, seed
        self.rank, self.world, self.start_step = rank, world_size, start_step

    def _permutation(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def __iter__(self) -> Iterator[int]:
        step = self.start_step
        cache_epoch, perm = -1, np.empty(0, dtype=np.int64)
        while True:
            first = (step * self.world + self.rank) * self.batch
            for pos in range(first, first + self.batch):
                epoch = pos // self.n
                if epoch != cache_epoch:
                    cache_epoch, perm = epoch, self._permutation(epoch)
                yield int(perm[pos % self.n])
            step += 1
