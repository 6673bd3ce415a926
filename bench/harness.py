"""What every benchmark in bench/ shares: a stopwatch, peak RSS, one fresh process per
measurement, and one way to print results.

The benchmarks' figures are compared with each other and quoted in the docs, so they are
measured one way (wall time from `perf_counter`, peak RSS as the measured process's own
high-water mark) and printed one way (a markdown table to paste, then one JSON line per
row for scripts and diffs). This module imports nothing heavy: the process that launches
measurements should start fast and stay small.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "bench" / "out"  # generated data and warehouses, gitignored
STDERR_TAIL_CHARS = 5000


class Stopwatch:
    """Seconds since it was made, plus named laps.

    Wall time, not CPU time: the stages run DuckDB and polars threads and wait on files,
    and wall time is what a user waits. `perf_counter` is monotonic and Python's finest clock.
    """

    def __init__(self) -> None:
        self._started = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> float:
        """Record under `name`, and return, the seconds since the previous lap (or the start)."""
        now = time.perf_counter()
        self.laps[name] = seconds = now - self._last
        self._last = now
        return seconds

    @property
    def seconds(self) -> float:
        """Seconds since the stopwatch was made."""
        return time.perf_counter() - self._started


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB.

    Read from VmHWM rather than `ru_maxrss`: `subprocess` starts a child with vfork, so the
    child's `ru_maxrss` keeps the peak of the parent whose memory it shared until exec, and
    a big launcher would inflate every measurement. `ru_maxrss` is the fallback where there
    is no /proc (KB on Linux, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def measure_in_fresh_process(
    script: Path, args: Sequence[str], env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run `python script *args` and return the JSON object it reported with `emit`.

    A fresh process per measurement, so its peak RSS and its caches (DuckDB, polars,
    Splink) are its own, not left over from the measurement before. It runs this
    interpreter from the repository root (DuckDB spills to `.tmp/` there, gitignored),
    with `env` added to this process's environment. The figures are the last stdout line
    that is a JSON object; other lines (progress, logs) are ignored. If the child fails,
    the benchmark stops with the child's command and the tail of its stderr (the
    traceback), rather than print a table with a hole in it.
    """
    command = [sys.executable, str(Path(script).resolve()), *args]
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env} if env else None,
    )
    shown = " ".join(command[1:])
    if done.returncode:
        sys.exit(f"{shown} failed (exit {done.returncode}):\n{done.stderr[-STDERR_TAIL_CHARS:]}")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"{shown} printed no JSON line. Its stdout ended:\n{done.stdout[-2000:]}")


def emit(figures: Mapping[str, Any]) -> None:
    """The measured process's half of `measure_in_fresh_process`: its figures, one JSON line."""
    print(json.dumps(figures), flush=True)


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> str:
    """Rows as a markdown table, padded so it also reads in a terminal.

    `columns` maps each header to a `str.format` template over a row's keys, e.g.
    `{"time": "{time_s:.1f} s", "clusters": "{steps_s[contact_clusters]:.1f} s"}`. A
    template naming a key the row lacks leaves the cell empty, so rows of different kinds
    (bizdev and hand-written, push and pull) share one table. Columns whose cells are all
    numbers are right-aligned.
    """
    headers = list(columns)
    body = [[_cell(template, row) for template in columns.values()] for row in rows]
    layout = []  # per column: (width, right-aligned)
    for i, header in enumerate(headers):
        column = [cells[i] for cells in body]
        width = max([len(header), *map(len, column)])
        layout.append((width, bool(column) and all(map(_is_number, column))))

    def line(values: Sequence[str]) -> str:
        pairs = zip(values, layout, strict=True)
        padded = (v.rjust(w) if right else v.ljust(w) for v, (w, right) in pairs)
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if right else "-") for w, right in layout) + "|"
    return "\n".join([line(headers), rule, *map(line, body)])


def print_table(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> None:
    """Print rows as a markdown table (what the docs quote), then each row as one JSON line
    (every figure as measured: what scripts and diffs read)."""
    print(markdown_table(rows, columns))
    print()
    for row in rows:
        print(json.dumps(row))


def _cell(template: str, row: Mapping[str, Any]) -> str:
    try:
        return template.format_map(row).replace("|", "\\|")
    except (KeyError, IndexError):
        return ""


def _is_number(cell: str) -> bool:
    return cell == "" or cell.lstrip("-")[:1].isdigit()
