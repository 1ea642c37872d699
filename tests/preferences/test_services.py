"""Services: the page, saving (versions, rules, deadline), demand and the export rows."""

from datetime import datetime

import pytest

from portal.events import services as event_services
from portal.events.models import DeadlineKind
from portal.preferences import services
from portal.preferences.models import Preference, Ranking, SlotOptOut
from portal.registration.models import Registration
from tests.preferences.conftest import AFTERNOON, MORNING, REGISTRATION_DEADLINE, SECOND_DAY


@pytest.fixture
def person(make_user, programme, register):
    user = make_user()
    user.registration = register(user, programme.event)
    return user


def stored(registration) -> dict:
    """{slot_key: [session code, ...]} as stored, ranks in order."""
    rows = (
        Preference.select()
        .where(Preference.registration == registration)
        .order_by(Preference.slot_key, Preference.rank)
    )
    result = {}
    for row in rows:
        result.setdefault(row.slot_key, []).append(row.session.code)
    return result


def ids(programme, *codes) -> list[int]:
    return [programme.s[c].id for c in codes]


def save(programme, user, slot, version, **kw):
    return services.save_slot(programme.event, user, slot_key=slot, version=version, **kw)


def favourites(page, slot) -> list[str]:
    view = next(v for v in page.slots if v.key == slot)
    return [item.session.code for item in view.favourites]


# --- the page -------------------------------------------------------------------------


def test_ranking_page_lists_slots_of_both_days_in_order(programme, person):
    page = services.ranking_page(programme.event, person)
    assert [v.key for v in page.slots] == [MORNING, AFTERNOON, SECOND_DAY]
    afternoon = page.slots[1]
    assert [i.session.code for i in afternoon.others] == ["WS 1", "WS 2", "WS 3"]
    assert afternoon.favourites == []
    assert page.version == 0
    assert page.is_open is True
    assert page.hidden_days is False


def test_ranking_page_offers_only_the_registrations_days(make_user, programme, register):
    user = make_user()
    register(user, programme.event, days=(datetime(2024, 11, 20).date(),))
    page = services.ranking_page(programme.event, user)
    assert [v.key for v in page.slots] == [SECOND_DAY]
    assert page.hidden_days is True
    assert page.requirements == []  # the game is not offered on day two


def test_ranking_page_without_registration_is_not_allowed(make_user, programme):
    with pytest.raises(services.NotAllowed) as excinfo:
        services.ranking_page(programme.event, make_user())
    assert "nicht angemeldet" in str(excinfo.value.message)
    assert excinfo.value.status == 403


@pytest.mark.parametrize("state", ["cancelled", "rejected"])
def test_ranking_page_inactive_registration_is_not_allowed(make_user, programme, register, state):
    user = make_user()
    register(user, programme.event, state=state)
    with pytest.raises(services.NotAllowed) as excinfo:
        services.ranking_page(programme.event, user)
    assert "nicht aktiv" in str(excinfo.value.message)


@pytest.mark.parametrize("state", ["waitlisted", "pending"])
def test_ranking_page_waitlisted_and_pending_may_rank(make_user, programme, register, state):
    user = make_user()
    register(user, programme.event, state=state)
    save(programme, user, AFTERNOON, 0, action="order", order=ids(programme, "WS 3"))
    assert favourites(services.ranking_page(programme.event, user), AFTERNOON) == ["WS 3"]


def test_ranking_page_explains_the_game_rule(programme, person):
    page = services.ranking_page(programme.event, person)
    assert [(r.name, r.required_name) for r in page.requirements] == [("Planspiel", "Workshop 2")]


def test_ranking_page_runs_a_constant_number_of_queries(
    programme, person, make_user, register, count_queries
):
    def page_queries():
        with count_queries() as queries:
            services.ranking_page(programme.event, person)
        return len(queries)

    few = page_queries()
    for _ in range(4):
        other = make_user()
        register(other, programme.event)
        save(programme, other, AFTERNOON, 0, action="order", order=ids(programme, "WS 1", "WS 3"))
    save(programme, person, SECOND_DAY, 0, action="order", order=ids(programme, "WS 7", "V 2"))
    assert page_queries() == few


# --- saving ---------------------------------------------------------------------------


