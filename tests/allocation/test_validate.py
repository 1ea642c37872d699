"""Instance validation and the allocation validator."""

import pytest

from portal.allocation.validate import InstanceError, validate, violations


def _instance(**changes) -> dict:
    instance = {
        "sessions": [
            {"id": "game", "slot": "d1-am", "capacity": 2, "table_size": 10},
            {"id": "ws1", "slot": "d1-am", "capacity": 5},
            {"id": "ws2", "slot": "d1-pm", "capacity": 2},
            {"id": "ws3", "slot": "d1-pm", "capacity": 5},
        ],
        "requires": [["game", "ws2"]],
        "attendees": [
            {"id": "a2", "ranking": ["ws3", "game"], "weight": 2, "group": "Stadt Halle"},
            {"id": "a1", "ranking": ["ws1"]},
        ],
        "pinned": [],
    }
    instance.update(changes)
    return instance


def _sessions(*extra) -> list:
    return _instance()["sessions"] + list(extra)


def _people(*extra) -> list:
    return _instance()["attendees"] + list(extra)


BAD = [
    ([], "JSON-Objekt", "Die Instanz"),
    ({"sessions": [], "attendees": [], "pins": []}, "unbekannte Schlüssel pins", "pins"),
    ({"attendees": []}, "es fehlt sessions", "sessions"),
    ({"sessions": {}, "attendees": []}, "'sessions' muss eine Liste", "sessions"),
    (_instance(sessions=_sessions({"slot": "x"})), "es fehlt id", "id"),
    (_instance(sessions=_sessions({"id": "", "slot": "x"})), "'id' muss", "Sitzung Nr. 5"),
    (_instance(sessions=_sessions({"id": "ws1", "slot": "x"})), "doppelt", "ws1"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "capacity": -1})), "capacity", "w"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "capacity": "10"})), "capacity", "w"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "capacity": 1.5})), "capacity", "w"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "capacity": True})), "capacity", "w"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "table_size": 0})), "table_size", "w"),
    (_instance(sessions=_sessions({"id": "w", "slot": "x", "room": "A"})), "room", "room"),
    (_instance(requires=[["game"]]), "Paar", None),
    (_instance(requires=[["game", "ws9"]]), "unbekannte Sitzung 'ws9'", "ws9"),
    (_instance(requires=[["ws2", "ws2"]]), "sich selbst", "ws2"),
    (_instance(requires=[["game", "ws1"]]), "kann nie vergeben werden", "game"),
    (_instance(requires=[["game", "ws2"], ["ws2", "game"]]), "Zyklus: game → ws2 → game", "ws2"),
    (
        _instance(
            sessions=_sessions({"id": "ws7", "slot": "d2-am"}, {"id": "ws8", "slot": "d2-am"}),
            requires=[["game", "ws7"], ["ws2", "ws8"], ["game", "ws2"]],
        ),
        "kann nie vergeben werden",
        "game",
    ),
    (_instance(attendees=_people({"id": "a3", "ranking": ["ws9"]})), "'ws9'", "ws9"),
    (_instance(attendees=_people({"id": "a3", "ranking": [3]})), "3", "a3"),
    (_instance(attendees=_people({"id": "a3", "ranking": ["ws1", "ws1"]})), "mehrfach", "ws1"),
    (_instance(attendees=_people({"id": "a3", "ranking": "ws1"})), "'ranking'", "a3"),
    (_instance(attendees=_people({"id": "a3", "weight": 0})), "'weight'", "a3"),
    (_instance(attendees=_people({"id": "a3", "weight": -2})), "'weight'", "a3"),
    (_instance(attendees=_people({"id": "a3", "weight": 1.5})), "'weight'", "a3"),
    (_instance(attendees=_people({"id": "a3", "weight": "2"})), "'weight'", "a3"),
    (_instance(attendees=_people({"id": "a3", "group": 7})), "'group'", "a3"),
    (_instance(attendees=_people({"id": "a1"})), "doppelt", "a1"),
    (_instance(attendees=_people({"id": "a3", "name": "X"})), "name", "name"),
    (_instance(pinned=[["a9", "ws1"]]), "unbekannte Teilnehmende 'a9'", "a9"),
    (_instance(pinned=[["a1", "ws9"]]), "unbekannte Sitzung 'ws9'", "ws9"),
    (_instance(pinned=[["a1", "ws1"], ["a1", "game"]]), "a1 im Zeitfenster d1-am", "a1"),
    (_instance(pinned=[["a1", "game"], ["a1", "ws3"]]), "game, ws3", "a1"),
]


