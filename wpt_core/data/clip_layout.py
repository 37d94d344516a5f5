"""Names and paths of the Bench2Drive clip layout (what a clip folder looks like on disk).

    <Scenario>_<Town>_Route<id>_Weather<k>/
        anno/00000.json.gz                  one gzip JSON annotation per 10 Hz frame
        camera/rgb_front/00000.jpg …        one folder per camera (sensor id CAM_FRONT ↔ rgb_front,
                                            TOP_DOWN ↔ rgb_top_down)
        camera/depth_front/00000.png …      depth per camera (`wpt_core.data.depth` encoding)
        expert_assessment/-0001.npz …       the expert's decision; frame k's file is named k − 1
        lidar/00000.laz                     LiDAR in the ego frame
        map.npz                             optional GroundMap crop of the route area (ours)
        meta.json                           ours: route id, town, scenario type, rig, rate, status
        results.json                        ours: the expert's leaderboard record for the clip
        COMPLETE                            ours: written last; a clip of ours without it is incomplete

Published Bench2Drive clips have no meta.json/COMPLETE; they are complete as published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from wpt_core.leaderboard.route_record import scenario_type_of

ANNO_DIR = "anno"
CAMERA_DIR = "camera"
LIDAR_DIR = "lidar"
EXPERT_DIR = "expert_assessment"
RGB_PREFIX = "rgb_"
DEPTH_PREFIX = "depth_"
UNPREFIXED_CAMERAS = ("TOP_DOWN",)  # sensor ids without the CAM_ prefix (B2D's debug top-down camera)
META_FILE = "meta.json"
RESULTS_FILE = "results.json"
MAP_FILE = "map.npz"
COMPLETE_FILE = "COMPLETE"
FRAME_RATE_HZ = 10.0
TMP_SUFFIX = ".tmp"

_CLIP_RE = re.compile(r"^(?P<scenario>.+)_(?P<town>Town[0-9A-Za-z]+)_Route(?P<route>[^_]+)_Weather(?P<weather>[^_]+)$")
_SAVE_NAME_RE = re.compile(r"^RouteScenario_(?P<route>[^_]+)_rep(?P<rep>\d+)_(?P<town>Town[0-9A-Za-z]+)_"
                           r"(?P<scenario>.+)_(?P<weather>[^_]+)_(?P<stamp>\d\d_\d\d_\d\d_\d\d_\d\d)$")


TOWN_PREFIX = "Town"


def clip_name(scenario_type: str, town: str, route_id: str | int, weather_id: str | int) -> str:
    """`<Scenario>_<Town>_Route<id>_Weather<k>`, the folder name of a published Bench2Drive clip.

    Bench2Drive's converter only takes folders whose name contains "Town" and reads the town as the second
    `_` field, so a town not named TownNN (the embedded `EmbeddedGrid`) is written `TownEmbeddedGrid`;
    meta.json keeps the simulator's own town name.
    """
    town_field = town if town.startswith(TOWN_PREFIX) else TOWN_PREFIX + town
    return f"{scenario_type}_{town_field}_Route{route_id}_Weather{weather_id}"


@dataclass(frozen=True)
class ClipId:
    scenario_type: str
    town: str
    route_id: str
    weather_id: str


def parse_clip_name(name: str) -> Optional[ClipId]:
    """Inverse of `clip_name`; None for a folder name that does not follow it."""
    m = _CLIP_RE.match(name)
    if m is None:
        return None
    return ClipId(m["scenario"], m["town"], m["route"], m["weather"])


def parse_save_name(save_name: str) -> Optional[ClipId]:
    """The B2D evaluator's save name `RouteScenario_<id>_rep<k>_<Town>_<ScenarioName>_<weather>_<mm_dd_HH_MM_SS>`.

    The scenario name of a route's first scenario is `<Type>_<n>`; the clip uses the type.
    """
    m = _SAVE_NAME_RE.match(save_name)
    if m is None:
        return None
    return ClipId(scenario_type_of(m["scenario"]), m["town"], m["route"], m["weather"])


def is_complete(clip_dir: Path) -> bool:
    """A clip whose recording finished (its `COMPLETE` marker is written last)."""
    return (Path(clip_dir) / COMPLETE_FILE).is_file()


def frame_stem(index: int) -> str:
    return f"{index:05d}"


def camera_view(camera: str) -> str:
    """Sensor id → view name: CAM_FRONT_LEFT → front_left, TOP_DOWN → top_down."""
    name = camera.lower()
    return name[4:] if name.startswith("cam_") else name


def camera_folder(camera: str) -> str:
    """Sensor id → RGB folder: CAM_FRONT_LEFT → rgb_front_left, TOP_DOWN → rgb_top_down."""
    return RGB_PREFIX + camera_view(camera)


def depth_folder(camera: str) -> str:
    """Sensor id → depth folder: CAM_FRONT_LEFT → depth_front_left."""
    return DEPTH_PREFIX + camera_view(camera)


def camera_from_folder(folder: str) -> str:
    """RGB folder → sensor id: rgb_front_left → CAM_FRONT_LEFT, rgb_top_down → TOP_DOWN."""
    view = folder[len(RGB_PREFIX):].upper()
    return view if view in UNPREFIXED_CAMERAS else "CAM_" + view


def anno_path(clip_dir: Path, index: int) -> Path:
    return Path(clip_dir) / ANNO_DIR / f"{frame_stem(index)}.json.gz"


def image_path(clip_dir: Path, camera: str, index: int) -> Path:
    return Path(clip_dir) / CAMERA_DIR / camera_folder(camera) / f"{frame_stem(index)}.jpg"


def depth_path(clip_dir: Path, camera: str, index: int) -> Path:
    return Path(clip_dir) / CAMERA_DIR / depth_folder(camera) / f"{frame_stem(index)}.png"


def lidar_path(clip_dir: Path, index: int) -> Path:
    return Path(clip_dir) / LIDAR_DIR / f"{frame_stem(index)}.laz"


def expert_assessment_path(clip_dir: Path, index: int) -> Path:
    """Frame k's assessment is named k − 1, as Bench2Drive writes and its converter reads it (0 → -0001)."""
    return Path(clip_dir) / EXPERT_DIR / f"{index - 1:05d}.npz"


def frame_index(path: Path) -> Optional[int]:
    """Frame index of a frame file (`00012.json.gz` → 12, `expert_assessment/00011.npz` → 12); None for
    other files (tmp files included)."""
    stem = path.name.split(".", 1)[0]
    if path.name.endswith(TMP_SUFFIX):
        return None
    if path.parent.name == EXPERT_DIR:
        return int(stem) + 1 if re.fullmatch(r"-?\d+", stem) else None
    return int(stem) if stem.isdigit() else None


def is_clip_dir(path: Path) -> bool:
    """A folder that holds a clip (ours or published): it has an anno/ folder or our meta.json."""
    return (Path(path) / ANNO_DIR).is_dir() or (Path(path) / META_FILE).is_file()
