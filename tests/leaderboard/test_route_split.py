"""The route split of Bench2Drive's multi-GPU scripts: contiguous, longer parts first, elements copied, ports."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from wpt_core.leaderboard.route_file import RouteFileError
from wpt_core.leaderboard.route_split import contiguous_parts, ports, split_route_file


def _routes(tmp_path, n):
    path = tmp_path / "routes.xml"
    path.write_text("<routes>" + "".join(
        f'<route id="{i}" town="Town12"><waypoints><position x="{i}" y="0" z="0"/></waypoints>'
        f'<weathers><weather route_percentage="0" cloudiness="{i}"/></weathers></route>' for i in range(n)) + "</routes>")
    return path


def test_contiguous_parts_match_split_xml():
    # split_xml.py: k, m = divmod(len, n); part i = [i*k + min(i, m), (i+1)*k + min(i+1, m))
    assert contiguous_parts(list(range(10)), 4) == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    assert contiguous_parts([1, 2], 3) == [[1], [2], []]
    assert ports(0) == (30000, 50000) and ports(3) == (30450, 50450)


def test_split_writes_parts_keeps_them_on_resume_and_refuses_another_split(tmp_path):
    src = _routes(tmp_path, 5)
    parts = split_route_file(src, 2, tmp_path / "parts")
    assert [p.route_ids for p in parts] == [["0", "1", "2"], ["3", "4"]]
    assert [(p.port, p.tm_port) for p in parts] == [(30000, 50000), (30150, 50150)]
    second = ET.parse(parts[1].path).getroot().findall("route")
    assert second[0].find("weathers/weather").get("cloudiness") == "3"        # the element is copied whole
    stamp = parts[0].path.stat().st_mtime_ns
    assert [p.route_ids for p in split_route_file(src, 2, tmp_path / "parts")] == [["0", "1", "2"], ["3", "4"]]
    assert parts[0].path.stat().st_mtime_ns == stamp                        # resume: left as it was
    with pytest.raises(RouteFileError, match="another split"):
        split_route_file(src, 3, tmp_path / "parts")
    assert len(split_route_file(src, 8, tmp_path / "eight")) == 5            # empty parts are not written


def test_split_errors_name_the_file(tmp_path):
    (tmp_path / "bad.xml").write_text("<routes><route")
    with pytest.raises(RouteFileError, match="bad.xml"):
        split_route_file(tmp_path / "bad.xml", 2, tmp_path / "o")
    (tmp_path / "empty.xml").write_text("<routes/>")
    with pytest.raises(RouteFileError, match="no <route> elements"):
        split_route_file(tmp_path / "empty.xml", 2, tmp_path / "o")
