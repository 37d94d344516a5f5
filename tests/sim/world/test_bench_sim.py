"""`bench_sim`: both measurements run, on the same town and demand, and the numbers are consistent."""

from wpt_core.sim.world.throughput_bench import bench_sim, straight_route
from wpt_core.sim.town.town import Town


def test_bench_sim_measures_the_world_against_bare_stepping_of_the_same_demand():
    result = bench_sim("EmbeddedGrid", 2.0, 0)
    assert result["town"] == "EmbeddedGrid"
    assert result["ticks"] == 40                                   # 2 s at 20 Hz
    # a World tick is the same SUMO step plus ego dynamics, moveToXY and reading the scene: never faster
    assert 0.0 < result["world_ticks_per_s"] < result["raw_sumo_steps_per_s"]
    assert 0.0 < result["ratio"] < 1.0
    assert (result["vehicles"], result["pedestrians"]) == (30, 30)
    assert 0.0 < result["mean_scene_actors"] <= 60.0              # background only: at most the whole demand


def test_straight_route_follows_straight_links():
    town = Town.load("EmbeddedGrid")
    lanes = straight_route(town)
    normal = [town.lanes[l] for l in lanes if not town.lanes[l].is_internal]
    assert len(normal) >= 3
    for a, b in zip(normal[:-1], normal[1:]):
        assert any(link.direction == "s" and link.to_lane == b.id for link in a.links)
