"""Time `generate scaffold` as a user runs it: a new process each time, medians of repeated runs.

    python bench/scaffold.py [--runs N]

`fastapi-mvc generate scaffold` with six fields (it composes the model generator: two renders,
one transaction) against `generate controller` with five endpoints, alternated in one session
so both see the same machine load; each run on a clean project (destroyed again between runs,
untimed). Medians of wall and CPU time. Target: ratio at most 2. (The served scaffold against a
hand-written FastAPI app: bench/serve_scaffold.py.)

Not a test: it prints the numbers (and whether the target is met) and always exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model import bench  # the same measurement as bench/model.py, of another generator

if __name__ == "__main__":
    bench("scaffold", 2.0, __doc__.splitlines()[0])
