"""Optimal allocation of attendees to sessions (issue 5): pure, no Flask, no peewee.

`solve(raw)` validates a JSON-shaped instance and returns the result dict of the issue;
`allocate(instance)` returns an `Allocation` with the per-component methods and timings.

Rules (issue 5) and how this module reads them. A slot is *wanted* by an attendee whose
ranking names a session of it; k is the number of sessions ranked in that slot; w the weight.
- Per slot an attendee holds at most one session. In a wanted slot any session may be given:
  the one ranked r-th in that slot costs w·r², an unranked one w·(k+1)². A wanted slot left
  empty costs w·1000 (`UNASSIGNED_COST`); with 1000 > (k+1)² for k <= 30 a seat always beats
  no seat, so a wanted slot stays empty only when no seat can be had.
- In an unwanted slot the attendee holds nothing, unless a held session requires one there:
  that forced session costs w·(0+1)² = w. A required session in a wanted slot simply is the
  attendee's session there, costed by its rank (or as unranked).
- `requires [x, y]` is hard: x is only given together with y (and y's own requirements), so
  when y has no seat left, x is out of reach. The validator rejects cycles and sessions whose
  requirements would put two sessions into one slot.
- Pins (with their required sessions) are fixed first, count against capacity and are costed
  like any other holding (by rank in a wanted slot, w in an unwanted one).
- `rank_counts` counts each (attendee, wanted slot): "1", "2", ... the rank held, "unranked"
  an unranked session, "unassigned" an empty slot. Sessions forced into unwanted slots are not
  counted. Rank keys run from "1" to the longest per-slot ranking, zeros included.
- `assignments` lists every attendee (possibly with []), sessions in slot order (slots in order
  of first appearance in `sessions`); `unassigned` maps attendees to their empty wanted slots.
- Tables: a session with `table_size` t and n attendees gets T = ceil(n/t) tables whose sizes
  differ by at most one; members are dealt round-robin in the order (group size descending,
  group, id), so a group of g has at most ceil(g/T) members at any table. No group = own group.

Method. Slots linked by `requires` form components; the objective separates over them.
- A slot without requires ("flow"): min-cost flow over attendee types (same in-slot ranking,
  weight) -> sessions -> sink, with an "empty" arc of cost w·1000. Integral, hence exact.
- Two slots A, B joined by one pair x -> y ("paired-flow", e.g. the game and Workshop 2):
  A-types are sources, B-types are sinks; A-types send to A's other sessions or "empty" into
  a node T, B-types receive from B's sessions or "empty" out of a node S. Taking x is an arc
  from an A-type straight to a B-type per joint type (capacity: its number of attendees),
  which covers both of the attendee's slots at once. T must absorb exactly the A-supply and
  S emits exactly the B-demand, so the only arc y -> T (capacity: seats of x) carries exactly
  one unit per x-taker, and that unit passes y's seat capacity. Hence one y seat and one x seat
  per taker, and every integral flow is an allocation and back: exact. (An integer programme of
  the same component takes 8-13 s at 50,000 attendees; the flow takes 0.03 s plus building.)
  Attendees pinned to y keep a B-unit whose only option is y, so they can still take x.
- Anything else ("mip": chains, several pairs in one component): an integer programme over
  aggregated types, solved to proven optimality by OR-Tools CP-SAT (one worker, fixed seed:
  deterministic). Per joint type it chooses "patterns" (closed sets of sessions holding at
  least one requiring session); the free choices per slot are aggregated like the flows. Exact,
  but seconds rather than milliseconds (bench/README.md).
Every allocation is checked against `validate.violations` and its objective recomputed from
the rules before it is returned; a mismatch raises `SolverError`.
Determinism: everything is built in sorted order; identical attendees (same type) are served
in the order of a keyed hash of their id, so no id gets the better seats by sorting first.
"""

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from time import perf_counter
from types import MappingProxyType

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from portal.allocation.validate import Instance, validate, violations

