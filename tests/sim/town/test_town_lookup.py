"""Town lookup (shipped → --towns → CARLA_ROOT), the conversion cache, the preflight error for a missing town."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wpt_core.cli import main
from wpt_core.leaderboard.route_file import RouteFileError, RouteSpec, write_routes
from wpt_core.paths import towns_dir
from wpt_core.sim.runner.evaluator import EvalOptions
from wpt_core.sim.runner.preflight import check_run_inputs
from wpt_core.sim.town import maps, town_lookup
from wpt_core.sim.town.town import Town
from wpt_core.sim.town.town_lookup import TownNotFoundError, TownSources, locate_town

from test_maps import STRAIGHT_XODR

REPO = Path(__file__).resolve().parents[3]
BLIND = REPO / "tests" / "fixtures" / "agents" / "blind_follower_agent.py"


def _sources(tmp_path, towns=True, carla=True) -> TownSources:
    return TownSources(tmp_path / "towns" if towns else None, tmp_path / "carla" if carla else None,
                       tmp_path / "cache")


def _put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_shipped_town_comes_first(tmp_path):
    _put(tmp_path / "towns" / "EmbeddedGrid.xodr", STRAIGHT_XODR)
    assert locate_town("EmbeddedGrid", _sources(tmp_path)) == (towns_dir() / "EmbeddedGrid.net.xml").resolve()


def test_towns_dir_net_before_xodr(tmp_path):
    net = tmp_path / "towns" / "Town77.net.xml"
    net.parent.mkdir(parents=True)
    shutil.copy(towns_dir() / "EmbeddedGrid.net.xml", net)
    _put(tmp_path / "towns" / "Town77.xodr", STRAIGHT_XODR)
    assert locate_town("Town77", _sources(tmp_path)) == net.resolve()
    assert not (tmp_path / "cache").exists()


def test_xodr_is_converted_once_and_keyed_by_content(tmp_path, monkeypatch):
    xodr = _put(tmp_path / "towns" / "Town77.xodr", STRAIGHT_XODR)
    first = locate_town("Town77", _sources(tmp_path))
    assert first.name == "Town77.net.xml" and first.parent.parent == (tmp_path / "cache").resolve()
    assert Town.load(first).name == "Town77" and len(Town.load(first).edges) == 2
    calls = []
    monkeypatch.setattr(town_lookup, "convert_xodr", lambda *a: calls.append(a))
    assert locate_town("Town77", _sources(tmp_path)) == first and calls == []   # cache hit: no conversion
    xodr.write_text(STRAIGHT_XODR.replace('name="r0"', 'name="r1"'))
    monkeypatch.undo()
    second = locate_town("Town77", _sources(tmp_path))
    assert second.parent != first.parent and second.is_file()   # edited file: converted again
    assert not list((tmp_path / "cache").rglob(".partial-*"))


@pytest.mark.parametrize("layout", ["OpenDrive/{t}.xodr", "{t}/OpenDrive/{t}.xodr"])
def test_carla_root_layouts(tmp_path, layout):
    _put(tmp_path / "carla" / "CarlaUE4" / "Content" / "Carla" / "Maps" / layout.format(t="Town12"), STRAIGHT_XODR)
    net = locate_town("Town12", _sources(tmp_path, towns=False))
    assert net.name == "Town12.net.xml" and net.is_file()


def test_carla_root_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CARLA_ROOT", str(tmp_path / "carla"))
    monkeypatch.setenv("WPT_OUTPUT_ROOT", str(tmp_path / "out"))
    sources = TownSources.from_environment(tmp_path / "towns")
    assert sources == TownSources(tmp_path / "towns", tmp_path / "carla", tmp_path / "out" / "towns")


def test_missing_town_names_every_place_looked(tmp_path):
    with pytest.raises(TownNotFoundError) as err:
        locate_town("Town99", _sources(tmp_path))
    text = str(err.value)
    for where in (towns_dir() / "Town99.net.xml", tmp_path / "towns" / "Town99.net.xml", tmp_path / "towns" /
                  "Town99.xodr", tmp_path / "carla" / "CarlaUE4" / "Content" / "Carla" / "Maps" / "OpenDrive" /
                  "Town99.xodr", tmp_path / "carla" / "CarlaUE4" / "Content" / "Carla" / "Maps" / "Town99" /
                  "OpenDrive" / "Town99.xodr"):
        assert str(where) in text
    with pytest.raises(TownNotFoundError, match=r"no --towns folder given; CARLA_ROOT not set"):
        locate_town("Town99", _sources(tmp_path, towns=False, carla=False))


def _straight_route(path: Path, town: str) -> Path:
    write_routes([RouteSpec("0", town, [(5.0, 1.75, 0.0), (90.0, 1.75, 0.0)], [], [])], path)
    return path


def test_preflight_fails_before_any_route_on_a_missing_town(tmp_path, monkeypatch):
    monkeypatch.delenv("CARLA_ROOT", raising=False)
    routes = _straight_route(tmp_path / "r.xml", "Town99")
    options = EvalOptions(routes_xml=str(routes), agent=str(BLIND), checkpoint=str(tmp_path / "res.json"),
                          towns_dir=str(tmp_path / "towns"))
    pattern = r"r\.xml: route 0: unknown town 'Town99' \(known: .*\): looked for .*Town99\.xodr"
    with pytest.raises(RouteFileError, match=pattern):
        check_run_inputs(options)
    assert not (tmp_path / "res.json").exists()


def test_eval_runs_a_route_on_an_opendrive_town(tmp_path, monkeypatch, capsys):
    """`wpt eval --towns DIR` end to end: converted by preflight, driven by the workers, named in the record."""
    monkeypatch.setenv("WPT_OUTPUT_ROOT", str(tmp_path / "out"))
    _put(tmp_path / "towns" / "Town77.xodr", STRAIGHT_XODR)
    routes = _straight_route(tmp_path / "r.xml", "Town77")
    results = tmp_path / "res.json"
    assert main(["eval", "--agent", str(BLIND), "--routes", str(routes), "--checkpoint", str(results),
                 "--towns", str(tmp_path / "towns")]) == 0
    assert len(list((tmp_path / "out" / "towns").glob("*/Town77.net.xml"))) == 1
    record = json.loads(results.read_text())["_checkpoint"]["records"][0]
    assert record["town_name"] == "Town77" and record["status"] in ("Perfect", "Completed")
    assert record["scores"]["score_route"] == pytest.approx(100.0)


def test_conversion_version_is_part_of_the_key(tmp_path, monkeypatch):
    xodr = _put(tmp_path / "a.xodr", STRAIGHT_XODR)
    before = town_lookup.conversion_key(xodr)
    monkeypatch.setattr(town_lookup, "XODR_CONVERSION_VERSION", maps.XODR_CONVERSION_VERSION + 1)
    assert town_lookup.conversion_key(xodr) != before
