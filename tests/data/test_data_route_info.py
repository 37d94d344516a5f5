"""Near/far commands and target point, like Bench2Drive's data agent."""
from __future__ import annotations

import numpy as np
import pytest

from data_helpers import straight_route
from wpt_core.data.route_info import RouteInfoPlanner
from wpt_core.types import RoadOption


def test_near_point_is_the_next_node_past_the_4m_radius():
    tracker = RouteInfoPlanner(straight_route(200))
    info = tracker.step((0.0, 0.0), 0.0)
    # nodes 1 m apart: the farthest within 4 m (x = 4) is popped to, the node after it is returned
    assert info.near_xy == pytest.approx((5.0, 0.0))
    assert info.near_command == int(RoadOption.LANEFOLLOW)
    assert info.route_ahead_xy[0] == pytest.approx([0.0, 0.0]) and info.route_ahead_xy[-1][0] == pytest.approx(50.0)


def test_far_and_target_points_walk_the_50m_plan():
    tracker = RouteInfoPlanner(straight_route(200))
    first = tracker.step((0.0, 0.0), 0.0)
    assert 50.0 <= first.far_xy[0] <= 53.0 and first.target_xy == first.far_xy
    for x in range(1, 61):  # drive past the first sparse point
        info = tracker.step((float(x), 0.0), 0.0)
    assert info.target_xy[0] > first.target_xy[0] + 40.0  # advanced once the point was < 12 m behind
    assert info.near_xy[0] == pytest.approx(65.0)


def test_commands_of_a_turn():
    route = straight_route(100)
    route.commands[30:45] = int(RoadOption.LEFT)
    tracker = RouteInfoPlanner(route)
    for x in range(0, 24):
        info = tracker.step((float(x), 0.0), 0.0)
    assert info.near_xy[0] == pytest.approx(28.0) and info.near_command == int(RoadOption.LANEFOLLOW)
    info = tracker.step((27.0, 0.0), 0.0)
    assert info.near_xy[0] == pytest.approx(32.0) and info.near_command == int(RoadOption.LEFT)  # inside the turn
    tracker = RouteInfoPlanner(route)
    infos = {x: tracker.step((float(x), 0.0), 0.0) for x in range(0, 60)}
    # the 50 m plan keeps the command changes (x = 30 LEFT, x = 45 LANEFOLLOW): the far planner announces the
    # turn until it is within 7.5 m; the target's command is LEFT while the ego is between those two points
    assert infos[20].far_xy[0] == pytest.approx(30.0) and infos[20].far_command == int(RoadOption.LEFT)
    assert infos[35].next_command == int(RoadOption.LEFT) and infos[35].target_xy[0] == pytest.approx(45.0)
    assert infos[10].next_command == int(RoadOption.LANEFOLLOW)


def test_empty_route_is_an_error():
    with pytest.raises(ValueError):
        RouteInfoPlanner(straight_route(0).__class__(np.zeros((0, 2)), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0)))