def test_save_order_stores_ranks_and_raises_the_version(programme, person):
    saved = save(
        programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 3", "WS 1")
    )
    assert stored(person.registration) == {AFTERNOON: ["WS 3", "WS 1"]}
    assert saved.page.version == 1
    assert saved.announcement == "Gespeichert."
    assert Ranking.get(Ranking.registration == person.registration).version == 1


def test_save_replaces_the_whole_slot(programme, person):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 3", "WS 1"))
    save(programme, person, AFTERNOON, 1, action="order", order=ids(programme, "WS 1"))
    assert stored(person.registration) == {AFTERNOON: ["WS 1"]}


def test_save_move_up_announces_the_new_place(programme, person):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1", "WS 3"))
    saved = save(
        programme,
        person,
        AFTERNOON,
        1,
        action="move",
        session_id=programme.s["WS 3"].id,
        direction="up",
    )
    assert stored(person.registration) == {AFTERNOON: ["WS 3", "WS 1"]}
    assert saved.announcement == "Workshop 3 ist jetzt auf Platz 1 von 2."
    assert saved.focus == [f"pref-{programme.s['WS 3'].id}-up", f"pref-{programme.s['WS 3'].id}"]


def test_save_move_remove_announces_and_focuses_the_add_button(programme, person):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1", "WS 3"))
    ws1 = programme.s["WS 1"].id
    saved = save(programme, person, AFTERNOON, 1, action="move", session_id=ws1, direction="remove")
    assert stored(person.registration) == {AFTERNOON: ["WS 3"]}
    assert saved.announcement == "Workshop 1 wurde aus Ihren Favoriten entfernt."
    assert saved.focus[0] == f"pref-{ws1}-add"


def test_save_adding_the_game_adds_workshop_2(programme, person):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 3"))
    saved = save(
        programme,
        person,
        MORNING,
        1,
        action="move",
        session_id=programme.s["PS"].id,
        direction="add",
    )
    assert stored(person.registration) == {MORNING: ["PS"], AFTERNOON: ["WS 3", "WS 2"]}
    assert saved.announcement == (
        "Planspiel ist jetzt auf Platz 1 von 1. Workshop 2 wurde ebenfalls zu Ihren Favoriten "
        "hinzugefügt: Die Teilnahme an Planspiel setzt Workshop 2 voraus."
    )
    ws2 = next(i for i in saved.page.slots[1].favourites if i.session.code == "WS 2")
    assert ws2.required_by == ["Planspiel"]


def test_save_removing_workshop_2_while_the_game_is_ranked_changes_nothing(programme, person):
    save(programme, person, MORNING, 0, action="order", order=ids(programme, "PS"))
    with pytest.raises(services.InvalidRanking) as excinfo:
        save(
            programme,
            person,
            AFTERNOON,
            1,
            action="move",
            session_id=programme.s["WS 2"].id,
            direction="remove",
        )
    assert excinfo.value.message.startswith(
        "Workshop 2 kann nicht entfernt werden, solange Planspiel in Ihren Favoriten steht"
    )
    assert stored(person.registration) == {MORNING: ["PS"], AFTERNOON: ["WS 2"]}
    assert Ranking.get(Ranking.registration == person.registration).version == 1


def test_save_skip_empties_the_slot_and_unskip_ends_it(programme, person):
    save(programme, person, SECOND_DAY, 0, action="order", order=ids(programme, "WS 7"))
    saved = save(programme, person, SECOND_DAY, 1, action="skip", skip=True)
    assert stored(person.registration) == {}
    assert [(r.slot_key) for r in SlotOptOut.select()] == [SECOND_DAY]
    assert saved.page.slots[2].skipped is True
    assert saved.focus == [f"skip-{SECOND_DAY}"]
    save(programme, person, SECOND_DAY, 2, action="skip", skip=False)
    assert SlotOptOut.select().count() == 0


def test_save_ranking_in_a_skipped_slot_ends_the_skip(programme, person):
    save(programme, person, SECOND_DAY, 0, action="skip", skip=True)
    save(programme, person, SECOND_DAY, 1, action="order", order=ids(programme, "V 2"))
    assert SlotOptOut.select().count() == 0
    assert stored(person.registration) == {SECOND_DAY: ["V 2"]}


def test_save_with_stale_version_is_a_conflict_and_changes_nothing(programme, person):
    """Two tabs: both loaded version 0; the second save is refused, the first stays whole."""
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1", "WS 3"))
    with pytest.raises(services.Conflict) as excinfo:
        save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 3", "WS 2"))
    assert excinfo.value.status == 409
    assert stored(person.registration) == {AFTERNOON: ["WS 1", "WS 3"]}


