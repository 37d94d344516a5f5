"""Draw a town's `GroundMap` with PIL: lanes, junctions, sidewalks, zebra crossings, markings, stop lines.

The drawing takes the town's lanes, junctions and driving edges (and the lanes that end at a stop line),
not the `Town` that caches the result. A `bounds` box limits the raster to a region (a large town is
drawn only around the route being driven): only lanes and junctions that reach into it are drawn, on a
canvas that is the whole town's clipped to the box, so a box covering the town gives the same raster.
Draw order is the painter's order of a real street: asphalt
(lanes, junction areas), then pavements (sidewalks, walking areas), then paint (crossings, lane markings,
stop lines).
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
from PIL import Image, ImageDraw

from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.polyline import band_outline, cumulative_length, end_direction, offset, resample
from wpt_core.sim.town.town_lanes import Junction, Lane

MARGIN_M = 10.0
Bounds = Tuple[float, float, float, float]   # (x min, y min, x max, y max), CARLA frame


def grown_box(xy: np.ndarray, margin_m: float) -> Bounds:
    """The bounding box of (N, 2) points grown by `margin_m` on every side (a region around a route)."""
    lo, hi = np.min(xy, axis=0) - margin_m, np.max(xy, axis=0) + margin_m
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
MARKING_WIDTH_M = 0.15
STOP_LINE_WIDTH_M = 0.4
DASH_ON_M, DASH_OFF_M = 3.0, 6.0


class _Canvas:
    """World (CARLA) metres → raster pixels, with the GroundMap's row/col convention."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, resolution_m: float) -> None:
        self.res = resolution_m
        self.origin = (float(np.floor(lo[0])), float(np.floor(lo[1])))
        w, h = (int(np.ceil((hi[i] - self.origin[i]) / resolution_m)) for i in (0, 1))
        self.image = Image.new("L", (w, h), int(GroundClass.OFF_ROAD))
        self.draw = ImageDraw.Draw(self.image)

    def px(self, xy: np.ndarray) -> List[tuple]:
        p = (np.asarray(xy) - np.asarray(self.origin)) / self.res
        return [tuple(v) for v in p.tolist()]

    def polygon(self, xy: np.ndarray, cls: GroundClass) -> None:
        if len(xy) >= 3:
            self.draw.polygon(self.px(xy), fill=int(cls))

    def line(self, xy: np.ndarray, width_m: float, cls: GroundClass) -> None:
        if len(xy) >= 2:
            self.draw.line(self.px(xy), fill=int(cls), width=max(1, int(round(width_m / self.res))))

    def band(self, xy: np.ndarray, width_m: float, cls: GroundClass) -> None:
        """A polyline of given width with its vertices filled (no gaps at bends)."""
        self.polygon(band_outline(xy, width_m), cls)
        r = width_m / 2.0 / self.res
        for x, y in self.px(xy[1:-1]):
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=int(cls))


