"""How xdist shares the suite between workers: a combination is one unit of work.

Every test of one combination, whatever its module, goes to the same worker, so the combination
is generated and its environment built exactly once (tests/conftest.py's `projects` caches per
worker). Tests without a combination are grouped by module, so a module-scoped fixture (the
template repository of tests/test_update.py, the site of tests/test_docs.py) is built once too.
Units start longest first, so that no long one is left to run alone at the end.

(xdist's own `--dist loadgroup` would group by `xdist_group` marks, but with pytest 9 it groups
nothing: the group suffix it writes to `item._nodeid` is no longer read by pytest.)
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling
from xdist.workermanage import WorkerController

from tests.harness import COMBINATIONS_BY_ID, LAYERS, Combination

# A combination id in a test id's parameters: nodrf-celery-...-docker, maybe with -django6.1.
COMBINATION_ID = re.compile(
    r"\b" + "-".join(f"(?:no)?{layer}" for layer in LAYERS) + r"(?:-django\d+\.\d+)?\b"
)

# Rough seconds of work, used only to order the units (the longest first). A combination's own
# checks and suites grow with its layers; the rest are modules.
COMBINATION_SECONDS = 40.0
LAYER_SECONDS = {"drf": 15.0, "celery": 30.0, "channels": 20.0, "graphql": 10.0, "docker": 25.0}
# Modules whose tests each generate and build projects, measured in a whole run (2026-11-30): a
# long one estimated by its test count alone started last and ran on alone for 80 s.
MODULE_SECONDS = {
    "tests/test_update_history.py": 130.0,  # 175 s with six suite runs, now three
    "tests/test_update.py": 160.0,
    "tests/test_quick_start.py": 75.0,
    "tests/test_update_accounts.py": 50.0,
    "tests/test_questions.py": 50.0,
}
TEST_SECONDS = 1.0


def unit_of(nodeid: str) -> str:
    """The unit a test belongs to: its combination's id, else its module's path."""
    parameters = nodeid.partition("[")[2]
    found = COMBINATION_ID.search(parameters)
    if found and found.group() in COMBINATIONS_BY_ID:
        return found.group()
    return nodeid.split("::", 1)[0]


def estimated_seconds(unit: str, tests: int) -> float:
    combination: Combination | None = COMBINATIONS_BY_ID.get(unit)
    if combination is not None:
        layers = sum(LAYER_SECONDS[layer] for layer, on in combination.layers.items() if on)
        return COMBINATION_SECONDS + layers + TEST_SECONDS * tests
    return MODULE_SECONDS.get(unit, TEST_SECONDS * tests)


def auto_workers(cores: int, redis_databases: int) -> int:
    """How many workers `-n auto` starts: one more than the cores, because a unit leaves its
    core idle for a third of its time or more (a generated suite on PostgreSQL used 38 CPU
    seconds in 63 s: servers, workers and sockets it waits for, processes starting), and no more
    than the Redis databases the run may claim, one per worker."""
    return max(1, min(cores + 1, redis_databases))


class CombinationScheduling(LoadScopeScheduling):
    """LoadScopeScheduling whose scope is the unit above, handed out longest first."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _assign_work_unit(self, node: WorkerController) -> None:
        longest = max(
            self.workqueue, key=lambda unit: estimated_seconds(unit, len(self.workqueue[unit]))
        )
        self.workqueue.move_to_end(longest, last=False)  # the base class takes the first
        super()._assign_work_unit(node)

    def _reschedule(self, node: WorkerController) -> None:
        # The base class hands a worker its next unit while two of its tests are still to run;
        # a worker needs only one in hand (the next item of its last test), so hold back until
        # then: a unit handed out early may leave the other worker idle at the end.
        in_hand = self._pending_of(self.assigned_work[node])
        if not node.shutting_down and self.workqueue and in_hand > 1:
            return
        super()._reschedule(node)
