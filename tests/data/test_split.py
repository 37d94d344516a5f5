"""Train/validation split by route: no route on both sides, weathers stay together, towns can be held out."""
from __future__ import annotations

from wpt_core.data.clip_layout import clip_name
from wpt_core.data.split import load_split, route_key, save_split, split_clips


def _names(routes, weathers=(0, 1, 2), town="Town01"):
    return [clip_name("Accident", town, r, w) for r in routes for w in weathers]


def test_split_shares_no_route_and_keeps_weathers_together():
    names = _names(range(40)) + _names(range(5), town="EmbeddedGrid")
    split = split_clips(names, val_fraction=0.25, seed=3)
    train_routes, val_routes = {route_key(n) for n in split.train}, {route_key(n) for n in split.val}
    assert not train_routes & val_routes
    assert sorted(split.train + split.val) == sorted(names)
    assert 4 <= len(val_routes) <= 20  # about a quarter of 45 routes
    for route in val_routes:  # every weather of a validation route is in validation
        assert sum(route_key(n) == route for n in split.val) == 3


def test_split_is_stable_when_routes_are_added():
    small = split_clips(_names(range(30)), 0.3, seed=1)
    large = split_clips(_names(range(60)), 0.3, seed=1)
    assert set(small.val) <= set(large.val) and set(small.train) <= set(large.train)


def test_held_out_towns_and_minimum_sides(tmp_path):
    names = _names(range(6)) + _names(range(2), town="Town02")
    split = split_clips(names, 0.0, val_towns=("Town02",))
    assert {route_key(n) for n in split.val} == {"Town02/0", "Town02/1"}
    tiny = split_clips(_names(range(2), weathers=(0,)), 0.01)
    assert len(tiny.train) == 1 and len(tiny.val) == 1  # two routes: one on each side
    save_split(split, tmp_path / "split.json")
    assert load_split(tmp_path / "split.json") == split
