"""Town building (netgenerate) and OpenDRIVE conversion (netconvert); need the eclipse-sumo binaries."""
from __future__ import annotations

import collections
import xml.etree.ElementTree as ET

import pytest

from wpt_core.sim.town import maps
from wpt_core.sim.town.town import Town


# A straight 100 m road along +x (OpenDRIVE: y up, right lane -1 drives along +x), one driving lane and a
# sidewalk per direction, with a geoReference whose origin is lat 49 / lon 8.
STRAIGHT_XODR = """<?xml version="1.0" standalone="yes"?>
<OpenDRIVE>
  <header revMajor="1" revMinor="4" name="straight" version="1">
    <geoReference><![CDATA[+proj=tmerc +lat_0=49.0 +lon_0=8.0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m]]></geoReference>
  </header>
  <road name="r0" length="100.0" id="1" junction="-1">
    <link/>
    <planView><geometry s="0.0" x="0.0" y="0.0" hdg="0.0" length="100.0"><line/></geometry></planView>
    <lanes>
      <laneSection s="0.0">
        <left>
          <lane id="2" type="sidewalk" level="false"><link/><width sOffset="0" a="2.0" b="0" c="0" d="0"/></lane>
          <lane id="1" type="driving" level="false"><link/><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
        </left>
        <center><lane id="0" type="driving" level="false"><link/></lane></center>
        <right>
          <lane id="-1" type="driving" level="false"><link/><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
          <lane id="-2" type="sidewalk" level="false"><link/><width sOffset="0" a="2.0" b="0" c="0" d="0"/></lane>
        </right>
      </laneSection>
    </lanes>
  </road>
</OpenDRIVE>
"""


def _junction_types(path) -> collections.Counter:
    return collections.Counter(j.get("type") for j in ET.parse(path).getroot().iter("junction")
                               if not j.get("id", "").startswith(":"))


def test_build_towns_is_deterministic_and_matches_shipped(tmp_path):
    first = maps.build_towns(tmp_path / "a")
    second = maps.build_towns(tmp_path / "b")
    assert [p.name for p in first] == ["EmbeddedGrid.net.xml", "EmbeddedRand.net.xml", "EmbeddedArterial.net.xml",
                                       "EmbeddedHighway.net.xml", "EmbeddedMotorway.net.xml"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        assert "generated on" not in a.read_text()
        shipped = Town.load(a.name[: -len(".net.xml")]).net_path
        assert _junction_types(a) == _junction_types(shipped)


def test_convert_xodr_straight_road(tmp_path):
    xodr = tmp_path / "straight.xodr"
    xodr.write_text(STRAIGHT_XODR)
    net = maps.convert_xodr(xodr, tmp_path / "straight.net.xml")
    town = Town.load(net)
    assert (town.lat_ref, town.lon_ref) == (49.0, 8.0)
    assert len(town.edges) == 2
    by_heading = {}
    for lane_ids in town.edges.values():
        lane = town.lanes[lane_ids[0]]
        x, y, yaw = lane.pose_at(lane.length_m / 2)
        assert lane.length_m == pytest.approx(100.0, abs=0.5) and x == pytest.approx(50.0, abs=0.5)
        by_heading[round(yaw) % 360] = y
    # source coordinates kept; OpenDRIVE's right lane (y = -1.75, driving +x) is at CARLA y = +1.75
    assert by_heading[0] == pytest.approx(1.75, abs=0.05)
    assert by_heading[180] == pytest.approx(-1.75, abs=0.05)
    sidewalks = [ln for ln in town.lanes.values() if ln.kind == "sidewalk"]
    assert len(sidewalks) == 2 and all(abs(abs(ln.shape_xy[0, 1]) - 4.5) < 0.05 for ln in sidewalks)
    match = town.nearest_lane((30.0, 2.0))
    assert town.lanes[match.lane_id].pose_at(1.0)[2] == pytest.approx(0.0, abs=1e-6)
    assert match.lateral_m == pytest.approx(0.25, abs=1e-6)  # 2.0 is 0.25 m south = right of the eastbound centre


def test_convert_xodr_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.xodr"):
        maps.convert_xodr(tmp_path / "nope.xodr", tmp_path / "out.net.xml")
