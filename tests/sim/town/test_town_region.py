"""Large towns are drawn and populated only around the route: the ground raster of a region, the spawn points
of a region, and the same results as the whole town wherever the region covers it."""
from __future__ import annotations

import numpy as np

from wpt_core.sim.town.town import Town
from wpt_core.sim.town.town_ground import grown_box
from wpt_core.sim.world import traffic


def test_box_covering_the_town_gives_the_whole_raster():
    town = Town.load("EmbeddedGrid")
    whole = town.ground_map(1.0)
    boxed = town.ground_map(1.0, bounds=(-1e5, -1e5, 1e5, 1e5))
    assert boxed.origin_xy == whole.origin_xy and np.array_equal(boxed.classes, whole.classes)


def test_region_raster_is_the_whole_raster_cut_to_the_box():
    town = Town.load("EmbeddedGrid")
    whole = town.ground_map(0.5)
    x0, y0 = whole.origin_xy[0] + 200.0, whole.origin_xy[1] + 150.0
    region = town.ground_map(0.5, bounds=(x0, y0, x0 + 300.0, y0 + 200.0))
    assert region.origin_xy == (x0, y0)
    assert region.classes.shape == (400, 600)             # 200 m × 300 m at 0.5 m
    r0, c0 = 300, 400                                     # the box's corner in the whole raster's cells
    window = whole.classes[r0:r0 + 400, c0:c0 + 600]
    # identical except where a shape only partly inside the box was cut differently: a few border cells
    assert (region.classes != window).mean() < 1e-4
    assert region.classes.nbytes < whole.classes.nbytes / 4


def test_spawn_points_of_a_region_are_the_towns_points_inside_it():
    town = Town.load("EmbeddedArterial")
    lanes, s, xy = traffic._spawn_points(town, "driving")
    route = np.array([[300.0, -300.0], [350.0, -300.0]])
    region = traffic.spawn_region(route, 100.0)            # 120 m around the route's box
    assert region == (180.0, -420.0, 470.0, -180.0)
    r_lanes, r_s, r_xy = traffic._spawn_points(town, "driving", region)
    assert 0 < len(r_lanes) < len(lanes) / 3
    inside = np.all((xy >= region[:2]) & (xy <= region[2:]), axis=1)
    # every point inside the box is kept (with its lane's other points): the region never loses a spawn point
    kept = set(zip(r_lanes, r_s.tolist()))
    assert {(lanes[i], s[i]) for i in np.flatnonzero(inside)} <= kept
    assert kept <= set(zip(lanes, s.tolist()))


def test_grown_box():
    assert grown_box(np.array([[1.0, -2.0], [4.0, 3.0], [2.0, 0.0]]), 10.0) == (-9.0, -12.0, 14.0, 13.0)
