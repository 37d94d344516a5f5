"""The `bev_gt` input of a privileged agent: the ground-truth BEV rasters of the current scene.

A `bev_gt` model is trained on the rasters `labels.bev_semantics` draws from a clip's annotation; an agent
in that mode (embedded simulator, issue 10) gets the very same rasters by writing the privileged scene as an
annotation first, so boxes, classes and obstacles are drawn by one definition in both places.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from wpt_core.data.annotation import build_annotation
from wpt_core.data.labels import BevConfig, bev_semantics
from wpt_core.data.route_info import RouteInfo
from wpt_core.ground_map import GroundMap
from wpt_core.types import Control, Scene


def scene_bev(scene: Scene, route_info: RouteInfo, ground_map: Optional[GroundMap],
              config: BevConfig) -> np.ndarray:
    """(C, H, W) bool rasters (labels.BEV_CHANNELS) of a privileged scene, as the dataset draws them."""
    anno = build_annotation(scene, route_info, Control(), {}, {}, False)
    return bev_semantics(anno, config, ground_map)
