"""The solver instance built from the database: mapping, days, opt-outs, weights, queries."""

from portal.allocation import services
from portal.allocation.models import AllocationSettings, Pin
from tests.allocation_workflow.conftest import AFTERNOON, DAY_ONE


def _attendee(built, registration) -> dict:
    aid = f"{registration.full_name} (Nr. {registration.id})"
    return next(a for a in built.instance["attendees"] if a["id"] == aid)


def test_build_instance_maps_breakouts_requires_and_rankings(programme, person):
    s = programme.s
    anna = person("Anna", s["PS"], s["WS 2"], s["WS 1"], s["V 2"])
    built = services.build_instance(programme.event)
    assert built.instance["sessions"] == [
        {"id": "PS", "slot": "19.11.2024, 08:30 Uhr", "capacity": 20, "table_size": 10},
        {"id": "WS 1", "slot": "19.11.2024, 16:00 Uhr", "capacity": 2},
        {"id": "WS 2", "slot": "19.11.2024, 16:00 Uhr", "capacity": 30},
        {"id": "WS 3", "slot": "19.11.2024, 16:00 Uhr", "capacity": 30},
        {"id": "WS 7", "slot": "20.11.2024, 09:00 Uhr", "capacity": 2},
        {"id": "V 2", "slot": "20.11.2024, 09:00 Uhr", "capacity": None},
    ]
    assert built.instance["requires"] == [["PS", "WS 2"]]
    assert _attendee(built, anna) == {
        "id": f"Erika Anna (Nr. {anna.id})",
        "ranking": ["PS", "WS 2", "WS 1", "V 2"],
        "weight": 1,
        "group": "stadt anna",
    }
    assert "pinned" not in built.instance


def test_build_instance_drops_sessions_of_days_not_attended(programme, person):
    s = programme.s
    ben = person("Ben", s["WS 1"], s["WS 7"], s["V 2"], days=(DAY_ONE,))
    built = services.build_instance(programme.event)
    assert _attendee(built, ben)["ranking"] == ["WS 1"]
    assert built.rankings[ben.id] == {AFTERNOON: [s["WS 1"].id]}


def test_build_instance_opt_out_drops_the_slot_and_what_requires_it(programme, person):
    s = programme.s
    cara = person("Cara", s["PS"], s["WS 3"], s["V 2"], skip=(AFTERNOON,))
    built = services.build_instance(programme.event)
    # The game requires Workshop 2 in the skipped afternoon: it goes as well.
    assert _attendee(built, cara)["ranking"] == ["V 2"]


def test_build_instance_weights_municipal_practitioners_when_on(programme, person):
    s = programme.s
    town = person("Town", s["WS 1"], org_type="municipality")
    district = person("District", s["WS 1"], org_type="district")
    federal = person("Federal", s["WS 1"], org_type="federal")
    off = services.build_instance(programme.event)
    assert [_attendee(off, r)["weight"] for r in (town, district, federal)] == [1, 1, 1]
    AllocationSettings.create(event=programme.event, municipal_priority=True, priority_weight=3)
    on = services.build_instance(programme.event)
    assert [_attendee(on, r)["weight"] for r in (town, district, federal)] == [3, 3, 1]
    assert on.input_hash != off.input_hash


def test_build_instance_groups_by_organisation_ignoring_case(programme, person):
    s = programme.s
    one = person("One", s["WS 1"], organisation="Landkreis Harz")
    two = person("Two", s["WS 1"], organisation=" landkreis harz ")
    built = services.build_instance(programme.event)
    assert _attendee(built, one)["group"] == _attendee(built, two)["group"] == "landkreis harz"


def test_build_instance_forbid_removes_the_session_and_what_requires_it(programme, person):
    s = programme.s
    dora = person("Dora", s["PS"], s["WS 2"], s["WS 3"])
    Pin.create(event=programme.event, registration=dora, session=s["WS 2"], kind="forbid")
    built = services.build_instance(programme.event)
    assert _attendee(built, dora)["ranking"] == ["WS 3"]
    assert built.forbidden_pairs() == {(dora.id, s["WS 2"].id)}


def test_build_instance_pins_of_confirmed_registrations_only(programme, person):
    s = programme.s
    emil = person("Emil", s["WS 3"])
    gone = person("Gone", s["WS 3"], state="cancelled")
    Pin.create(event=programme.event, registration=emil, session=s["WS 1"], kind="pin")
    Pin.create(event=programme.event, registration=gone, session=s["WS 1"], kind="pin")
    built = services.build_instance(programme.event)
    assert built.instance["pinned"] == [[f"Erika Emil (Nr. {emil.id})", "WS 1"]]
    assert [a["id"] for a in built.instance["attendees"]] == [f"Erika Emil (Nr. {emil.id})"]


def test_build_instance_takes_confirmed_registrations_only(programme, person):
    s = programme.s
    person("Waiting", s["WS 1"], state="waitlisted")
    person("Pending", s["WS 1"], state="pending")
    keep = person("Keep", s["WS 1"])
    built = services.build_instance(programme.event)
    assert list(built.registrations.values()) == [keep]


def test_build_instance_query_count_is_constant_in_attendees(programme, person, count_queries):
    s = programme.s
    for n in range(3):
        person(f"Few{n}", s["PS"], s["WS 2"], s["V 2"], skip=("2024-11-20-0900",))
    with count_queries() as few:
        small = services.build_instance(programme.event)
    for n in range(30):
        person(f"Many{n}", s["WS 1"], s["WS 3"], s["WS 7"])
    Pin.create(
        event=programme.event,
        registration=list(small.registrations.values())[0],
        session=s["WS 3"],
        kind="forbid",
    )
    with count_queries() as many:
        large = services.build_instance(programme.event)
    assert len(large.instance["attendees"]) == 33
    assert len(few) == len(many) == 6


def test_build_instance_hash_changes_with_a_ranking(programme, person):
    s = programme.s
    person("Fritz", s["WS 1"])
    before = services.build_instance(programme.event).input_hash
    assert services.build_instance(programme.event).input_hash == before
    person("Gerda", s["WS 3"])
    assert services.build_instance(programme.event).input_hash != before