def _dashes(xy: np.ndarray) -> Iterable[np.ndarray]:
    """Pieces of a polyline, DASH_ON_M painted every DASH_ON_M + DASH_OFF_M."""
    dense, s = resample(xy, 0.5)
    on = (s % (DASH_ON_M + DASH_OFF_M)) < DASH_ON_M
    start = None
    for i, flag in enumerate(np.append(on, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= 2:
                yield dense[start:i]
            start = None


def _markings(lanes_by_id: Dict[str, Lane], edges: Dict[str, List[str]], canvas: _Canvas) -> None:
    """Dashed lines between same-direction lanes, solid centre lines and road-edge lines."""
    for edge_id, lane_ids in edges.items():
        lanes: List[Lane] = [lanes_by_id[lid] for lid in lane_ids]
        canvas.line(offset(lanes[0].shape_xy, lanes[0].width_m / 2.0), MARKING_WIDTH_M,
                    GroundClass.LANE_MARKING)
        for lane in lanes[1:]:
            for dash in _dashes(offset(lane.shape_xy, lane.width_m / 2.0)):
                canvas.line(dash, MARKING_WIDTH_M, GroundClass.LANE_MARKING)
        left = lanes[-1]
        canvas.line(offset(left.shape_xy, -left.width_m / 2.0), MARKING_WIDTH_M, GroundClass.LANE_MARKING)


def _stop_lines(lanes: Dict[str, Lane], stop_lane_ids: Iterable[str], canvas: _Canvas) -> None:
    for lane_id in sorted(set(stop_lane_ids)):
        lane = lanes[lane_id]
        xy = lane.shape_xy
        back = STOP_LINE_WIDTH_M / 2.0 + 0.1
        d = end_direction(xy)
        centre = xy[-1] - d * back
        across = np.array([-d[1], d[0]]) * lane.width_m / 2.0
        canvas.line(np.stack([centre - across, centre + across]), STOP_LINE_WIDTH_M, GroundClass.STOP_LINE)


def _reaches(xy: np.ndarray, lo: np.ndarray, hi: np.ndarray, pad_m: float) -> bool:
    """The shape's bounding box, grown by `pad_m` (a lane's half width), meets the box [lo, hi]."""
    return bool(len(xy)) and bool(np.all(xy.min(axis=0) - pad_m <= hi) and np.all(xy.max(axis=0) + pad_m >= lo))


def draw_ground_map(lanes: Dict[str, Lane], junctions: Dict[str, Junction], edges: Dict[str, List[str]],
                    stop_lane_ids: Iterable[str], resolution_m: float, bounds: Optional[Bounds] = None) -> GroundMap:
    """Rasterise the town, or the part of it inside `bounds` (see the module docstring for the layer order)."""
    pts = np.concatenate([lane.shape_xy for lane in lanes.values()]
                         + [j.polygon_xy for j in junctions.values() if len(j.polygon_xy)])
    lo, hi = pts.min(axis=0) - MARGIN_M, pts.max(axis=0) + MARGIN_M
    if bounds is not None:
        lo, hi = np.maximum(lo, bounds[:2]), np.minimum(hi, bounds[2:])
        if np.any(hi <= lo):
            raise ValueError(f"ground bounds {bounds} do not meet the town")
        inside = {lid: ln for lid, ln in lanes.items() if _reaches(ln.shape_xy, lo, hi, ln.width_m)}
        edges = {eid: ids for eid, ids in edges.items() if any(lid in inside for lid in ids)}
        inside.update({lid: lanes[lid] for ids in edges.values() for lid in ids})   # whole roads: their markings
        lanes = inside
        junctions = {jid: j for jid, j in junctions.items() if _reaches(j.polygon_xy, lo, hi, 0.0)}
        stop_lane_ids = [lid for lid in stop_lane_ids if lid in lanes]
    canvas = _Canvas(lo, hi, resolution_m)
    by_kind = {k: [ln for ln in lanes.values() if ln.kind == k]
               for k in ("driving", "sidewalk", "walkingarea", "crossing")}
    for lane in by_kind["driving"]:
        if not lane.is_internal and cumulative_length(lane.shape_xy)[-1] > 0:
            canvas.band(lane.shape_xy, lane.width_m, GroundClass.ROAD)
    for junction in junctions.values():
        canvas.polygon(junction.polygon_xy, GroundClass.JUNCTION)
    for lane in by_kind["driving"]:
        if lane.is_internal and cumulative_length(lane.shape_xy)[-1] > 0:
            canvas.band(lane.shape_xy, lane.width_m, GroundClass.JUNCTION)
    for lane in by_kind["sidewalk"]:
        canvas.band(lane.shape_xy, lane.width_m, GroundClass.SIDEWALK)
    for lane in by_kind["walkingarea"]:
        canvas.polygon(lane.shape_xy, GroundClass.SIDEWALK)
    for lane in by_kind["crossing"]:
        canvas.band(lane.shape_xy, lane.width_m, GroundClass.CROSSING)
    _markings(lanes, edges, canvas)
    _stop_lines(lanes, stop_lane_ids, canvas)
    classes = np.asarray(canvas.image, dtype=np.uint8)
    return GroundMap(classes, canvas.origin, resolution_m)
