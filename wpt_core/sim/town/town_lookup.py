"""Where a route's `town` comes from: a shipped town, the user's `--towns` folder, or a CARLA install.

Lookup order, first hit wins (a `.net.xml` path in the route file is used as it is):
1. the shipped towns (`<package>/sim/towns/<town>.net.xml`);
2. `--towns DIR`: `DIR/<town>.net.xml`, then `DIR/<town>.xodr`;
3. `$CARLA_ROOT/CarlaUE4/Content/Carla/Maps/OpenDrive/<town>.xodr` (CARLA's small towns), then
   `$CARLA_ROOT/CarlaUE4/Content/Carla/Maps/<town>/OpenDrive/<town>.xodr` (Town12/13's layout).

An OpenDRIVE file is converted once into `<output root>/towns/<key>/<town>.net.xml`, the key being a hash of
the file's bytes and of the conversion's version: an edited map or a changed conversion is converted again,
and every run on the same file shares one conversion. The network is written under a temporary name and
renamed, so a killed conversion never leaves a half file that a later run would trust.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from wpt_core.paths import carla_root, town_cache_dir, towns_dir
from wpt_core.sim.town.maps import XODR_CONVERSION_VERSION, convert_xodr
from wpt_core.sim.town.town import TownError, is_town_path, shipped_towns

CARLA_MAPS = Path("CarlaUE4") / "Content" / "Carla" / "Maps"
HASH_CHARS = 16


class TownNotFoundError(TownError):
    """No source holds the town a route names; the message lists every place looked in."""


@dataclass(frozen=True)
class TownSources:
    """The folders a town name is looked up in, besides the shipped towns, and where conversions go."""

    towns_dir: Optional[Path] = None
    carla_root: Optional[Path] = None
    cache_dir: Path = Path("outputs") / "towns"

    @classmethod
    def from_environment(cls, towns: str | Path | None = None) -> "TownSources":
        """`--towns` as given, `CARLA_ROOT` and the output root as `wpt_core.paths` reads them."""
        return cls(Path(towns) if towns else None, carla_root(), town_cache_dir())

    def candidates(self, town: str) -> List[Path]:
        """Every file that would be taken as `town`, in lookup order."""
        out = [towns_dir() / f"{town}.net.xml"]
        if self.towns_dir is not None:
            out += [self.towns_dir / f"{town}.net.xml", self.towns_dir / f"{town}.xodr"]
        if self.carla_root is not None:
            maps = self.carla_root / CARLA_MAPS
            out += [maps / "OpenDrive" / f"{town}.xodr", maps / town / "OpenDrive" / f"{town}.xodr"]
        return out


def locate_town(town: str, sources: TownSources) -> Path:
    """The SUMO network of `town` (converting an OpenDRIVE source on first use); TownNotFoundError otherwise."""
    if is_town_path(town):
        return Path(town).resolve()
    looked = sources.candidates(town)
    for path in looked:
        if path.is_file():
            return converted_town(path, town, sources.cache_dir) if path.suffix == ".xodr" else path.resolve()
    hints = [] if sources.towns_dir is not None else ["no --towns folder given"]
    hints += [] if sources.carla_root is not None else ["CARLA_ROOT not set"]
    raise TownNotFoundError(f"unknown town {town!r} (known: {', '.join(shipped_towns())}): looked for "
                            f"{', '.join(str(p) for p in looked)}"
                            + (f" ({'; '.join(hints)})" if hints else ""))


def conversion_key(xodr: Path) -> str:
    """Hash of the OpenDRIVE bytes and the conversion version (read in 1 MiB blocks: large towns are ~100 MB)."""
    digest = hashlib.sha256(f"wpt-xodr-v{XODR_CONVERSION_VERSION}\n".encode())
    with open(xodr, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:HASH_CHARS]


def converted_town(xodr: Path, town: str, cache_dir: Path) -> Path:
    """`<cache_dir>/<key>/<town>.net.xml`, converted now unless an earlier run already did."""
    out = cache_dir / conversion_key(xodr) / f"{town}.net.xml"
    if not out.is_file():
        partial = out.with_name(f".partial-{os.getpid()}-{town}.net.xml")
        convert_xodr(xodr, partial)
        os.replace(partial, out)
    return out.resolve()
