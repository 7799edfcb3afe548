"""bench/results/: results.json (every number), results.md (the tables), results.png (the plot)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import suite_time
from bench.report_load import load_section, plot


def write_report(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    meta = results["meta"]
    lines = [
        "# django-pro benchmark results",
        "",
        f"Measured {meta['measured_at']} on {meta['machine']} (commit {meta['commit']}), by "
        "`uv run python bench/run.py`; 1-minute load average "
        f"{meta['load_average_at_start']:.1f} at the start and {meta['load_average_at_end']:.1f} "
        "at the end (other work shared the cores: compare ratios, not absolute numbers). "
        "Read bench/README.md for what each number means.",
        "",
    ]
    template = results.get("template")
    if template:
        measured = template.get("measured")
        when = (
            f"Measured {measured['at']} at commit {measured['commit']}."
            if measured
            else "Measured by an earlier run than the one above, which kept no date for it."
        )
        lines += ["## Template", "", when, "", "| measurement | median | runs |", "|---|---|---|"]
        for name, value in template.items():
            if name in ("matrix", "measured"):
                continue  # the matrix: measured by bench/suite_time.py now, reported below
            runs = ", ".join(f"{x:.1f}" for x in value["runs"])
            steps = value.get("steps_median_s", {})
            said = " + ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items())
            extra = f" ({said})" if steps else ""
            lines.append(f"| {name} | {value['median_s']:.2f} s{extra} | {runs} |")
        lines.append("")
    suite = results.get("suite")
    lines += ["## The template's suite", ""]
    if suite:
        lines += [
            f"`{suite['command']}`, measured {suite['measured_at']} at commit {suite['commit']}: "
            f"{suite['outcome']} ({'green' if suite['green'] else 'NOT green'}).",
            "",
            *suite_time.table(suite),
            "",
        ]
    else:
        lines += ["Not measured yet: `uv run python bench/run.py --matrix`.", ""]
    load = results.get("load")
    if load:
        lines += load_section(load)
    (out / "results.md").write_text("\n".join(lines))
    if load:
        plot(load, out / "results.png")