@pytest.mark.parametrize(("raw", "message", "culprit"), BAD)
def test_validate_bad_instance_names_culprit(raw, message, culprit):
    with pytest.raises(InstanceError) as error:
        validate(raw)
    assert message in str(error.value)
    if culprit is not None:
        assert culprit in error.value.culprits


def test_validate_pins_over_capacity_name_session_and_attendees():
    attendees = [{"id": f"p{i:02d}", "ranking": []} for i in range(12)]
    sessions = [{"id": "ws4", "slot": "t", "capacity": 10}]
    pinned = [[a["id"], "ws4"] for a in attendees]
    with pytest.raises(InstanceError) as error:
        validate({"sessions": sessions, "attendees": attendees, "pinned": pinned})
    assert str(error.value) == (
        "Festlegungen passen nicht: ws4 hat 10 Plätze, aber 12 Festlegungen: "
        "p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11."
    )
    assert error.value.culprits == ("ws4", *(a["id"] for a in attendees))


def test_validate_pins_with_required_sessions_over_capacity():
    pinned = [["a1", "game"], ["a2", "game"], ["a3", "ws2"]]
    people = _people({"id": "a3", "ranking": []})
    with pytest.raises(InstanceError, match="ws2 hat 2 Plätze, aber 3 Festlegungen: a1, a2, a3"):
        validate(_instance(attendees=people, pinned=pinned))


def test_validate_long_culprit_list_is_shortened():
    attendees = [{"id": f"p{i:02d}", "ranking": []} for i in range(30)]
    pinned = [[a["id"], "x"] for a in attendees]
    sessions = [{"id": "x", "slot": "t", "capacity": 0}]
    with pytest.raises(InstanceError) as error:
        validate({"sessions": sessions, "attendees": attendees, "pinned": pinned})
    assert str(error.value).endswith("p19 und 10 weitere.")
    assert len(error.value.culprits) == 31


def test_validate_fills_defaults_and_derived_fields():
    instance = validate(
        _instance(
            requires=[["game", "ws2"], ["game", "ws2"]],
            pinned=[["a1", "game"], ["a1", "game"]],
        )
    )
    assert [a.id for a in instance.attendees] == ["a1", "a2"]
    assert instance.attendees[0].weight == 1
    assert instance.attendees[0].group is None
    assert instance.attendees[1].group == "Stadt Halle"
    assert instance.requires == (("game", "ws2"),)
    assert instance.pinned == (("a1", "game"),)
    assert instance.slots == ("d1-am", "d1-pm")
    assert instance.forces["game"] == {"ws2"}
    assert instance.forces["ws2"] == frozenset()
    assert instance.fixed == {"a1": {"game", "ws2"}}
    assert instance.ranked["a2"] == {"d1-am": ("game",), "d1-pm": ("ws3",)}
    assert instance.session["ws1"].table_size is None


def test_validate_missing_capacity_means_unlimited():
    instance = validate({"sessions": [{"id": "x", "slot": "t", "capacity": None}], "attendees": []})
    assert instance.session["x"].capacity is None


def test_validate_instance_is_immutable():
    instance = validate(_instance())
    with pytest.raises(AttributeError):
        instance.sessions = ()
    with pytest.raises(TypeError):
        instance.session["x"] = None


def test_violations_valid_allocation_is_clean():
    instance = validate(_instance())
    assert violations(instance, {"a1": ["ws1"], "a2": ["game", "ws2"]}) == []


@pytest.mark.parametrize(
    ("holdings", "message"),
    [
        (
            {"a1": ["ws1", "game", "ws2"]},
            "a1: mehrere Sitzungen in einem Zeitfenster (game, ws1, ws2)",
        ),
        ({"a2": ["game", "ws3"]}, "a2: es fehlen verlangte Sitzungen ws2"),
        ({"a1": ["ws1", "ws3"]}, "a1: ws3 in nicht gewünschtem Zeitfenster"),
        ({"a1": ["ws9"]}, "a1: unbekannte Sitzungen ws9"),
        ({"zz": []}, "unbekannte Teilnehmende zz"),
    ],
)
def test_violations_broken_allocation_is_reported(holdings, message):
    assert violations(validate(_instance()), holdings) == [message]


def test_violations_capacity_and_pins_are_reported():
    instance = _instance(
        attendees=_people({"id": "a3", "ranking": ["game"]}), pinned=[["a1", "ws1"]]
    )
    holdings = {"a1": [], "a2": ["game", "ws2"], "a3": ["game", "ws2"]}
    instance["sessions"][0]["capacity"] = 1
    assert violations(validate(instance), holdings) == [
        "a1: es fehlen Festlegungen ws1",
        "game: 2 Personen bei 1 Plätzen",
    ]
