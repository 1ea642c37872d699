"""The pure ranking rules: moves, validation of a submitted list, required sessions."""

import pytest

from portal.preferences.ranking import (
    Offer,
    RankingError,
    State,
    apply_move,
    check_order,
    positions,
    settle,
)

# Like the Kommunaltagung: game 1 (morning) requires workshop 12 (afternoon).
OFFERS = {
    1: Offer(1, "am", requires=12),
    11: Offer(11, "pm"),
    12: Offer(12, "pm"),
    13: Offer(13, "pm"),
    21: Offer(21, "day2", offered=False),
}


def reason(excinfo) -> tuple:
    return excinfo.value.reason, excinfo.value.item, excinfo.value.other


# --- apply_move -----------------------------------------------------------------------


def test_apply_move_up_swaps_with_previous():
    assert apply_move((1, 2, 3), 3, "up") == (1, 3, 2)


def test_apply_move_down_swaps_with_next():
    assert apply_move([1, 2, 3], 1, "down") == (2, 1, 3)


def test_apply_move_up_at_top_changes_nothing():
    assert apply_move((1, 2), 1, "up") == (1, 2)


def test_apply_move_down_at_bottom_changes_nothing():
    assert apply_move((1, 2), 2, "down") == (1, 2)


def test_apply_move_add_appends_at_the_end():
    assert apply_move((1, 2), 5, "add") == (1, 2, 5)


def test_apply_move_add_when_present_changes_nothing():
    assert apply_move((1, 2), 1, "add") == (1, 2)


def test_apply_move_remove_drops_the_item():
    assert apply_move((1, 2, 3), 2, "remove") == (1, 3)


def test_apply_move_remove_when_absent_changes_nothing():
    assert apply_move((1, 2), 9, "remove") == (1, 2)


def test_apply_move_unknown_direction_is_refused():
    with pytest.raises(RankingError) as excinfo:
        apply_move((1, 2), 1, "sideways")
    assert reason(excinfo) == ("direction", 1, None)


def test_apply_move_up_of_unranked_item_is_refused():
    with pytest.raises(RankingError) as excinfo:
        apply_move((1, 2), 7, "up")
    assert reason(excinfo) == ("not_ranked", 7, None)


def test_apply_move_works_with_string_codes():
    assert apply_move(("WS 1", "WS 2", "WS 3"), "WS 3", "up") == ("WS 1", "WS 3", "WS 2")


# --- check_order ----------------------------------------------------------------------


def test_check_order_valid_list_is_kept_in_order():
    assert check_order([13, 11], slot="pm", offers=OFFERS) == (13, 11)


def test_check_order_empty_list_is_valid():
    assert check_order([], slot="pm", offers=OFFERS) == ()


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([11, 999], ("unknown", 999, None)),
        ([11, 1], ("wrong_slot", 1, None)),
        ([11, 13, 11], ("duplicate", 11, None)),
    ],
)
def test_check_order_bad_list_is_refused(items, expected):
    with pytest.raises(RankingError) as excinfo:
        check_order(items, slot="pm", offers=OFFERS)
    assert reason(excinfo) == expected


def test_check_order_session_on_a_day_not_attended_is_refused():
    with pytest.raises(RankingError) as excinfo:
        check_order([21], slot="day2", offers=OFFERS)
    assert reason(excinfo) == ("not_offered", 21, None)


# --- settle ---------------------------------------------------------------------------


def test_settle_replaces_only_the_given_slot():
    previous = State({"am": (1,), "pm": (12, 11)})
    outcome = settle(previous, "pm", [11, 12], offers=OFFERS)
    assert outcome.state == State({"am": (1,), "pm": (11, 12)})
    assert outcome.added == ()


def test_settle_empty_order_drops_the_slot():
    outcome = settle(State({"pm": (11,)}), "pm", [], offers=OFFERS)
    assert outcome.state == State({})


def test_settle_game_pulls_required_workshop_to_the_end_of_its_slot():
    previous = State({"pm": (13, 11)})
    outcome = settle(previous, "am", [1], offers=OFFERS)
    assert outcome.state.slots == {"am": (1,), "pm": (13, 11, 12)}
    assert outcome.added == ((12, 1),)


def test_settle_game_keeps_required_workshop_where_it_is():
    previous = State({"pm": (12, 11)})
    outcome = settle(previous, "am", [1], offers=OFFERS)
    assert outcome.state.slots == {"am": (1,), "pm": (12, 11)}
    assert outcome.added == ()


def test_settle_game_ends_a_skip_of_the_workshop_slot():
    previous = State({}, frozenset({"pm"}))
    outcome = settle(previous, "am", [1], offers=OFFERS)
    assert outcome.state == State({"am": (1,), "pm": (12,)}, frozenset())


def test_settle_removing_required_workshop_while_game_is_ranked_is_refused():
    previous = State({"am": (1,), "pm": (12, 11)})
    with pytest.raises(RankingError) as excinfo:
        settle(previous, "pm", [11], offers=OFFERS)
    assert reason(excinfo) == ("required", 12, 1)


def test_settle_skipping_the_workshop_slot_while_game_is_ranked_is_refused():
    previous = State({"am": (1,), "pm": (12,)})
    with pytest.raises(RankingError) as excinfo:
        settle(previous, "pm", [], offers=OFFERS, skip=True)
    assert reason(excinfo) == ("required", 12, 1)


def test_settle_removing_the_game_keeps_the_workshop():
    previous = State({"am": (1,), "pm": (12,)})
    outcome = settle(previous, "am", [], offers=OFFERS)
    assert outcome.state.slots == {"pm": (12,)}


def test_settle_game_whose_workshop_is_not_offered_is_refused():
    offers = {**OFFERS, 12: Offer(12, "pm", offered=False)}
    with pytest.raises(RankingError) as excinfo:
        settle(State(), "am", [1], offers=offers)
    assert reason(excinfo) == ("required_not_offered", 1, 12)


def test_settle_requirements_chain_through_several_slots():
    offers = {
        1: Offer(1, "a", requires=2),
        2: Offer(2, "b", requires=3),
        3: Offer(3, "c"),
    }
    outcome = settle(State(), "a", [1], offers=offers)
    assert outcome.state.slots == {"a": (1,), "b": (2,), "c": (3,)}
    assert outcome.added == ((2, 1), (3, 2))


def test_settle_skip_empties_and_marks_the_slot():
    outcome = settle(State({"pm": (11, 13)}), "pm", [11], offers=OFFERS, skip=True)
    assert outcome.state == State({}, frozenset({"pm"}))


def test_settle_ranking_in_a_skipped_slot_ends_the_skip():
    outcome = settle(State({}, frozenset({"pm"})), "pm", [13], offers=OFFERS)
    assert outcome.state == State({"pm": (13,)}, frozenset())


def test_settle_unskip_keeps_favourites_empty():
    outcome = settle(State({}, frozenset({"pm", "am"})), "pm", [], offers=OFFERS, skip=False)
    assert outcome.state == State({}, frozenset({"am"}))


def test_settle_validates_the_order():
    with pytest.raises(RankingError) as excinfo:
        settle(State(), "pm", [11, 11], offers=OFFERS)
    assert reason(excinfo) == ("duplicate", 11, None)


def test_settle_leaves_the_previous_state_untouched():
    previous = State({"pm": (11,)})
    settle(previous, "pm", [13], offers=OFFERS)
    assert previous == State({"pm": (11,)})


def test_positions_counts_from_one():
    assert positions((11, 12, 13), 12) == (2, 3)
    assert positions((11,), 99) == (0, 1)
