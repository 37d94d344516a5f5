"""The process's one libsumo simulation: fixed options at start, the crash-safe shutdown at close.

libsumo is a process-wide singleton, so a second `start()` while one runs closes the first; and a
vehicle moved with `moveToXY` must be removed and one step taken before `close()`, or the next
`start()` in the same process segfaults.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import List, Optional

from wpt_core.leaderboard.tick import TICK_S

_active: Optional["SumoSession"] = None


def sumo_options(net_path: Path, seed: int) -> List[str]:
    """Command line: 20 Hz, seeded, quiet, no SUMO collision handling (the project checks ego boxes
    itself), no teleporting (a queued NPC must not vanish in the middle of a scenario), lane changes
    that take 2 s, as a driven car's do (SUMO's default moves a car one lane sideways in one tick), and
    impatience that grows over 30 s instead of 300 s, so a car at a stop sign facing a slow continuous
    queue eventually takes a gap, as drivers do, instead of waiting for the rest of the route."""
    return ["sumo", "-n", str(net_path), "--step-length", str(TICK_S), "--seed", str(int(seed)),
            "--no-step-log", "true", "--no-warnings", "true", "--duration-log.disable", "true",
            "--xml-validation", "never", "--collision.action", "none", "--time-to-teleport", "-1",
            "--pedestrian.model", "striping", "--default.speeddev", "0.1",
            "--lanechange.duration", "2.0", "--time-to-impatience", "30"]


class SumoSession:
    """Owns the libsumo instance for one route."""

    def __init__(self, net_path: Path, seed: int) -> None:
        self.net_path = Path(net_path)
        self.seed = int(seed)
        self.open = False

    def start(self) -> ModuleType:
        """Start SUMO (closing any session left open in this process) and return the libsumo module."""
        global _active
        import libsumo

        if _active is not None:
            _active.close()
        if not self.net_path.is_file():
            raise FileNotFoundError(f"SUMO network not found: {self.net_path}")
        libsumo.start(sumo_options(self.net_path, self.seed))
        self.open = True
        _active = self
        return libsumo

    def close(self) -> None:
        """Drop context subscriptions, remove every vehicle (moveToXY'd ones included), step once, close."""
        global _active
        if not self.open:
            return
        import libsumo

        for vid in libsumo.vehicle.getIDList():
            for domain in (libsumo.CMD_GET_VEHICLE_VARIABLE, libsumo.CMD_GET_PERSON_VARIABLE):
                libsumo.vehicle.unsubscribeContext(vid, domain, 0.0)   # else the step errors on the removed id
            libsumo.vehicle.remove(vid)
        libsumo.simulationStep()
        libsumo.close()
        self.open = False
        if _active is self:
            _active = None
