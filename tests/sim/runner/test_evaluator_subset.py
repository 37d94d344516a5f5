from types import SimpleNamespace

import pytest

from wpt_core.leaderboard.route_file import select_routes

ROUTES = [SimpleNamespace(id=str(i)) for i in range(10)] + [SimpleNamespace(id="1711")]


def ids(subset):
    return [r.id for r in select_routes(ROUTES, subset)]


def test_ids_ranges_and_file_order():
    assert ids("") == [r.id for r in ROUTES]
    assert ids("7,2") == ["2", "7"]            # the file's order, like the leaderboard's route indexer
    assert ids("3-5,1711") == ["3", "4", "5", "1711"]


def test_subset_matching_nothing_is_an_error():
    with pytest.raises(ValueError, match="matches no route"):
        select_routes(ROUTES, "42-44")
