"""`bench_sim`: both measurements run, on the same town and demand, and the numbers are consistent."""
import pytest

pytest.importorskip("libsumo")

from wpt_core.sim.world.throughput_bench import bench_sim, straight_route  # noqa: E402
from wpt_core.sim.town.town import Town  # noqa: E402


def test_bench_sim_reports_consistent_rates():
    result = bench_sim("EmbeddedGrid", 2.0, 0)
    assert result["town"] == "EmbeddedGrid"
    assert result["ticks"] == 40                                   # 2 s at 20 Hz
    assert result["world_ticks_per_s"] > 0 and result["raw_sumo_steps_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["world_ticks_per_s"] / result["raw_sumo_steps_per_s"], rel=0.01)
    assert (result["vehicles"], result["pedestrians"]) == (30, 30)
    assert result["mean_scene_actors"] > 0


def test_straight_route_follows_straight_links():
    town = Town.load("EmbeddedGrid")
    lanes = straight_route(town)
    normal = [town.lanes[l] for l in lanes if not town.lanes[l].is_internal]
    assert len(normal) >= 3
    for a, b in zip(normal[:-1], normal[1:]):
        assert any(link.direction == "s" and link.to_lane == b.id for link in a.links)