def test_save_stale_version_from_another_slot_is_a_conflict(programme, person):
    """The version covers the whole ranking, so a stale tab cannot mix in another slot."""
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    with pytest.raises(services.Conflict):
        save(programme, person, SECOND_DAY, 0, action="order", order=ids(programme, "WS 7"))
    assert stored(person.registration) == {AFTERNOON: ["WS 1"]}


def test_save_version_from_the_future_is_a_conflict(programme, person):
    with pytest.raises(services.Conflict):
        save(programme, person, AFTERNOON, 5, action="order", order=ids(programme, "WS 1"))
    assert Ranking.select().count() == 0


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (lambda p: [999_999], "Diese Session gibt es in dieser Veranstaltung nicht"),
        (lambda p: [p.s["PS"].id], "Planspiel findet in einem anderen Zeitfenster statt."),
        (lambda p: [p.s["plenary"].id], "Diese Session gibt es in dieser Veranstaltung nicht"),
        (
            lambda p: [p.s["WS 1"].id, p.s["WS 1"].id],
            "Workshop 1 ist doppelt genannt. Bitte nennen Sie jede Session nur einmal.",
        ),
    ],
)
def test_save_invalid_order_changes_nothing(programme, person, order, message):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 2"))
    with pytest.raises(services.InvalidRanking) as excinfo:
        save(programme, person, AFTERNOON, 1, action="order", order=order(programme))
    assert excinfo.value.message.startswith(message)
    assert stored(person.registration) == {AFTERNOON: ["WS 2"]}
    assert Ranking.get().version == 1


def test_save_session_of_another_event_is_refused(programme, person, make_event):
    other = make_event(slug="andere-tagung")
    foreign = event_services.create_session(
        other,
        code="WS 1",
        kind="workshop",
        title="Fremd",
        is_breakout=True,
        starts_at=programme.s["WS 1"].starts_at,
        ends_at=programme.s["WS 1"].ends_at,
    )
    with pytest.raises(services.InvalidRanking):
        save(programme, person, AFTERNOON, 0, action="order", order=[foreign.id])
    assert Preference.select().count() == 0


