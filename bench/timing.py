"""How one thing is measured: a profile run, then timed runs, each beside its floor (see bench/measure.py).

`timed` runs an action once under a query counter and tracemalloc (the profile run), then times it
within a number of runs and a budget of seconds; writes run inside a transaction rolled back after
each run. `Result` is one line of the table.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Result:
    key: str
    label: str
    runs: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None
    peak_mib: float | None = 0.0
    status: int | None = None
    floor_label: str = ""
    floor_median_ms: float | None = None
    floor_queries: int | None = None
    floor_peak_mib: float | None = None
    # Exports only: openpyxl writing the same cells with their styles, merges and page setup.
    styled_floor_median_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_median_ms if self.floor_median_ms else None

    @property
    def styled_ratio(self) -> float | None:
        return self.median_ms / self.styled_floor_median_ms if self.styled_floor_median_ms else None


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def _profiled():
    """Counts queries and traces the peak of Python allocations; yields a dict filled on exit."""
    from django.db import connection

    counter, found = _Counter(), {}
    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            yield found
    finally:
        found["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        found["queries"] = counter.count


@contextmanager
def _rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Timing:
    runs: int
    median_ms: float
    p95_ms: float
    queries: int
    peak_mib: float | None
    last: object = None
    # How to run the measured thing once more: a floor is run again beside what it is a floor of.
    action: Callable[[], object] | None = field(default=None, repr=False)
    # The floor's own times, taken alternately with these (see `timed`).
    beside: Timing | None = None


def timed(
    action: Callable[[], object],
    *,
    reps: int,
    budget: float,
    writes: bool = False,
    traced: bool = True,
    beside: Timing | None = None,
) -> Timing:
    """One profile run, then timed runs within `reps` and `budget` seconds (at least one).

    Without `traced` (for runs of a minute, which tracemalloc would make several times longer)
    there is no profile run: the queries are counted in the first timed run, the memory is not measured.

    With `beside` (a floor), the floor runs once after each timed run, and its times are kept in the
    result's `beside`: a ratio of two medians taken alternately holds when the machine's speed drifts
    during the run, as it does on shared virtual machines, where a floor timed once at the start does not.
    """

    def once():
        if writes:
            with _rolled_back():
                return action()
        return action()

    if traced:
        with _profiled() as profile:
            last = once()
        queries, peak = profile["queries"], profile["peak_mib"]
    times, spent, floor_times = [], 0.0, []
    while len(times) < reps and (not times or spent < budget):
        counter = _Counter()
        if not traced and not times:
            from django.db import connection

            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                last = once()
            elapsed = time.perf_counter() - started
            queries, peak = counter.count, None
        else:
            started = time.perf_counter()
            last = once()
            elapsed = time.perf_counter() - started
        times.append(elapsed * 1000)
        spent += elapsed
        if beside is not None:
            started = time.perf_counter()
            beside.action()
            floor_times.append((time.perf_counter() - started) * 1000)
    return Timing(
        runs=len(times),
        median_ms=statistics.median(times),
        p95_ms=_percentile(times, 0.95),
        queries=queries,
        peak_mib=peak,
        last=last,
        action=action,
        beside=None
        if beside is None
        else Timing(
            runs=len(floor_times),
            median_ms=statistics.median(floor_times),
            p95_ms=_percentile(floor_times, 0.95),
            queries=beside.queries,
            peak_mib=beside.peak_mib,
        ),
    )
