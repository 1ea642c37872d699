"""Pure ranking rules: moves, validation of a submitted list, and required sessions.

No Flask, no peewee. Items are session ids. A ranking is the favourites of each time slot in
order (`State.slots`) plus the slots where the attendee takes no session (`State.skipped`).

Rules kept here:
- A submitted list names only sessions offered to the attendee in that slot, each once.
- A session that requires another (the simulation game requires Workshop 2, where it is
  evaluated) pulls the required one into the favourites of its slot when it is ranked (at the
  end, unless it is there already). Taking the required one out while the requiring one stays
  ranked is refused, and so is skipping its slot: the attendee removes the game first.
- Skipping a slot empties its favourites; ranking anything in it ends the skip.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

DIRECTIONS = ("up", "down", "add", "remove")


class RankingError(ValueError):
    """A refused ranking; `reason` says why, `item` and `other` name the sessions involved.

    Reasons: unknown, wrong_slot, not_offered, duplicate, direction, not_ranked, required,
    required_not_offered.
    """

    def __init__(self, reason: str, item=None, other=None):
        super().__init__(f"{reason}: {item!r} {other!r}")
        self.reason = reason
        self.item = item
        self.other = other


@dataclass(frozen=True)
class Offer:
    """A breakout session as the ranking sees it."""

    id: int
    slot: str
    requires: int | None = None
    offered: bool = True  # False when it runs on a day the attendee did not register for


@dataclass(frozen=True)
class State:
    """Favourites per slot (only non-empty slots) and the skipped slots."""

    slots: Mapping[str, tuple] = field(default_factory=dict)
    skipped: frozenset = frozenset()

    def ranked(self) -> set:
        return {item for items in self.slots.values() for item in items}

    def favourites(self, slot: str) -> tuple:
        return tuple(self.slots.get(slot, ()))


@dataclass(frozen=True)
class Outcome:
    """The ranking after a change and the required sessions it pulled in: (added, because)."""

    state: State
    added: tuple = ()


def apply_move(order: Iterable[Hashable], code: Hashable, direction: str) -> tuple:
    """Move `code` one place up or down, add it at the end, or remove it.

    Up at the top and down at the bottom change nothing; adding what is there already or
    removing what is not there changes nothing either (a repeated click is harmless).
    """
    order = list(order)
    if direction not in DIRECTIONS:
        raise RankingError("direction", code)
    if direction == "add":
        return tuple(order) if code in order else (*order, code)
    if direction == "remove":
        return tuple(item for item in order if item != code)
    if code not in order:
        raise RankingError("not_ranked", code)
    index = order.index(code)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return tuple(order)


def check_order(items: Iterable, *, slot: str, offers: Mapping[int, Offer]) -> tuple:
    """Validate a submitted list of favourites for `slot`; return it as a tuple.

    Unknown ids (also sessions of another event: they are not among `offers`), sessions of
    another slot, sessions on days the attendee does not attend and duplicates are refused.
    """
    seen = []
    for item in items:
        offer = offers.get(item)
        if offer is None:
            raise RankingError("unknown", item)
        if offer.slot != slot:
            raise RankingError("wrong_slot", item)
        if not offer.offered:
            raise RankingError("not_offered", item)
        if item in seen:
            raise RankingError("duplicate", item)
        seen.append(item)
    return tuple(seen)


def settle(
    previous: State,
    slot: str,
    order: Iterable,
    *,
    offers: Mapping[int, Offer],
    skip: bool | None = None,
) -> Outcome:
    """The ranking after replacing `slot`'s favourites by `order` (validated here).

    `skip=True` skips the slot (and empties it), `skip=False` ends a skip, None leaves the
    skip as it is unless `order` ranks something (which ends it). Then required sessions are
    pulled in or the change is refused (see the module docstring).
    """
    order = () if skip else check_order(order, slot=slot, offers=offers)
    slots = {key: tuple(items) for key, items in previous.slots.items() if key != slot}
    if order:
        slots[slot] = order
    skipped = set(previous.skipped)
    if skip:
        skipped.add(slot)
    elif skip is False or order:
        skipped.discard(slot)

    before = previous.ranked()
    added = []
    changed = True
    while changed:  # until every requirement is met (requirements may chain)
        changed = False
        ranked = {item for items in slots.values() for item in items}
        for item in sorted(ranked):
            required = offers[item].requires if item in offers else None
            if required is None or required in ranked:
                continue
            offer = offers.get(required)
            if offer is None or not offer.offered:
                raise RankingError("required_not_offered", item, required)
            if required in before or offer.slot == slot:
                # The attendee took it out (or skipped its slot) in this very change.
                raise RankingError("required", required, item)
            slots[offer.slot] = (*slots.get(offer.slot, ()), required)
            skipped.discard(offer.slot)
            added.append((required, item))
            changed = True
            break
    return Outcome(State(slots, frozenset(skipped)), tuple(added))


def positions(order: Iterable, item) -> tuple[int, int]:
    """(place, count) of `item` in `order`, places counted from 1; (0, count) when absent."""
    order = tuple(order)
    return (order.index(item) + 1 if item in order else 0, len(order))
