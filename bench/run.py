"""django-pro benchmarks: `uv run python bench/run.py --help`. The parts live next to this file
(bench/cli.py first); bench/README.md says what each number means."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: bench, tests

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
