"""Benchmark of the session allocation (issue 5): `python bench/allocation.py [--full]`.

Synthetic, seeded instances shaped like the Kommunaltagung: 16 sessions in 4 slots, the game
(tables of 10) requiring Workshop 2, rankings of 2-6 sessions per wanted slot drawn with skewed
popularity (Plackett-Luce), capacities about 1.1 times demand, 10 % of attendees with weight 2,
municipal groups, a few pins. Two shapes: "alone" (the game alone in its morning slot, as in the
real programme) and "with3" (the game beside three other sessions). Each case runs in a fresh
process and reports the solve time (validate + allocate + result), peak memory, objective, the
method per component, and whether the independent integer programme (tests/allocation/
ip_reference.py, HiGHS) finds the same optimum. The IP is skipped at 50,000 unless --full
(it takes about four minutes there). Two extra rows solve the with3 instances with the
integer-programme fallback forced, to show what the flow structure saves. Exits 1 when a
check disagrees. Figures: bench/README.md.
"""

import argparse
import gc
import os
import platform
import resource
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from time import perf_counter, process_time

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.allocation.solver import allocate, result_of  # noqa: E402
from portal.allocation.validate import validate  # noqa: E402

SHAPES = {
    "alone": {
        "d1-am": ["game"],
        "d1-pm": ["ws1", "ws2", "ws3", "ws4", "ws5", "ws6", "talk1"],
        "d2-am": ["ws7", "ws8", "ws9", "talk2"],
        "d2-pm": ["talk3", "talk4", "ws10", "ws11"],
    },
    "with3": {
        "d1-am": ["game", "talk1", "ws10", "ws11"],
        "d1-pm": ["ws1", "ws2", "ws3", "ws4", "ws5", "ws6"],
        "d2-am": ["ws7", "ws8", "ws9"],
        "d2-pm": ["talk2", "talk3", "talk4"],
    },
}
WANTS = {"d1-am": 0.6, "d1-pm": 0.9, "d2-am": 0.85, "d2-pm": 0.8}
SIZES = (500, 5_000, 50_000)
REFERENCE_LIMIT = {500: 120, 5_000: 300, 50_000: 900}