UNASSIGNED_COST = 1000
METHODS = ("auto", "mip")


class SolverError(RuntimeError):
    """The solver could not prove an optimum (a time limit) or found an internal fault."""


@dataclass(frozen=True)
class Component:
    """How one group of linked slots was solved."""

    slots: tuple[str, ...]
    method: str
    seconds: float
    size: int


@dataclass(frozen=True)
class Allocation:
    """An optimal allocation: attendee -> sessions (slot order), objective, components."""

    holdings: Mapping[str, tuple[str, ...]]
    objective: int
    components: tuple[Component, ...]


def session_cost(weight: int, ranked: Sequence[str], sid: str) -> int:
    """Cost of holding sid in a slot where the attendee ranked `ranked` (in order)."""
    rank = ranked.index(sid) + 1 if sid in ranked else len(ranked) + 1
    return weight * rank * rank


def empty_cost(weight: int, ranked: Sequence[str]) -> int:
    """Cost of holding nothing in a slot where the attendee ranked `ranked`."""
    return weight * UNASSIGNED_COST if ranked else 0


def _order_key(aid: str) -> tuple[bytes, str]:
    return hashlib.blake2b(aid.encode(), digest_size=8, key=b"allocation").digest(), aid


class _Person:
    __slots__ = ("id", "weight", "ranked", "fixed", "order")

    def __init__(self, attendee, inst: Instance):
        self.id = attendee.id
        self.weight = attendee.weight
        self.ranked = inst.ranked[attendee.id]
        self.fixed = {inst.session[sid].slot: sid for sid in inst.fixed.get(attendee.id, ())}
        self.order = _order_key(attendee.id)


class _Network:
    """A min-cost flow network, solved by OR-Tools (exact, integral, deterministic)."""

    def __init__(self):
        self.supply: list[int] = []
        self.arcs: list[tuple[int, int, int, int]] = []

    def node(self, supply: int = 0) -> int:
        self.supply.append(supply)
        return len(self.supply) - 1

    def arc(self, tail: int, head: int, capacity: int, cost: int = 0) -> int:
        self.arcs.append((tail, head, capacity, cost))
        return len(self.arcs) - 1

    def solve(self) -> tuple[list[int], int]:
        if not self.arcs:
            return [], 0
        table = np.array(self.arcs, dtype=np.int64)
        flow = SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            table[:, 0].astype(np.int32),
            table[:, 1].astype(np.int32),
            np.ascontiguousarray(table[:, 2]),
            np.ascontiguousarray(table[:, 3]),
        )
        flow.set_nodes_supplies(
            np.arange(len(self.supply), dtype=np.int32), np.array(self.supply, dtype=np.int64)
        )
        status = flow.solve()
        if status != SimpleMinCostFlow.OPTIMAL:
            raise SolverError(f"Min-cost flow ended with status {status}.")
        flows = flow.flows(np.arange(len(self.arcs), dtype=np.int32))
        return [int(f) for f in flows], int(flow.optimal_cost())


def _deal(members: list[_Person], options: list[tuple[int, str | None, int]], choice, slot):
    """Give members (hash order) the options (cost, session, count), cheapest first."""
    start = 0
    for _, sid, count in sorted(options, key=lambda o: (o[0], o[1] is None, o[1] or "")):
        for person in members[start : start + count]:
            choice[person.id, slot] = sid
        start += count
    if start != len(members):
        raise SolverError(f"Internal fault: {start} options for {len(members)} attendees.")


