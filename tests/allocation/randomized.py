"""Seeded random allocation instances for the tests (small enough for the reference IP)."""

import random

from portal.allocation.validate import InstanceError, validate

GROUPS = [None, None, "Stadt Halle", "Landkreis Harz", "Stadt Magdeburg"]


def _valid(instance: dict) -> bool:
    try:
        validate(instance)
    except InstanceError:
        return False
    return True


def random_instance(
    seed: int,
    *,
    people: tuple[int, int] = (0, 12),
    slots: tuple[int, int] = (1, 4),
    per_slot: tuple[int, int] = (1, 4),
    pairs: tuple[int, ...] = (0, 1, 1, 2, 3),
    pins: int = 2,
) -> dict:
    """A valid instance: random capacities (some unlimited), requires, rankings, pins."""
    rng = random.Random(seed)
    sessions = []
    for t in range(rng.randint(*slots)):
        for j in range(rng.randint(*per_slot)):
            session = {
                "id": f"s{t}{j}",
                "slot": f"t{t}",
                "capacity": rng.choice([None, 0, 1, 2, 2, 3, 4]),
            }
            if rng.random() < 0.3:
                session["table_size"] = rng.randint(1, 4)
            sessions.append(session)
    instance = {"sessions": sessions, "requires": [], "attendees": [], "pinned": []}
    for _ in range(rng.choice(pairs)):
        x, y = rng.sample(sessions, 2) if len(sessions) > 1 else (None, None)
        if x is None or x["slot"] == y["slot"]:
            continue
        instance["requires"].append([x["id"], y["id"]])
        if not _valid(instance):
            instance["requires"].pop()
    for i in range(rng.randint(*people)):
        ranking = [s["id"] for s in sessions if rng.random() < 0.5]
        rng.shuffle(ranking)
        attendee = {"id": f"a{i:02d}", "ranking": ranking}
        if rng.random() < 0.4:
            attendee["weight"] = rng.randint(1, 3)
        group = rng.choice(GROUPS)
        if group:
            attendee["group"] = group
        instance["attendees"].append(attendee)
    for _ in range(pins):
        if not instance["attendees"] or rng.random() < 0.4:
            continue
        pin = [rng.choice(instance["attendees"])["id"], rng.choice(sessions)["id"]]
        instance["pinned"].append(pin)
        if not _valid(instance):
            instance["pinned"].pop()
    return instance