def test_save_slot_on_a_day_not_attended_is_refused(make_user, programme, register):
    user = make_user()
    register(user, programme.event, days=(datetime(2024, 11, 20).date(),))
    with pytest.raises(services.InvalidRanking) as excinfo:
        save(programme, user, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    assert "nicht angemeldet" in excinfo.value.message
    assert Preference.select().count() == 0


def test_save_unknown_slot_is_refused(programme, person):
    with pytest.raises(services.UnknownSlot):
        save(programme, person, "2024-11-19-0700", 0, action="order", order=[])


def test_save_without_registration_is_not_allowed(programme, make_user):
    with pytest.raises(services.NotAllowed):
        save(programme, make_user(), AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    assert Preference.select().count() == 0


# --- the deadline ---------------------------------------------------------------------


def test_deadline_falls_back_to_the_registration_deadline(programme, person, clock):
    page = services.ranking_page(programme.event, person)
    assert page.deadline.due_at == REGISTRATION_DEADLINE
    assert page.deadline_is_registration is True
    clock(datetime(2024, 11, 1, 0, 0))
    assert services.ranking_page(programme.event, person).is_open is False
    with pytest.raises(services.Closed):
        save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    assert Preference.select().count() == 0


def test_deadline_is_inclusive(programme, person, clock):
    clock(REGISTRATION_DEADLINE)
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    assert stored(person.registration) == {AFTERNOON: ["WS 1"]}


def test_deadline_of_preferences_extended_reopens_and_shows_as_extended(programme, person, clock):
    event = programme.event
    event_services.set_deadline(event, DeadlineKind.PREFERENCES, datetime(2024, 11, 5, 23, 59))
    event_services.set_deadline(event, DeadlineKind.PREFERENCES, datetime(2024, 11, 12, 23, 59))
    clock(datetime(2024, 11, 10, 12, 0))
    page = services.ranking_page(event, person)
    assert page.is_open is True
    assert page.deadline_is_registration is False
    assert page.deadline.extended is True
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    clock(datetime(2024, 11, 13, 0, 0))
    with pytest.raises(services.Closed):
        save(programme, person, AFTERNOON, 1, action="order", order=[])
    assert stored(person.registration) == {AFTERNOON: ["WS 1"]}


def test_deadline_after_the_event_start_is_closed_anyway(programme, person, clock):
    event_services.set_deadline(
        programme.event, DeadlineKind.PREFERENCES, datetime(2024, 11, 25, 23, 59)
    )
    clock(datetime(2024, 11, 19, 8, 0))
    page = services.ranking_page(programme.event, person)
    assert (page.is_open, page.started) == (False, True)


# --- demand ---------------------------------------------------------------------------


def _rank(programme, make_user, register, order, state="confirmed"):
    """A new attendee ranks `order` in the afternoon, then gets `state`."""
    user = make_user()
    registration = register(user, programme.event)
    save(programme, user, AFTERNOON, 0, action="order", order=ids(programme, *order))
    Registration.update(state=state).where(Registration.id == registration.id).execute()
    return user


def test_demand_counts_first_choices_and_top_three_of_confirmed(programme, make_user, register):
    for _ in range(3):
        _rank(programme, make_user, register, ["WS 1", "WS 2", "WS 3"])
    _rank(programme, make_user, register, ["WS 3", "WS 2", "WS 1"])
    _rank(programme, make_user, register, ["WS 1"], state="waitlisted")
    rows = services.demand(programme.event)
    got = {
        rows[s.id].session.code: (rows[s.id].first, rows[s.id].top)
        for s in programme.s.values()
        if s.id in rows
    }
    assert got == {
        "PS": (0, 0),
        "WS 1": (3, 4),
        "WS 2": (0, 4),
        "WS 3": (1, 4),
        "WS 7": (0, 0),
        "V 2": (0, 0),
    }
    assert rows[programme.s["WS 1"].id].high_demand is True  # 3 first choices, 2 seats
    assert rows[programme.s["WS 3"].id].high_demand is False


def test_demand_at_capacity_is_not_high(programme, make_user, register):
    for _ in range(2):
        _rank(programme, make_user, register, ["WS 1"])
    assert services.demand(programme.event)[programme.s["WS 1"].id].high_demand is False


def test_demand_ignores_rankings_of_dropped_days(programme, make_user, register):
    user = _rank(programme, make_user, register, ["WS 1"])
    Registration.update(days="2024-11-20").where(Registration.user == user).execute()
    assert services.demand(programme.event)[programme.s["WS 1"].id].first == 0


def test_demand_marks_high_demand_on_the_attendees_page(programme, person, make_user, register):
    for _ in range(3):
        _rank(programme, make_user, register, ["WS 1"])
    page = services.ranking_page(programme.event, person)
    ws1 = next(i for i in page.slots[1].others if i.session.code == "WS 1")
    assert (ws1.first_choices, ws1.high_demand) == (3, True)


# --- organisers -----------------------------------------------------------------------


def test_organiser_page_counts_rankers_among_confirmed(programme, person, make_user, register):
    _rank(programme, make_user, register, ["WS 3"])
    page = services.organiser_page(programme.event)
    assert (page.confirmed, page.rankers) == (2, 1)
    assert [key for key, *_ in page.slots] == [MORNING, AFTERNOON, SECOND_DAY]
    assert 'role="img"' in page.chart_svg


def test_export_rows_list_favourites_and_skips_in_order(programme, person):
    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 3", "WS 1"))
    save(programme, person, SECOND_DAY, 1, action="skip", skip=True)
    rows = services.export_rows(programme.event)
    assert [(r[6].strftime("%d.%m. %H:%M"), r[7], r[8]) for r in rows] == [
        ("19.11. 16:00", 1, "WS 3"),
        ("19.11. 16:00", 2, "WS 1"),
        ("20.11. 09:00", None, ""),
    ]
    assert rows[0][1:3] == (person.registration.last_name, "Erika")


def test_organiser_page_and_export_run_a_constant_number_of_queries(
    programme, person, make_user, register, count_queries
):
    def queries():
        with count_queries() as page_queries:
            services.organiser_page(programme.event)
        with count_queries() as export_queries:
            services.export_rows(programme.event)
        return len(page_queries), len(export_queries)

    save(programme, person, AFTERNOON, 0, action="order", order=ids(programme, "WS 1"))
    few = queries()
    for _ in range(4):
        _rank(programme, make_user, register, ["WS 2", "WS 3"])
    assert queries() == few