def generate(n: int, shape: str, seed: int = 2024) -> dict:
    """A seeded synthetic instance of n attendees in the given shape."""
    rng = np.random.default_rng([seed, n, list(SHAPES).index(shape)])
    slots = SHAPES[shape]
    rankings = [[] for _ in range(n)]
    wanting, first = {}, {}
    for slot, sessions in slots.items():
        m = len(sessions)
        popularity = 1.0 / (1 + rng.permutation(m)) ** 1.2
        if "game" in sessions:
            popularity[sessions.index("game")] = popularity.max() * 1.5
        wants = rng.random(n) < WANTS[slot]
        lengths = np.minimum(rng.integers(2, 7, size=n), m)
        order = np.argsort(-(np.log(popularity) + rng.gumbel(size=(n, m))), axis=1)
        for i in np.flatnonzero(wants):
            rankings[i] += [sessions[j] for j in order[i, : lengths[i]]]
        wanting[slot] = int(wants.sum())
        first[slot] = np.bincount(order[wants, 0], minlength=m) / max(wanting[slot], 1)
    capacity = {}
    for slot, sessions in slots.items():
        share = 0.5 * first[slot] + 0.5 / len(sessions)
        for j, sid in enumerate(sessions):
            capacity[sid] = round(1.1 * wanting[slot] * share[j])
    game_takers = min(capacity["game"], round(wanting["d1-am"] * first["d1-am"][0]))
    capacity["ws2"] += round(1.1 * game_takers)
    groups = [f"Kommune {g:04d}" for g in range(max(1, n // 4))]
    attendees = []
    for i, ranking in enumerate(rankings):
        shuffled = [ranking[j] for j in rng.permutation(len(ranking))]
        attendee = {"id": f"p{i:05d}", "ranking": shuffled}
        if rng.random() < 0.1:
            attendee["weight"] = 2
        if rng.random() < 0.7:
            attendee["group"] = groups[int(rng.zipf(1.6)) % len(groups)]
        attendees.append(attendee)
    slot_of = {sid: slot for slot, sessions in slots.items() for sid in sessions}
    pinned, taken = [], {sid: 0 for sid in slot_of}
    for i in rng.choice(n, size=max(1, n // 500), replace=False):
        sid = "ws2" if i % 3 == 0 else str(rng.choice(list(slot_of)))
        bundle = [sid, "ws2"] if sid == "game" else [sid]
        if all(taken[s] < capacity[s] for s in bundle):
            pinned.append([attendees[i]["id"], sid])
            for s in bundle:
                taken[s] += 1
    sessions = [
        {"id": sid, "slot": slot, "capacity": capacity[sid]}
        | ({"table_size": 10} if sid == "game" else {})
        for slot, sids in slots.items()
        for sid in sids
    ]
    return {
        "sessions": sessions,
        "requires": [["game", "ws2"]],
        "attendees": attendees,
        "pinned": pinned,
    }


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_case(shape: str, n: int, method: str, reference: bool) -> dict:
    """Solve one case in this (fresh) process and measure it."""
    instance = generate(n, shape)
    gc.collect()
    before = _rss_mb()
    started, cpu = perf_counter(), process_time()
    validated = validate(instance)
    allocation = allocate(validated, method=method)
    result = result_of(validated, allocation)
    seconds, cpu = perf_counter() - started, process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {
        "shape": shape if method == "auto" else f"{shape} (mip)",
        "n": n,
        "methods": " ".join(f"{'+'.join(c.slots)}:{c.method}" for c in allocation.components),
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak,
        "delta": peak - before,
        "objective": result["objective"],
        "unassigned": result["rank_counts"]["unassigned"],
        "reference": "skipped",
    }
    if reference:
        from tests.allocation.ip_reference import ReferenceTimeout, reference_solve

        started = perf_counter()
        try:
            objective, _ = reference_solve(instance, time_limit=REFERENCE_LIMIT[n])
        except ReferenceTimeout:
            row["reference"] = f"timeout ({REFERENCE_LIMIT[n]} s)"
        else:
            verdict = "agrees" if objective == result["objective"] else f"DIFFERS ({objective})"
            row["reference"] = f"{verdict} ({perf_counter() - started:.1f} s)"
    return row


def main() -> int:
    """Run every case, each in a fresh process, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the reference IP at 50,000 too")
    args = parser.parse_args()
    import ortools

    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    print(
        f"Allocation benchmark: Python {platform.python_version()}, OR-Tools {ortools.__version__},"
        f" {len(os.sched_getaffinity(0))} cores, load average {load}"
    )
    cases = [(shape, n, "auto", n < 50_000 or args.full) for shape in SHAPES for n in SIZES]
    cases += [("with3", n, "mip", False) for n in SIZES[:2]]
    header = (
        f"{'shape':<12}{'n':>7}  {'wall s':>7}{'cpu s':>7}{'peak MB':>9}{'+MB':>7}{'objective':>12}"
        f"{'empty':>7}  {'reference IP':<22}methods"
    )
    print(header)
    print("-" * len(header))
    failed = False
    context = get_context("spawn")
    for shape, n, method, reference in cases:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            row = pool.submit(run_case, shape, n, method, reference).result()
        failed |= row["reference"].startswith("DIFFERS")
        print(
            f"{row['shape']:<12}{row['n']:>7}  {row['seconds']:>7.2f}{row['cpu']:>7.2f}"
            f"{row['peak']:>9.0f}"
            f"{row['delta']:>7.0f}{row['objective']:>12}{row['unassigned']:>7}  "
            f"{row['reference']:<22}{row['methods']}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
