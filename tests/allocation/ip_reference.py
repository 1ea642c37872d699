"""An independent integer programme for issue 5, written from the issue's wording.

One binary per (attendee, session) and one "left empty" binary per (attendee, wanted slot),
solved by HiGHS through scipy.optimize.milp. It shares no code with portal.allocation.solver
(only the raw JSON instance goes in), so agreement on the optimum is a real check.
"""

from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

EMPTY = 1000


class ReferenceTimeout(Exception):
    """HiGHS did not prove an optimum within the time limit."""


def reference_solve(instance: dict, time_limit: float | None = None, presolve: bool = False):
    """Return (objective, {attendee: set of sessions}) of an optimal allocation."""
    sessions = instance["sessions"]
    slot = {s["id"]: s["slot"] for s in sessions}
    slots = sorted(set(slot.values()))
    in_slot = defaultdict(list)
    for s in sessions:
        in_slot[s["slot"]].append(s["id"])
    requirers = defaultdict(list)
    for x, y in instance.get("requires", []):
        requirers[y].append(x)
    people = instance["attendees"]
    pinned = {tuple(pin) for pin in instance.get("pinned", [])}

    index = {}
    cost = []
    lower, upper = [], []

    def var(key, c, high=1):
        index[key] = len(cost)
        cost.append(c)
        lower.append(0)
        upper.append(high)

    for a in people:
        w = a.get("weight") or 1
        ranked_in = defaultdict(list)
        for sid in a.get("ranking", []):
            ranked_in[slot[sid]].append(sid)
        for s in sessions:
            ranked = ranked_in[s["slot"]]
            r = ranked.index(s["id"]) + 1 if s["id"] in ranked else len(ranked) + 1
            # in an unwanted slot only a required (or pinned) session can be held
            possible = bool(ranked) or bool(requirers[s["id"]]) or (a["id"], s["id"]) in pinned
            var((a["id"], s["id"]), w * r * r, 1 if possible else 0)
        for t in slots:
            if ranked_in[t]:
                var((a["id"], "empty", t), w * EMPTY)

    rows, cols, vals, lo, hi = [], [], [], [], []

    def row(terms, low, high):
        r = len(lo)
        for key, coef in terms:
            rows.append(r)
            cols.append(index[key])
            vals.append(coef)
        lo.append(low)
        hi.append(high)

    for a in people:
        aid = a["id"]
        wanted = {slot[sid] for sid in a.get("ranking", [])}
        for t in slots:
            terms = [((aid, sid), 1) for sid in in_slot[t]]
            if t in wanted:
                # a wanted slot: exactly one session, or it is left empty
                row(terms + [((aid, "empty", t), 1)], 1, 1)
            else:
                row(terms, 0, 1)
                # an unwanted slot: only a session that a held requiring session forces
                for sid in in_slot[t]:
                    if requirers[sid] and (aid, sid) not in pinned:
                        terms = [((aid, sid), 1)] + [((aid, x), -1) for x in requirers[sid]]
                        row(terms, -np.inf, 0)
        for x, y in instance.get("requires", []):
            row([((aid, x), 1), ((aid, y), -1)], -np.inf, 0)
    for aid, sid in instance.get("pinned", []):
        row([((aid, sid), 1)], 1, 1)
    for s in sessions:
        if s.get("capacity") is not None:
            row([((a["id"], s["id"]), 1) for a in people], 0, s["capacity"])

    if not cost:
        return 0, {a["id"]: set() for a in people}
    constraints = []
    if lo:
        matrix = coo_array((vals, (rows, cols)), shape=(len(lo), len(cost))).tocsr()
        constraints = [LinearConstraint(matrix, lo, hi)]
    options = {"mip_rel_gap": 0, "presolve": presolve}
    if time_limit is not None:
        options["time_limit"] = time_limit
    found = milp(
        np.array(cost, dtype=float),
        constraints=constraints,
        integrality=np.ones(len(cost)),
        bounds=Bounds(lower, upper),
        options=options,
    )
    if found.status == 1:
        raise ReferenceTimeout(found.message)
    if found.status != 0:
        raise AssertionError(f"reference IP failed: {found.message}")
    holdings = {a["id"]: set() for a in people}
    for key, i in index.items():
        if len(key) == 2 and found.x[i] > 0.5:
            holdings[key[0]].add(key[1])
    return int(round(found.fun)), holdings