class _Problem:
    """Shared data of one allocation run."""

    def __init__(self, inst: Instance):
        self.inst = inst
        # identical attendees are served in this (hash) order; see the module docstring
        self.people = sorted((_Person(a, inst) for a in inst.attendees), key=lambda p: p.order)
        self.by_slot = defaultdict(list)
        for s in inst.sessions:
            self.by_slot[s.slot].append(s.id)
        self.by_slot = {slot: sorted(sids) for slot, sids in self.by_slot.items()}
        unlimited = len(self.people) + 1
        held = Counter(sid for sids in inst.fixed.values() for sid in sids)
        self.rem = {
            s.id: (unlimited if s.capacity is None else s.capacity) - held[s.id]
            for s in inst.sessions
        }
        self.choice: dict[tuple[str, str], str | None] = {}

    def components(self) -> list[tuple[tuple[str, ...], list[tuple[str, str]]]]:
        slot_of = {sid: s.slot for sid, s in self.inst.session.items()}
        parent = {slot: slot for slot in self.inst.slots}

        def root(slot):
            while parent[slot] != slot:
                parent[slot] = parent[parent[slot]]
                slot = parent[slot]
            return slot

        for x, y in self.inst.requires:
            parent[root(slot_of[x])] = root(slot_of[y])
        groups = defaultdict(list)
        for slot in self.inst.slots:
            groups[root(slot)].append(slot)
        result = []
        for slots in sorted(groups.values(), key=lambda g: self.inst.slots.index(g[0])):
            pairs = [p for p in self.inst.requires if slot_of[p[0]] in slots]
            result.append((tuple(slots), pairs))
        return result

    # -- one slot ------------------------------------------------------------------------

    def solve_slot(self, slot: str) -> tuple[int, int]:
        units = defaultdict(list)
        for person in self.people:
            if slot in person.ranked and slot not in person.fixed:
                units[person.weight, person.ranked[slot]].append(person)
        net = _Network()
        total = sum(len(m) for m in units.values())
        sink = net.node(-total)
        node = {sid: net.node() for sid in self.by_slot[slot]}
        for sid, n in node.items():
            net.arc(n, sink, self.rem[sid])
        plan = []
        for (weight, ranked), members in sorted(units.items()):
            u = net.node(len(members))
            arcs = [
                (net.arc(u, node[sid], len(members), session_cost(weight, ranked, sid)), sid)
                for sid in self.by_slot[slot]
            ]
            arcs.append((net.arc(u, sink, len(members), empty_cost(weight, ranked)), None))
            plan.append((members, arcs))
        flows, objective = net.solve()
        for members, arcs in plan:
            options = [(net.arcs[i][3], sid, flows[i]) for i, sid in arcs]
            _deal(members, options, self.choice, slot)
        return objective, len(net.arcs)

    # -- two slots, one pair x -> y ------------------------------------------------------

    def solve_pair(self, x: str, y: str) -> tuple[int, int]:
        a_slot, b_slot = self.inst.session[x].slot, self.inst.session[y].slot
        rem = dict(self.rem)
        a_units, b_units, joint = defaultdict(list), defaultdict(list), defaultdict(list)
        for person in self.people:
            fa, fb = person.fixed.get(a_slot), person.fixed.get(b_slot)
            ra, rb = person.ranked.get(a_slot, ()), person.ranked.get(b_slot, ())
            a_key = (person.weight, ra) if ra and fa is None else None
            b_key = None
            if rb and fb is None:
                b_key = (person.weight, rb, False)
            elif fb == y and a_key is not None:
                b_key = (person.weight, rb, True)  # pinned to y, but x is still open
                rem[y] += 1
            if a_key is not None:
                a_units[a_key].append(person)
                if fb is None or fb == y:
                    joint[a_key, b_key].append(person)
            if b_key is not None:
                b_units[b_key].append(person)
        net = _Network()
        n_a = sum(len(m) for m in a_units.values())
        n_b = sum(len(m) for m in b_units.values())
        sink_a, source_b = net.node(-n_a), net.node(n_b)
        a_node = {sid: net.node() for sid in self.by_slot[a_slot] if sid != x}
        b_node = {sid: net.node() for sid in self.by_slot[b_slot]}
        for sid, n in a_node.items():
            net.arc(n, sink_a, rem[sid])
        for sid, n in b_node.items():
            net.arc(source_b, n, rem[sid])
        net.arc(b_node[y], sink_a, rem[x])  # one unit per x-taker, through a seat of y
        a_plan, b_plan, joint_plan, u_node = [], [], [], {}
        for (weight, ranked), members in sorted(a_units.items()):
            u = u_node["a", weight, ranked] = net.node(len(members))
            arcs = [
                (net.arc(u, n, len(members), session_cost(weight, ranked, sid)), sid)
                for sid, n in a_node.items()
            ]
            arcs.append((net.arc(u, sink_a, len(members), empty_cost(weight, ranked)), None))
            a_plan.append((a_slot, members, arcs))
        for (weight, ranked, pinned), members in sorted(b_units.items()):
            u = u_node["b", weight, ranked, pinned] = net.node(-len(members))
            if pinned:
                arcs = [(net.arc(b_node[y], u, len(members), 0), y)]
            else:
                arcs = [
                    (net.arc(n, u, len(members), session_cost(weight, ranked, sid)), sid)
                    for sid, n in b_node.items()
                ]
                arcs.append((net.arc(source_b, u, len(members), empty_cost(weight, ranked)), None))
            b_plan.append((b_slot, members, arcs))
        for (a_key, b_key), members in sorted(joint.items(), key=lambda kv: _none_first(kv[0])):
            weight, ranked = a_key
            cost = session_cost(weight, ranked, x)
            if b_key is None:
                head = source_b
                cost += session_cost(weight, (), y)
            else:
                head = u_node["b", *b_key]
                cost += 0 if b_key[2] else session_cost(weight, b_key[1], y)
            joint_plan.append((members, net.arc(u_node["a", *a_key], head, len(members), cost)))
        flows, objective = net.solve()
        taken = set()
        for members, i in joint_plan:
            for person in members[: flows[i]]:
                self.choice[person.id, a_slot] = x
                self.choice[person.id, b_slot] = y
                taken.add(person.id)
        for slot, members, arcs in a_plan + b_plan:
            rest = [p for p in members if p.id not in taken]
            options = [(net.arcs[i][3], sid, flows[i]) for i, sid in arcs]
            _deal(rest, options, self.choice, slot)
        return objective, len(net.arcs)

    # -- anything else: an integer programme ---------------------------------------------

    def _patterns(self, person: _Person, slots, requiring, free) -> tuple:
        forces, session = self.inst.forces, self.inst.session
        fixed = {person.fixed[s] for s in slots if s in person.fixed}
        roots = defaultdict(list)
        for sid in requiring:
            if sid not in fixed and session[sid].slot not in person.fixed:
                roots[session[sid].slot].append(sid)
        found = {}
        for pick in product(*([None, *sids] for _, sids in sorted(roots.items()))):
            chosen = [sid for sid in pick if sid is not None]
            if not chosen:
                continue
            held = set(fixed).union(*({sid} | forces[sid] for sid in chosen))
            if len({session[sid].slot for sid in held}) != len(held):
                continue
            pattern = frozenset(held - fixed)
            if pattern in found:
                continue
            if any(
                session[sid].slot not in person.ranked
                and not any(sid in forces[other] for other in held)
                for sid in pattern
            ):
                continue
            cost = sum(
                session_cost(person.weight, person.ranked.get(session[sid].slot, ()), sid)
                for sid in pattern
            )
            covers = tuple(s for s in free if any(session[sid].slot == s for sid in pattern))
            found[pattern] = (cost, tuple(sorted(pattern)), covers)
        return tuple(sorted(found.values()))

    def solve_mip(self, slots: tuple[str, ...], time_limit: float | None) -> tuple[int, int]:
        from ortools.sat.python import cp_model  # slow to import, and rarely needed

        requiring = sorted(x for x, _ in self.inst.requires if self.inst.session[x].slot in slots)
        units, joint, cache = defaultdict(list), defaultdict(list), {}
        for person in self.people:
            free = tuple(s for s in slots if s in person.ranked and s not in person.fixed)
            unit_keys = tuple((s, person.weight, person.ranked[s]) for s in free)
            for key in unit_keys:
                units[key].append(person)
            signature = (
                person.weight,
                tuple(person.ranked.get(s, ()) for s in slots),
                tuple(person.fixed.get(s) for s in slots),
            )
            if signature not in cache:
                cache[signature] = self._patterns(person, slots, requiring, free)
            if cache[signature]:
                joint[unit_keys, cache[signature]].append(person)
        model = cp_model.CpModel()
        seats = defaultdict(list)  # session -> variables using one of its seats
        rows = defaultdict(list)  # unit key -> variables covering it
        terms = []
        unit_plan, joint_plan = [], []
        requiring_set = set(requiring)
        for key, members in sorted(units.items()):
            slot, weight, ranked = key
            options = []
            for sid in [*self.by_slot[slot], None]:
                if sid in requiring_set:
                    continue
                cost = session_cost(weight, ranked, sid) if sid else empty_cost(weight, ranked)
                var = model.new_int_var(0, len(members), "")
                rows[key].append(var)
                terms.append((var, cost))
                if sid:
                    seats[sid].append(var)
                options.append((cost, sid, var))
            unit_plan.append((key, members, options))
        for (unit_keys, patterns), members in sorted(joint.items(), key=lambda kv: kv[0]):
            free = {key[0]: key for key in unit_keys}
            chosen = []
            for cost, pattern, covers in patterns:
                var = model.new_int_var(0, len(members), "")
                terms.append((var, cost))
                for sid in pattern:
                    seats[sid].append(var)
                for slot in covers:
                    rows[free[slot]].append(var)
                chosen.append((pattern, covers, var))
            if len(chosen) > 1:
                model.add(sum(var for _, _, var in chosen) <= len(members))
            joint_plan.append((members, chosen))
        for key, members in sorted(units.items()):
            model.add(cp_model.LinearExpr.sum(rows[key]) == len(members))
        for sid, variables in sorted(seats.items()):
            model.add(cp_model.LinearExpr.sum(variables) <= self.rem[sid])
        model.minimize(
            cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 20241119
        if time_limit is not None:
            solver.parameters.max_time_in_seconds = time_limit
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            raise SolverError(
                f"Kein bewiesenes Optimum für {', '.join(slots)} ({solver.status_name(status)})."
            )
        covered = set()
        for members, chosen in joint_plan:
            start = 0
            for pattern, covers, var in chosen:
                count = solver.value(var)
                for person in members[start : start + count]:
                    for sid in pattern:
                        self.choice[person.id, self.inst.session[sid].slot] = sid
                    covered.update((person.id, slot) for slot in covers)
                start += count
        for (slot, _, _), members, options in unit_plan:
            rest = [p for p in members if (p.id, slot) not in covered]
            _deal(rest, [(c, sid, solver.value(v)) for c, sid, v in options], self.choice, slot)
        return int(round(solver.objective_value)), len(terms)


def _none_first(key: tuple) -> tuple:
    return tuple((item is not None, item or ()) for item in key)


def objective_of(instance: Instance, holdings: Mapping[str, Iterable[str]]) -> int:
    """The total cost of an allocation, computed straight from the rules."""
    session = instance.session
    total = 0
    for attendee in instance.attendees:
        ranked = instance.ranked[attendee.id]
        held = {session[sid].slot: sid for sid in holdings.get(attendee.id, ())}
        for slot in ranked.keys() - held.keys():
            total += empty_cost(attendee.weight, ranked[slot])
        for slot, sid in held.items():
            total += session_cost(attendee.weight, ranked.get(slot, ()), sid)
    return total


def allocate(raw, *, method: str = "auto", time_limit: float | None = None) -> Allocation:
    """Find an optimal allocation; method "mip" forces the integer programme everywhere.

    `time_limit` (seconds) bounds each integer programme; without a proven optimum by then
    `SolverError` is raised, never a merely good allocation.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    inst = validate(raw)
    problem = _Problem(inst)
    reports = []
    total = sum(
        session_cost(p.weight, p.ranked.get(slot, ()), sid)
        for p in problem.people
        for slot, sid in p.fixed.items()
    )
    for slots, pairs in problem.components():
        started = perf_counter()
        if method == "auto" and len(slots) == 1:
            kind, (cost, size) = "flow", problem.solve_slot(slots[0])
        elif method == "auto" and len(slots) == 2 and len(pairs) == 1:
            kind, (cost, size) = "paired-flow", problem.solve_pair(*pairs[0])
        else:
            kind, (cost, size) = "mip", problem.solve_mip(slots, time_limit)
        total += cost
        reports.append(Component(slots, kind, perf_counter() - started, size))
    position = {slot: i for i, slot in enumerate(inst.slots)}
    holdings = {}
    for person in sorted(problem.people, key=lambda p: p.id):
        held = dict(person.fixed)
        for slot in inst.slots:
            sid = problem.choice.get((person.id, slot))
            if sid is not None:
                held[slot] = sid
        holdings[person.id] = tuple(held[s] for s in sorted(held, key=position.__getitem__))
    broken = violations(inst, holdings)
    if broken:
        raise SolverError("Internal fault, rules broken: " + "; ".join(broken[:5]))
    objective = objective_of(inst, holdings)
    if objective != total:
        raise SolverError(f"Internal fault: objective {objective}, solvers said {total}.")
    return Allocation(MappingProxyType(holdings), objective, tuple(reports))


def split_tables(
    members: Iterable[str], table_size: int, group_of: Mapping[str, str | None]
) -> list[list[str]]:
    """Fewest tables of at most table_size, sizes within one, each group spread evenly."""
    members = sorted(members)
    if not members:
        return []
    count = math.ceil(len(members) / table_size)
    size = Counter(group_of.get(aid) for aid in members)

    def key(aid):
        group = group_of.get(aid)
        return (-size[group] if group is not None else -1, group is None, group or "", aid)

    tables = [[] for _ in range(count)]
    for i, aid in enumerate(sorted(members, key=key)):
        tables[i % count].append(aid)
    return [sorted(table) for table in tables]


def result_of(instance: Instance, allocation: Allocation) -> dict:
    """The result dict of issue 5 for an allocation."""
    session = instance.session
    holdings = allocation.holdings
    unassigned, ranks, longest = {}, Counter(), 0
    holders = defaultdict(list)
    for attendee in instance.attendees:
        wanted = instance.ranked[attendee.id]
        held = {session[sid].slot: sid for sid in holdings[attendee.id]}
        for sid in holdings[attendee.id]:
            holders[sid].append(attendee.id)
        empty = []
        for slot in instance.slots:
            ranked = wanted.get(slot)
            if not ranked:
                continue
            longest = max(longest, len(ranked))
            sid = held.get(slot)
            if sid is None:
                empty.append(slot)
                ranks["unassigned"] += 1
            else:
                ranks[str(ranked.index(sid) + 1) if sid in ranked else "unranked"] += 1
        if empty:
            unassigned[attendee.id] = empty
    group_of = {a.id: a.group for a in instance.attendees}
    return {
        "assignments": {aid: list(sids) for aid, sids in holdings.items()},
        "unassigned": unassigned,
        "tables": {
            s.id: split_tables(holders[s.id], s.table_size, group_of)
            for s in sorted(instance.sessions, key=lambda s: s.id)
            if s.table_size is not None
        },
        "objective": allocation.objective,
        "rank_counts": {
            **{str(r): ranks[str(r)] for r in range(1, longest + 1)},
            "unranked": ranks["unranked"],
            "unassigned": ranks["unassigned"],
        },
    }


def solve(raw) -> dict:
    """Validate an instance, allocate optimally and return the result dict of issue 5."""
    instance = validate(raw)
    return result_of(instance, allocate(instance))
