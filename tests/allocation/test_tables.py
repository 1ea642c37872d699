"""Tables: fewest tables, sizes within one, groups spread evenly."""

import math
import random
from collections import Counter

import pytest

from portal.allocation.solver import solve, split_tables


def _assert_table_rules(members, size, group_of, tables):
    count = math.ceil(len(members) / size) if members else 0
    assert len(tables) == count
    assert sorted(aid for table in tables for aid in table) == sorted(members)
    sizes = [len(table) for table in tables]
    assert not sizes or (max(sizes) <= size and max(sizes) - min(sizes) <= 1)
    groups = Counter(group_of.get(aid) for aid in members if group_of.get(aid))
    for group, g in groups.items():
        for table in tables:
            at_table = sum(group_of.get(aid) == group for aid in table)
            assert at_table <= math.ceil(g / count), f"{group}: {at_table} of {g} at one table"


def test_split_tables_23_at_tables_of_10_gives_8_8_7():
    members = [f"a{i:02d}" for i in range(23)]
    tables = split_tables(members, 10, {})
    assert [len(t) for t in tables] == [8, 8, 7]
    assert tables[0][:3] == ["a00", "a03", "a06"]


def test_split_tables_spreads_one_group_over_all_tables():
    group_of = {f"h{i}": "Stadt Halle" for i in range(7)}
    members = list(group_of) + [f"x{i:02d}" for i in range(13)]
    tables = split_tables(members, 10, group_of)
    assert [sum(aid.startswith("h") for aid in t) for t in tables] == [4, 3]


def test_split_tables_large_group_and_small_groups():
    group_of = {f"a{i:02d}": "Kreis Harz" for i in range(9)}
    group_of |= {f"b{i}": "Stadt Halle" for i in range(4)}
    members = list(group_of) + ["c1", "c2"]
    tables = split_tables(members, 5, group_of)
    assert [len(t) for t in tables] == [5, 5, 5]
    _assert_table_rules(members, 5, group_of, tables)


def test_split_tables_without_members_gives_no_tables():
    assert split_tables([], 10, {}) == []


def test_split_tables_is_independent_of_member_order():
    group_of = {f"a{i}": random.Random(i).choice(["G", "H", None]) for i in range(17)}
    members = list(group_of)
    shuffled = members[::-1]
    assert split_tables(shuffled, 4, group_of) == split_tables(members, 4, group_of)


@pytest.mark.parametrize("seed", range(40))
def test_split_tables_random_members_keep_rules(seed):
    rng = random.Random(seed)
    members = [f"p{i:03d}" for i in range(rng.randint(0, 60))]
    groups = [None, "Stadt Halle", "Kreis Harz", "Stadt Magdeburg", "Bund"]
    group_of = {aid: rng.choice(groups) for aid in members}
    size = rng.randint(1, 12)
    _assert_table_rules(members, size, group_of, split_tables(members, size, group_of))


def test_solve_splits_game_into_tables_by_group():
    attendees = [
        {"id": f"a{i:02d}", "ranking": ["game"], "group": "Stadt Halle" if i < 6 else None}
        for i in range(23)
    ]
    instance = {
        "sessions": [
            {"id": "game", "slot": "d1-am", "capacity": 30, "table_size": 10},
            {"id": "ws1", "slot": "d1-am", "capacity": 30},
        ],
        "attendees": attendees,
    }
    result = solve(instance)
    tables = result["tables"]
    assert list(tables) == ["game"]
    assert [len(t) for t in tables["game"]] == [8, 8, 7]
    assert [sum(aid < "a06" for aid in t) for t in tables["game"]] == [2, 2, 2]
    _assert_table_rules(
        [a["id"] for a in attendees],
        10,
        {a["id"]: a.get("group") for a in attendees},
        tables["game"],
    )
